"""The subscription book's running count of active subscriptions.

Workers set a gauge from it after every folded change; it must equal a walk of the
book whatever the order of creations, pauses, deletions and stale versions.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.envelope import Producer
from schemas.subscription_book import SubscriptionBook
from schemas.subscriptions import EmailChannel, Subscription, subscription_changed

PRODUCER = Producer(name="test", version="0")
CHANNEL = EmailChannel(to=("analyst@example.org",))

# (subscription number, version, kind): kind 0 = active, 1 = paused, 2 = deleted
changes = st.lists(st.tuples(st.integers(0, 5), st.integers(1, 6), st.integers(0, 2)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(changes)
def test_active_count_matches_a_walk_of_the_book(steps: list[tuple[int, int, int]]) -> None:
    book = SubscriptionBook()
    for number, version, kind in steps:
        sub_id = f"sub_{number}"
        subscription = (
            None
            if kind == 2
            else Subscription(
                subscription_id=sub_id, name=sub_id, channel=CHANNEL, active=kind == 0
            )
        )
        change = "deleted" if kind == 2 else "paused" if kind == 1 else "updated"
        book.apply(
            subscription_changed(
                sub_id, change, version=version, subscription=subscription, producer=PRODUCER
            )
        )
        assert book.active_count == sum(1 for _ in book.active())
