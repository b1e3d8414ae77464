"""What the deliveries topic says about each alert: final or not, attempts so far.

Pure: folded from AlertDelivery events. ``delivered``, ``failed`` and ``skipped``
are final (the worker never attempts that alert again); ``retrying`` only
advances the attempt count, so a restarted worker numbers its next attempt after
the last recorded one and keeps the same attempt budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.alerts import AlertDelivery

FINAL_STATUSES = frozenset({"delivered", "failed", "skipped"})


@dataclass
class DeliveryLedger:
    _final: set[str] = field(default_factory=set)
    _attempts: dict[str, int] = field(default_factory=dict)

    def apply(self, event: AlertDelivery) -> None:
        if event.status in FINAL_STATUSES:
            self._final.add(event.alert_id)
            self._attempts.pop(event.alert_id, None)
        elif event.alert_id not in self._final:
            known = self._attempts.get(event.alert_id, 0)
            self._attempts[event.alert_id] = max(known, event.attempt)

    def is_final(self, alert_id: str) -> bool:
        return alert_id in self._final

    def attempts(self, alert_id: str) -> int:
        """Attempts recorded so far for a not-yet-final alert (0 when none)."""
        return self._attempts.get(alert_id, 0)

    def __len__(self) -> int:
        return len(self._final)
