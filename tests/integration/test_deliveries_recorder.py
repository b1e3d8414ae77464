"""The deliveries recorder on real brokers: records asked for together go out together.

Attempts record concurrently; the recorder gathers what arrives while a batch is on
its way. Every record must still be acknowledged on its own: all of them reach the
topic in the order they were asked for, and one refused record fails only its own
attempt, with an error that names it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode
from schemas.envelope import Producer
from schemas.errors import BrokerError
from schemas.ids import alert_id_for
from schemas.topics import TopicNames
from sinks.delivery.attempts import delivery_event
from sinks.delivery.deliveries_topic import DeliveryRecorder
from tests.conftest import Broker
from tests.integration.test_producers_kafka import read_all

FIXTURE = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures" / "alert.raised.v1.json"
PRODUCER = Producer(name="test", version="0")


def _alert(i: int) -> AlertRaised:
    alert_id = alert_id_for("sub_rec", "document", f"doc-{i}")
    return decode(FIXTURE.read_bytes(), AlertRaised).model_copy(
        update={"alert_id": alert_id, "event_id": "e" + alert_id, "subscription_id": "sub_rec"}
    )


async def _record_all(recorder: DeliveryRecorder, alerts: list[AlertRaised]) -> None:
    """Each alert's attempts in turn (retrying, then delivered), all alerts at once."""

    async def attempts(alert: AlertRaised) -> None:
        await recorder.record(delivery_event(alert, "webhook", 1, "retrying", producer=PRODUCER))
        await recorder.record(delivery_event(alert, "webhook", 2, "delivered", producer=PRODUCER))

    await asyncio.gather(*(attempts(a) for a in alerts))


def test_concurrent_records_are_all_acknowledged_in_order(
    broker: Broker, topics: TopicNames
) -> None:
    alerts = [_alert(i) for i in range(150)]
    recorder = DeliveryRecorder(broker.bootstrap, topics.deliveries, timeout_s=15)
    try:
        asyncio.run(_record_all(recorder, alerts))
    finally:
        recorder.close()
    records = [e for _, e in read_all(broker.bootstrap, topics.deliveries)]
    assert all(isinstance(e, AlertDelivery) for e in records)
    by_alert: dict[str, list[int]] = {}
    for event in records:
        assert isinstance(event, AlertDelivery)
        by_alert.setdefault(event.alert_id, []).append(event.attempt)
    # every attempt once, and an alert's second attempt after its first (same key, same
    # partition: the topic keeps the order the recorder sent them in)
    assert by_alert == {a.alert_id: [1, 2] for a in alerts}


def test_a_refused_record_fails_only_its_own_write(broker: Broker, topics: TopicNames) -> None:
    alerts = [_alert(i) for i in range(20)]
    recorder = DeliveryRecorder(broker.bootstrap, topics.deliveries, timeout_s=15)

    async def scenario() -> list[BaseException | None]:
        writes = [
            recorder.record(delivery_event(a, "webhook", 1, "delivered", producer=PRODUCER))
            for a in alerts
        ]
        # larger than the producer's request limit: refused before it is sent
        writes.insert(7, recorder.send(topics.deadletter, b"big", b"x" * (2 * 1024 * 1024)))
        return await asyncio.gather(*writes, return_exceptions=True)

    try:
        outcomes = asyncio.run(scenario())
    finally:
        recorder.close()
    refused = outcomes.pop(7)
    assert isinstance(refused, BrokerError)
    assert str(refused).startswith(f"cannot write to {topics.deadletter}: ")
    assert outcomes == [None] * len(alerts)
    delivered = {
        e.alert_id
        for _, e in read_all(broker.bootstrap, topics.deliveries)
        if isinstance(e, AlertDelivery)
    }
    assert delivered == {a.alert_id for a in alerts}


def test_a_lone_record_completes_without_company(broker: Broker, topics: TopicNames) -> None:
    """A batch is whatever is waiting: one record alone is sent, not held for others."""
    alert = _alert(999)
    recorder = DeliveryRecorder(broker.bootstrap, topics.deliveries, timeout_s=15)

    async def one() -> None:
        await asyncio.wait_for(
            recorder.record(delivery_event(alert, "webhook", 1, "delivered", producer=PRODUCER)),
            timeout=10,
        )

    try:
        asyncio.run(one())
    finally:
        recorder.close()
    records = [e for _, e in read_all(broker.bootstrap, topics.deliveries)]
    assert [e.alert_id for e in records if isinstance(e, AlertDelivery)] == [alert.alert_id]
    assert len(records) == 1
