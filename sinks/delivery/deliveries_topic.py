"""Writes AlertDelivery events to the deliveries topic (kafka-python, acks=all).

Every attempt is recorded before the next one is scheduled; the record is what
makes a restarted worker skip alerts that are already final.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from kafka import KafkaProducer
from kafka.errors import KafkaError

from schemas.alerts import AlertDelivery
from schemas.codec import encode
from schemas.errors import BrokerError

log = logging.getLogger(__name__)


class DeliveryRecorder:
    """Publishes one AlertDelivery per attempt, keyed by alert_id, and waits for the ack."""

    def __init__(
        self, bootstrap: str, topic: str, *, compression: str = "lz4", timeout_s: float = 30.0
    ) -> None:
        self._topic = topic
        self._timeout_s = timeout_s
        # its own threads: a slow broker must not starve SMTP sends of the default pool
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="deliveries")
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

    def _send(self, event: AlertDelivery) -> None:
        try:
            future = self._producer.send(
                self._topic, key=event.alert_id.encode(), value=encode(event)
            )
            future.get(timeout=self._timeout_s)
        except KafkaError as exc:
            raise BrokerError(
                f"cannot record delivery attempt {event.attempt} of alert {event.alert_id} "
                f"on {self._topic}: {exc}"
            ) from exc

    def _send_raw(self, topic: str, key: bytes | None, value: bytes) -> None:
        try:
            self._producer.send(topic, key=key, value=value).get(timeout=self._timeout_s)
        except KafkaError as exc:
            raise BrokerError(f"cannot write to {topic}: {exc}") from exc

    async def send(self, topic: str, key: bytes | None, value: bytes) -> None:
        """Another record (a dead letter), acknowledged like the attempts."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._send_raw, topic, key, value)

    async def record(self, event: AlertDelivery) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._send, event)

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
