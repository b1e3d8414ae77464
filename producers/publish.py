"""Publish events to Kafka (kafka-python): acks=all, keyed, batched.

The only module of ``producers`` that imports kafka-python. ``publish`` returns
only after every record is acknowledged or has failed, so what it reports as
sent is on the broker.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from schemas.errors import BrokerError

log = logging.getLogger(__name__)


@dataclass
class PublishReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    failed_indices: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Outgoing:
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]] | None = None


class Publisher:
    """A kafka-python producer configured for durability and throughput."""

    def __init__(
        self,
        bootstrap: str,
        *,
        compression: str = "lz4",
        client_id: str = "policywatch",
        timeout_s: float = 30.0,
    ) -> None:
        self._timeout_s = timeout_s
        try:
            self._producer = KafkaProducer(
                bootstrap_servers=bootstrap,
                client_id=client_id,
                acks="all",
                enable_idempotence=True,  # a retried batch is not written twice
                retries=5,
                linger_ms=10,
                batch_size=512 * 1024,
                max_request_size=16 * 1024 * 1024,
                compression_type=None if compression == "none" else compression,
                request_timeout_ms=int(timeout_s * 1000),
                # fail a record once the broker has not acknowledged it within the timeout
                # (kafka-python's default keeps retrying for two minutes)
                delivery_timeout_ms=int(timeout_s * 1000) + 1000,
                max_block_ms=int(timeout_s * 1000),
            )
        except KafkaError as exc:
            raise BrokerError(
                f"cannot reach Kafka at {bootstrap}: {exc}; is the stack running "
                "(policywatch up) or POLICYWATCH_KAFKA__BOOTSTRAP set?"
            ) from exc

    def publish(
        self, records: Iterable[Outgoing], on_ack: Callable[[int], None] | None = None
    ) -> PublishReport:
        """Send all records and wait for their acknowledgements, within one timeout.

        The timeout bounds the whole call, not each record: with a dead broker,
        kafka-python blocks every ``send`` and ``get`` for up to the timeout, so a
        1,000-record chunk would otherwise take 1,000 timeouts to fail.
        """
        report = PublishReport()
        futures = []
        deadline = time.monotonic() + self._timeout_s
        broken: str | None = None  # once a send fails for lack of a broker, fail the rest fast
        for index, record in enumerate(records):
            if broken is None:
                try:
                    future = self._producer.send(
                        record.topic,
                        key=record.key,
                        value=record.value,
                        headers=record.headers or [],
                    )
                    futures.append((index, future))
                    continue
                except KafkaTimeoutError as exc:
                    broken = f"{record.topic}: {exc}"
                except KafkaError as exc:
                    self._fail(report, index, f"{record.topic}: {exc}")
                    continue
            self._fail(report, index, broken)
        try:
            self._producer.flush(timeout=max(0.0, deadline - time.monotonic()))
        except KafkaError as exc:  # each unacknowledged future reports its own failure below
            log.warning("flushing to Kafka failed: %s", exc)
        for index, future in futures:
            try:
                future.get(timeout=max(0.0, deadline - time.monotonic()))
                report.sent += 1
                if on_ack:
                    on_ack(1)
            except KafkaError as exc:
                self._fail(report, index, str(exc))
        return report

    @staticmethod
    def _fail(report: PublishReport, index: int, message: str) -> None:
        report.failed += 1
        report.failed_indices.add(index)
        if len(report.errors) < 20:
            report.errors.append(message)

    def close(self) -> None:
        """Close within the timeout; unacknowledged records were already reported failed."""
        try:
            self._producer.close(timeout=self._timeout_s)
        except KafkaError as exc:  # a dead broker must not turn a report into a traceback
            log.warning("closing the Kafka producer: %s", exc)
            force_close(self._producer)


def force_close(producer: KafkaProducer) -> None:
    """Give up on a producer whose close could not flush (its broker is gone).

    kafka-python's close flushes first and raises when that times out, leaving the
    producer open: its ``__del__`` would then try again during garbage collection
    and raise there. Stopping the sender and marking it closed ends it for good.
    """
    sender = getattr(producer, "_sender", None)
    if sender is not None:
        sender.force_close()
    producer._closed = True  # kafka-python's own flag; __del__ then does nothing
