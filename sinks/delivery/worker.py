"""The delivery worker: follows policy.alerts and delivers every alert not yet final.

Start-up folds ``policy.subscriptions`` (a SubscriptionBook) and
``policy.deliveries`` (which alerts are final, how many attempts the others had)
from the beginning, then reads ``policy.alerts`` from the beginning and keeps
following all three. Partitions are assigned, not joined as a consumer group:
Tansu finishes kafka-python group joins only after ``max_poll_interval_ms``, and
nothing needs committed positions here, since the deliveries topic is the state.

Restarts are at-least-once: an alert whose final record (delivered, failed,
skipped) is on the deliveries topic is never attempted again; one that was in
flight, or delivered but not yet recorded, is delivered again with the same
``webhook-id`` (= alert_id, the idempotency key receivers dedupe on) and the
next attempt number.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress

from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode_any, encode
from schemas.deadletter import DeadLetter, dead_letter_for
from schemas.envelope import Event, Producer
from schemas.errors import BrokerError, InvalidEvent
from schemas.subscription_book import SubscriptionBook
from schemas.subscriptions import Subscription, SubscriptionChanged
from sinks import metrics as sink_metrics
from sinks.consumer import PartitionReader, Record, describe_topics
from sinks.delivery import metrics
from sinks.delivery.attempts import Deliverer
from sinks.delivery.channels import Channels
from sinks.delivery.config import DeliveryConfig
from sinks.delivery.deliveries_topic import DeliveryRecorder
from sinks.delivery.ledger import DeliveryLedger
from sinks.delivery.ssrf import Resolver, system_resolve
from sinks.follow import TopicFollower

log = logging.getLogger(__name__)

_STATE_POLL_MS = 50
_ALERT_POLL_MS = 200
_BATCH = 500


class DeliveryWorker:
    """``await run()`` until ``stop()``; ``ready`` is called once consuming alerts."""

    def __init__(
        self, config: DeliveryConfig, bootstrap: str, *, resolve: Resolver = system_resolve
    ) -> None:
        self._config = config
        self._bootstrap = bootstrap
        self._resolve = resolve
        self.book = SubscriptionBook()
        self._book_lock = threading.Lock()  # other threads read it (active_subscriptions)
        self.ledger = DeliveryLedger()
        self._tasks: dict[str, asyncio.Task[None]] = {}
        # unreadable records (key, dead letter), published to the dead-letter topic
        self._dead: list[tuple[bytes | None, DeadLetter]] = []
        self._recorder: DeliveryRecorder | None = None
        self._stopping = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._caught_up = float("-inf")

    def stop(self) -> None:
        """Idempotent; callable from a signal handler or another thread."""
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stopping.set)
        else:
            self._stopping.set()

    async def run(self, ready: Callable[[], None] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        topics = self._config.topics
        infos = await asyncio.to_thread(
            describe_topics, self._bootstrap, [topics.alerts], self._config.kafka_timeout_s
        )
        state = await asyncio.to_thread(
            TopicFollower,
            self._bootstrap,
            [topics.subscriptions, topics.deliveries],
            "policywatch-delivery-state",
            self._fold,
            batch=_BATCH,
            timeout_s=self._config.kafka_timeout_s,
            fetch_wait_ms=self._config.fetch_wait_ms,
        )
        alerts = PartitionReader(
            self._bootstrap, "policywatch-delivery-alerts", _BATCH, self._config.fetch_wait_ms
        )
        recorder = DeliveryRecorder(
            self._bootstrap,
            topics.deliveries,
            compression=self._config.compression,
            timeout_s=self._config.kafka_timeout_s,
        )
        self._recorder = recorder
        channels = Channels(self._config, self._resolve)
        deliverer = Deliverer(self._config, channels, recorder.record, self._stopping)
        try:
            await self._catch_up(state)
            alerts.assign({(topics.alerts, p): None for info in infos for p in info.partitions})
            log.info(
                "delivery worker ready: %s subscriptions, %s alerts already final",
                len(self.book),
                len(self.ledger),
            )
            if ready is not None:
                ready()
            await self._follow(state, alerts, deliverer)
        finally:
            await self._drain()
            await channels.aclose()
            await asyncio.to_thread(recorder.close)
            state.close()
            alerts.close()

    async def _catch_up(self, state: TopicFollower) -> None:
        """Read subscriptions and deliveries until nothing is left (a poll empty, no lag).

        Records are fetched in a thread and folded here, on the loop, where the ledger
        and the dead letters are used."""
        while not self._stopping.is_set():
            records = await asyncio.to_thread(state.fetch, _STATE_POLL_MS * 4)
            self._fold(records)
            await self._publish_dead(self._recorder)
            if not records and await asyncio.to_thread(state.caught_up):
                self._caught_up = time.monotonic()
                return

    async def _follow(
        self, state: TopicFollower, alerts: PartitionReader, deliverer: Deliverer
    ) -> None:
        while not self._stopping.is_set():
            self._fold(await asyncio.to_thread(state.fetch, _STATE_POLL_MS))
            if len(self._tasks) >= self._config.max_pending:
                await asyncio.wait(
                    list(self._tasks.values()), timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                )
                continue
            batch = await asyncio.to_thread(alerts.poll, _ALERT_POLL_MS, _BATCH)
            fetched_at = time.monotonic()
            for record in batch:
                alert = self._decode(record)
                if isinstance(alert, AlertRaised):
                    await self._handle(alert, fetched_at, state, deliverer)
            await self._publish_dead(self._recorder)

    def active_subscriptions(self) -> list[Subscription]:
        """The active subscriptions as folded so far; safe to call from any thread.

        The delivery role's commitment scans use this book instead of reading
        ``policy.subscriptions`` from its beginning on every scan.
        """
        with self._book_lock:
            return list(self.book.active())

    def _fold(self, records: list[Record]) -> None:
        for record in records:
            event = self._decode(record)
            if isinstance(event, SubscriptionChanged):
                with self._book_lock:
                    self.book.apply(event)
            elif isinstance(event, AlertDelivery):
                self.ledger.apply(event)

    def _decode(self, record: Record) -> Event | None:
        if record.value is None:
            return None  # a tombstone on a compacted topic
        try:
            event = decode_any(record.value)
        except InvalidEvent as exc:
            log.warning(
                "dead letter %s[%s]@%s: %s", record.topic, record.partition, record.offset, exc
            )
            self._dead.append(
                (
                    record.key,
                    dead_letter_for(
                        stage="delivery",
                        error=exc,
                        producer=Producer(
                            name="policywatch-delivery", version=self._config.version
                        ),
                        origin=f"{record.topic}/{record.partition}@{record.offset}",
                        topic=record.topic,
                        partition=record.partition,
                        offset=record.offset,
                        key=record.key,
                        value=record.value,
                    ),
                )
            )
            return None
        return event

    async def _publish_dead(self, recorder: DeliveryRecorder | None) -> None:
        """Send the dead letters of what was just read (a broker error keeps them for later)."""
        while self._dead and recorder is not None:
            key, dead = self._dead[0]
            try:
                await recorder.send(self._config.topics.deadletter, key, encode(dead))
            except BrokerError as exc:
                log.warning("dead letters wait for the broker: %s", exc)
                return
            self._dead.pop(0)
            sink_metrics.DEADLETTERS.labels("delivery", dead.reason).inc()

    async def _handle(
        self, alert: AlertRaised, fetched_at: float, state: TopicFollower, deliverer: Deliverer
    ) -> None:
        alert_id = alert.alert_id
        if self.ledger.is_final(alert_id) or alert_id in self._tasks:
            return
        subscription = self.book.get(alert.subscription_id)
        never_seen = self.book.version(alert.subscription_id) == 0
        if subscription is None and never_seen and self._caught_up < fetched_at:
            # the alert may have been read before its subscription (published earlier): read
            # the state topics up to now, once per fetched batch of alerts at most
            await self._catch_up(state)
            subscription = self.book.get(alert.subscription_id)
        attempts = self.ledger.attempts(alert_id)
        if subscription is None or not subscription.active:
            known = self.book.version(alert.subscription_id) > 0
            reason = (
                f"subscription {alert.subscription_id} is paused"
                if subscription is not None
                else f"subscription {alert.subscription_id} was deleted"
                if known
                else f"subscription {alert.subscription_id} is unknown"
            )
            event = await deliverer.skip(alert, attempts, reason)
            self.ledger.apply(event)
            return
        task = asyncio.create_task(self._deliver(deliverer, alert, subscription, attempts))
        self._tasks[alert_id] = task
        metrics.PENDING.set(len(self._tasks))

    async def _deliver(
        self, deliverer: Deliverer, alert: AlertRaised, subscription: Subscription, attempts: int
    ) -> None:
        try:
            event = await deliverer.deliver(alert, subscription, attempts)
            if event is not None:
                self.ledger.apply(event)
        except Exception:
            log.exception("delivering alert %s failed unexpectedly", alert.alert_id)
        finally:
            self._tasks.pop(alert.alert_id, None)
            metrics.PENDING.set(len(self._tasks))

    async def _drain(self) -> None:
        """Let attempts in flight finish briefly, then cancel the rest (they stay non-final)."""
        self._stopping.set()
        tasks = list(self._tasks.values())
        if not tasks:
            return
        grace = min(self._config.timeout_s, 5.0)
        _done, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            task.cancel()
        for task in pending:
            with suppress(asyncio.CancelledError):
                await task
