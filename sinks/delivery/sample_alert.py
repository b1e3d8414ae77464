"""``send_test_alert``: one sample alert through a subscription's channel, once.

What ``policywatch subscriptions test`` and the API's test endpoint call, so a
subscriber sees a real, signed message before the first real alert. Async (the
API awaits it); the CLI runs it with ``asyncio.run``. Nothing is published to
Kafka: the returned AlertDelivery says what happened (delivered or failed, with
the reason); there are no retries.
"""

from __future__ import annotations

import time
from datetime import timedelta

from schemas.alerts import AlertDelivery, AlertDocument, AlertLabel, AlertRaised
from schemas.envelope import Producer, utcnow
from schemas.ids import alert_id_for, event_id_for
from schemas.subscriptions import Subscription
from sinks.delivery.attempts import delivery_event
from sinks.delivery.channels import Channels
from sinks.delivery.config import DeliveryConfig
from sinks.delivery.ssrf import Resolver, system_resolve


def sample_alert(subscription: Subscription, producer: Producer) -> AlertRaised:
    """A clearly labelled test alert; its id is new per call (receivers must not dedupe it)."""
    now = utcnow()
    alert_id = alert_id_for(subscription.subscription_id, "test", now.isoformat())
    event_id = event_id_for(alert_id, "", AlertRaised.EVENT_TYPE)
    document = AlertDocument(
        document_id="d-test",
        title="Test alert: this is what a policywatch alert looks like",
        url="https://policywatch.invalid/test-alert",
        source_id="policywatch-test",
        published_at=now - timedelta(minutes=5),
        initiatives=(AlertLabel(id="test-initiative", name="Test initiative", confidence=1.0),),
        snippets=("…a sample evidence snippet, quoted from the document…",),
    )
    return AlertRaised(
        event_id=event_id,
        occurred_at=now,
        observed_at=now,
        producer=producer,
        trace_id=event_id,
        alert_id=alert_id,
        subscription_id=subscription.subscription_id,
        subscription_name=subscription.name,
        trigger="document",
        channel=subscription.channel.kind,
        title=f"Test alert for '{subscription.name}'",
        summary="Sent by 'subscriptions test' to check the channel; no document matched.",
        documents=(document,),
    )


async def send_test_alert(
    subscription: Subscription, config: DeliveryConfig, *, resolve: Resolver = system_resolve
) -> AlertDelivery:
    """Send one sample alert through ``subscription``'s channel; one attempt, no retry."""
    producer = Producer(name="policywatch-delivery", version=config.version)
    alert = sample_alert(subscription, producer)
    channels = Channels(config, resolve)
    started = time.monotonic()
    try:
        result = await channels.send(alert, subscription)
    finally:
        await channels.aclose()
    return delivery_event(
        alert,
        subscription.channel.kind,
        1,
        "delivered" if result.verdict == "delivered" else "failed",
        producer=producer,
        endpoint=result.endpoint,
        http_status=result.http_status,
        error=result.error,
        latency_ms=(time.monotonic() - started) * 1000,
    )
