"""Writes AlertDelivery events to the deliveries topic (kafka-python, acks=all).

Every attempt is recorded before the next one is scheduled; the record is what
makes a restarted worker skip alerts that are already final.

Records that attempts ask for while a batch is on its way are gathered and sent
together by one thread hand-off: a produce call and an acknowledgement wait per
record cost the delivery role about as much CPU as the webhook itself.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from kafka import KafkaProducer
from kafka.errors import KafkaError

from schemas.alerts import AlertDelivery
from schemas.codec import encode
from schemas.errors import BrokerError

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    topic: str
    key: bytes | None
    value: bytes
    failure: str  # how an error about it begins
    done: asyncio.Future[None] = field(repr=False)


class DeliveryRecorder:
    """Publishes one AlertDelivery per attempt, keyed by alert_id, and waits for the ack."""

    def __init__(
        self, bootstrap: str, topic: str, *, compression: str = "lz4", timeout_s: float = 30.0
    ) -> None:
        self._topic = topic
        self._timeout_s = timeout_s
        # its own thread: a slow broker must not starve SMTP sends of the default pool
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deliveries")
        self._pending: list[_Pending] = []
        self._flusher: asyncio.Task[None] | None = None
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap,
                client_id="policywatch-delivery",
                acks="all",
                retries=5,
                linger_ms=5,
                compression_type=None if compression == "none" else compression,
                request_timeout_ms=int(timeout_s * 1000),
                delivery_timeout_ms=int(timeout_s * 1000) + 1000,
                max_block_ms=int(timeout_s * 1000),
            )
        except KafkaError as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc

    async def record(self, event: AlertDelivery) -> None:
        failure = (
            f"cannot record delivery attempt {event.attempt} of alert {event.alert_id} "
            f"on {self._topic}"
        )
        await self._write(self._topic, event.alert_id.encode(), encode(event), failure)

    async def send(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Another record (a dead letter), acknowledged like the attempts."""
        await self._write(topic, key, value, f"cannot write to {topic}")

    async def _write(self, topic: str, key: bytes | None, value: bytes, failure: str) -> None:
        """Queue the record for the next batch; returns once the broker acknowledged it."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(topic, key, value, failure, done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await done

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                errors = await loop.run_in_executor(self._executor, self._send_batch, batch)
            except asyncio.CancelledError:
                self._settle(batch, [BrokerError(f"{i.failure}: stopping") for i in batch])
                raise
            except Exception as exc:  # the executor is shut down: the role is closing
                errors = [BrokerError(f"{item.failure}: {exc!r}") for item in batch]
            self._settle(batch, errors)

    @staticmethod
    def _settle(batch: list[_Pending], errors: list[BrokerError | None]) -> None:
        for item, error in zip(batch, errors, strict=True):
            if item.done.done():  # its attempt was cancelled meanwhile
                continue
            if error is None:
                item.done.set_result(None)
            else:
                item.done.set_exception(error)

    def _send_batch(self, batch: list[_Pending]) -> list[BrokerError | None]:
        """Send every record, then wait for every acknowledgement (in the executor)."""
        errors: list[BrokerError | None] = [None] * len(batch)
        futures = []
        for i, item in enumerate(batch):
            try:
                futures.append((i, self._producer.send(item.topic, key=item.key, value=item.value)))
            except KafkaError as exc:
                errors[i] = BrokerError(f"{item.failure}: {exc}")
        deadline = time.monotonic() + self._timeout_s
        for i, future in futures:
            try:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
            except KafkaError as exc:
                errors[i] = BrokerError(f"{batch[i].failure}: {exc}")
        return errors

    def close(self) -> None:
        try:
            self._producer.close(timeout=self._timeout_s)
        except KafkaError as exc:  # the broker is gone: stop for good (see below)
            log.warning("closing the deliveries producer: %s", exc)
            sender = getattr(self._producer, "_sender", None)
            if sender is not None:
                sender.force_close()
            # kafka-python's own flag: its __del__ would otherwise flush again during GC
            self._producer._closed = True
        finally:
            self._executor.shutdown(wait=False, cancel_futures=True)
