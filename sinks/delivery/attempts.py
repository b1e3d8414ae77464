"""The attempt loop of one alert: gate, send, record, back off, until final.

Each alert runs in its own task; an endpoint's semaphore and circuit breaker are
the only things tasks share, and only with tasks for the same endpoint, so a slow
or dead endpoint never delays the others. Every attempt (also one held back by
an open circuit) becomes an AlertDelivery, recorded before the next one is
scheduled.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from schemas.alerts import AlertDelivery, AlertRaised, ChannelKind, DeliveryStatus
from schemas.envelope import Producer, utcnow
from schemas.errors import BrokerError
from schemas.ids import event_id_for
from schemas.subscriptions import Subscription
from sinks.delivery import metrics
from sinks.delivery.channels import AttemptResult, Channels
from sinks.delivery.circuit import EndpointGates
from sinks.delivery.config import DeliveryConfig
from sinks.delivery.retry import next_delay

log = logging.getLogger(__name__)

Recorder = Callable[[AlertDelivery], Awaitable[None]]


def delivery_event(
    alert: AlertRaised,
    channel: ChannelKind,
    attempt: int,
    status: DeliveryStatus,
    *,
    producer: Producer,
    endpoint: str = "",
    http_status: int | None = None,
    error: str = "",
    latency_ms: float = 0.0,
    next_attempt_in_s: float | None = None,
) -> AlertDelivery:
    """One attempt's record; its event id derives from (alert, attempt, status)."""
    now = utcnow()
    event_id = event_id_for(alert.alert_id, str(attempt), AlertDelivery.EVENT_TYPE, status)
    return AlertDelivery(
        event_id=event_id,
        occurred_at=now,
        observed_at=now,
        producer=producer,
        trace_id=alert.trace_id,
        alert_id=alert.alert_id,
        subscription_id=alert.subscription_id,
        channel=channel,
        attempt=attempt,
        status=status,
        endpoint=endpoint,
        http_status=http_status,
        error=error[:2000],
        latency_ms=round(max(latency_ms, 0.0), 3),
        next_attempt_at=None
        if next_attempt_in_s is None
        else now + timedelta(seconds=next_attempt_in_s),
    )


class Deliverer:
    """Runs attempts for alerts; ``stopping`` ends waits early (the alert stays non-final)."""

    def __init__(
        self,
        config: DeliveryConfig,
        channels: Channels,
        record: Recorder,
        stopping: asyncio.Event,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._config = config
        self._channels = channels
        self._record = record
        self._stopping = stopping
        self._rng = rng or random.Random()
        self.producer = Producer(name="policywatch-delivery", version=config.version)
        self.gates = EndpointGates(
            config.endpoint_concurrency,
            config.circuit_failures,
            config.circuit_reset_s,
            clock=clock,
            on_change=lambda host, is_open: metrics.ENDPOINT_UP.labels(host).set(int(not is_open)),
            on_forget=metrics.forget_endpoint,
            max_endpoints=config.max_endpoints,
        )

    async def skip(self, alert: AlertRaised, attempts_before: int, reason: str) -> AlertDelivery:
        event = delivery_event(
            alert,
            alert.channel,
            attempts_before + 1,
            "skipped",
            producer=self.producer,
            error=reason,
        )
        await self._save(event)
        return event

    async def deliver(
        self, alert: AlertRaised, subscription: Subscription, attempts_before: int = 0
    ) -> AlertDelivery | None:
        """Attempt until delivered or final; None when stopped before that."""
        channel = subscription.channel.kind
        endpoint = self._channels.endpoint(subscription)
        last_attempt = max(self._config.max_attempts, attempts_before + 1)
        attempt = attempts_before + 1
        while not self._stopping.is_set():
            result, latency_s, held_back = await self._attempt(alert, subscription, endpoint)
            exhausted = attempt >= last_attempt
            if result.verdict == "delivered":
                status: DeliveryStatus = "delivered"
            elif result.verdict == "final" or exhausted:
                status = "failed"
            else:
                status = "retrying"
            delay = None
            if status == "retrying":
                delay = next_delay(
                    attempt,
                    self._config.backoff_base_s,
                    self._config.backoff_max_s,
                    result.retry_after if held_back is None else held_back,
                    self._rng,
                )
            event = delivery_event(
                alert,
                channel,
                attempt,
                status,
                producer=self.producer,
                endpoint=result.endpoint,
                http_status=result.http_status,
                error=result.error,
                latency_ms=latency_s * 1000,
                next_attempt_in_s=delay,
            )
            await self._save(event)
            if held_back is None:
                metrics.SECONDS.labels(channel).observe(latency_s)
            if status != "retrying":
                self._log_final(event)
                return event
            log.info(
                "alert %s attempt %s to %s failed, retrying in %.1fs: %s",
                alert.alert_id,
                attempt,
                endpoint,
                delay,
                result.error,
            )
            assert delay is not None
            if await self._pause(delay):
                break
            attempt += 1
        return None

    async def _attempt(
        self, alert: AlertRaised, subscription: Subscription, endpoint: str
    ) -> tuple[AttemptResult, float, float | None]:
        """One send through the endpoint's gates; held-back seconds when its circuit is open."""
        breaker = self.gates.breaker(endpoint)
        wait = breaker.acquire()
        if wait > 0:
            error = (
                f"circuit open for {endpoint} after {breaker.consecutive} consecutive failures; "
                f"next try in {wait:.0f}s"
            )
            return AttemptResult("retry", endpoint, error=error), 0.0, wait
        async with self.gates.slot(endpoint):
            started = time.monotonic()
            try:
                result = await self._channels.send(alert, subscription)
            except BaseException:
                breaker.release_probe()
                raise
            latency = time.monotonic() - started
        if result.blame == "endpoint":
            self.gates.failed(endpoint)
        elif result.blame == "none":
            self.gates.succeeded(endpoint)
        else:
            breaker.release_probe()
        return result, latency, None

    async def _save(self, event: AlertDelivery) -> None:
        metrics.ATTEMPTS.labels(event.channel, event.status).inc()
        try:
            await self._record(event)
        except BrokerError as exc:
            # the attempt happened; losing its record only means a restart may repeat it
            metrics.RECORD_ERRORS.inc()
            log.error("%s", exc)

    async def _pause(self, seconds: float) -> bool:
        """Sleep; True when the worker is stopping."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    def _log_final(self, event: AlertDelivery) -> None:
        if event.status == "delivered":
            log.info(
                "alert %s delivered to %s (attempt %s)",
                event.alert_id,
                event.endpoint,
                event.attempt,
            )
        else:
            log.warning(
                "alert %s failed for good after %s attempt(s): %s",
                event.alert_id,
                event.attempt,
                event.error,
            )
