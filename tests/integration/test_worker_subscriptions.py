"""The worker's subscription book, read with the follower every role uses, on both brokers.

The book says ready with every subscription in it, the last batch included (on Tansu it
lies past the reported end offset); a record that is no subscription is dead-lettered
and the book goes on.
"""

from __future__ import annotations

import asyncio
import uuid

from kafka import KafkaProducer
from pydantic import SecretStr

from ops.runtime.topics import ensure_topics
from schemas.codec import encode
from schemas.deadletter import DeadLetter
from schemas.envelope import Producer
from schemas.subscriptions import Filter, Subscription, WebhookChannel, subscription_changed
from sinks.consumer import Record
from sinks.follow import TopicFollower
from streams.alert_agents import SubscriptionFollower
from tests.conftest import Broker

BATCHES = (6, 13, 6)  # multi-record batches: Tansu reports the end at the last one's base
PRODUCER = Producer(name="test", version="1")
CHANNEL = WebhookChannel(
    url="https://hooks.example.org/alerts", secret=SecretStr("whsec_dGVzdC1zZWNyZXQtMDE=")
)


def publish_subscriptions(bootstrap: str, topic: str) -> list[str]:
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=200)
    ids: list[str] = []
    for batch, size in enumerate(BATCHES):
        for _ in range(size):
            sub_id = f"sub_{len(ids)}"
            sub = Subscription(
                subscription_id=sub_id,
                name=sub_id,
                filter=Filter(keywords=(f"word{len(ids)}",)),
                channel=CHANNEL,
            )
            change = subscription_changed(
                sub_id, "created", version=1, subscription=sub, producer=PRODUCER
            )
            producer.send(topic, key=sub_id.encode(), value=encode(change))
            ids.append(sub_id)
        if batch == 1:
            producer.send(topic, key=b"garbage", value=b"not a subscription")
        producer.flush()
    producer.close()
    return ids


def ignore(records: list[Record]) -> None:
    """The worker folds what it fetches itself."""


def test_the_workers_book_is_ready_with_every_subscription(broker: Broker) -> None:
    topic = f"subs-{uuid.uuid4().hex[:8]}"
    ensure_topics(broker.bootstrap, [topic], partitions=1)
    ids = publish_subscriptions(broker.bootstrap, topic)
    dead: list[DeadLetter] = []

    async def send_dead(key: bytes | None, letter: DeadLetter) -> None:
        dead.append(letter)

    follower = SubscriptionFollower(
        lambda: TopicFollower(broker.bootstrap, [topic], "test-worker-subscriptions", ignore),
        PRODUCER,
        send_dead,
    )

    async def book_when_ready() -> set[str]:
        following = asyncio.create_task(follower.run())
        try:
            await asyncio.wait_for(follower.ready.wait(), timeout=60)
            return {s.subscription_id for s in follower.book.active()}
        finally:
            following.cancel()

    assert asyncio.run(book_when_ready()) == set(ids)
    assert [d.reason for d in dead] == ["not_json"]
