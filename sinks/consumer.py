"""The sink's Kafka reader: assigned partitions, positions from the warehouse.

No consumer group: positions live in the warehouse beside the data they
produced, so there is nothing to rebalance and no group join to wait for. The
only module of ``sinks`` that reads with kafka-python (``delivery.deliveries_topic`` writes).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from schemas.errors import BrokerError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(frozen=True)
class TopicInfo:
    name: str
    topic_id: str
    partitions: tuple[int, ...]


def describe_topics(bootstrap: str, topics: list[str], timeout_s: float = 30.0) -> list[TopicInfo]:
    """Topic ids and partitions; fails with a clear error when a topic is missing."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap,
            request_timeout_ms=int(timeout_s * 1000),
            client_id="policywatch-sink-admin",
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
    try:
        described = admin.describe_topics(topics)
    except KafkaError as exc:
        raise BrokerError(f"cannot describe topics {topics} at {bootstrap}: {exc}") from exc
    finally:
        admin.close()
    infos = []
    for item in described:
        if item.get("error_code", 0) != 0 or not item.get("partitions"):
            raise BrokerError(
                f"topic {item.get('name')!r} does not exist on {bootstrap}; "
                "create it first (policywatch up creates every topic)",
                reason="missing_topic",
            )
        infos.append(
            TopicInfo(
                name=str(item["name"]),
                topic_id=str(item.get("topic_id") or ""),
                partitions=tuple(sorted(p["partition_index"] for p in item["partitions"])),
            )
        )
    return infos


#: Tansu answers a fetch only when its wait expires, even if records arrive meanwhile
#: (measured: a record sent into an idle 1,500 ms fetch waited ~380 ms; with 100 ms, 13 ms),
#: so every hop adds up to this wait. Kafka answers as soon as data is there; a short
#: wait costs it only more fetch requests while idle.
FETCH_MAX_WAIT_MS = 100


class PartitionReader:
    """Reads assigned partitions from given positions, in batches."""

    def __init__(
        self,
        bootstrap: str,
        client_id: str,
        max_poll_records: int,
        fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS,
    ) -> None:
        try:
            self._consumer = KafkaConsumer(
                bootstrap_servers=bootstrap,
                client_id=client_id,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                max_poll_records=max_poll_records,
                fetch_max_bytes=64 * 1024 * 1024,
                max_partition_fetch_bytes=16 * 1024 * 1024,
                fetch_max_wait_ms=fetch_max_wait_ms,
            )
        except KafkaError as exc:
            raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc

    def assign(self, positions: Mapping[tuple[str, int], int | None]) -> None:
        """Assign partitions; ``None`` means from the beginning."""
        partitions = [TopicPartition(t, p) for (t, p) in positions]
        self._consumer.assign(partitions)
        for tp in partitions:
            # No comparison with end offsets: Tansu 0.6.0 reports the end of a partition as
            # (base offset of its last batch) + 1, so a valid position can look "past the
            # end". A re-created topic is recognised by its topic id instead.
            position = positions[(tp.topic, tp.partition)]
            if position is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, position)

    def poll(self, timeout_ms: int, max_records: int) -> list[Record]:
        try:
            batches = self._consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
        except KafkaError as exc:
            raise BrokerError(f"reading from Kafka failed: {exc}") from exc
        out = []
        for tp, messages in batches.items():
            for m in messages:
                out.append(Record(tp.topic, tp.partition, m.offset, m.key, m.value))
        return out

    def lag(self) -> dict[tuple[str, int], int]:
        """Messages between the current position and the end, per partition.

        On Tansu 0.6.0 the end is under-reported for multi-record batches (see assign),
        so this is a lower bound there; on Apache Kafka it is exact.
        """
        assigned = list(self._consumer.assignment())
        try:
            ends = self._consumer.end_offsets(assigned)
        except KafkaError as exc:
            raise BrokerError(f"cannot read end offsets: {exc}") from exc
        return {
            (tp.topic, tp.partition): max(0, ends.get(tp, 0) - self._consumer.position(tp))
            for tp in assigned
        }

    def close(self) -> None:
        self._consumer.close(autocommit=False)
