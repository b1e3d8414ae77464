"""The current subscriptions, folded from SubscriptionChanged events (part of the contract).

Every process that needs subscriptions (the alert evaluator, the delivery worker,
the API) folds the compacted topic into a book. Changes carry a version, so an
older event read late (a replay, a second partition) never undoes a newer one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from schemas.subscriptions import Subscription, SubscriptionChanged


@dataclass
class SubscriptionBook:
    """Subscription id -> latest state; deleted ids remember their version."""

    _state: dict[str, Subscription] = field(default_factory=dict)
    _versions: dict[str, int] = field(default_factory=dict)
    _active: int = 0  # kept by apply: counting on every change made folding n changes O(n²)

    def apply(self, event: SubscriptionChanged) -> bool:
        """Fold one change in; False when it is older than what the book holds."""
        known = self._versions.get(event.subscription_id, 0)
        if event.version <= known:
            return False
        self._versions[event.subscription_id] = event.version
        before = self._state.get(event.subscription_id)
        if before is not None and before.active:
            self._active -= 1
        if event.subscription is None:
            self._state.pop(event.subscription_id, None)
        else:
            self._state[event.subscription_id] = event.subscription
            if event.subscription.active:
                self._active += 1
        return True

    def get(self, subscription_id: str) -> Subscription | None:
        return self._state.get(subscription_id)

    def version(self, subscription_id: str) -> int:
        """The last applied version (0 when never seen); the next change is this + 1."""
        return self._versions.get(subscription_id, 0)

    def active(self) -> Iterator[Subscription]:
        return (s for s in self._state.values() if s.active)

    @property
    def active_count(self) -> int:
        """How many subscriptions are active, without walking the book."""
        return self._active

    def __iter__(self) -> Iterator[Subscription]:
        return iter(sorted(self._state.values(), key=lambda s: s.subscription_id))

    def __len__(self) -> int:
        return len(self._state)
