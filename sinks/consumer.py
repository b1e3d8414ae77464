"""The sink's Kafka reader: assigned partitions, positions from the warehouse.

No consumer group: positions live in the warehouse beside the data they
produced, so there is nothing to rebalance and no group join to wait for. The
only module of ``sinks`` that reads with kafka-python (``delivery.deliveries_topic`` writes).
"""

from __future__ import annotations

import logging
import time
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
_PROBE_TIMEOUT_S = 2.0


def probe_consumer(bootstrap: str, client_id: str) -> KafkaConsumer:
    """A consumer for ``probe_high_watermarks`` (no group, nothing committed)."""
    try:
        return KafkaConsumer(
            bootstrap_servers=bootstrap,
            client_id=client_id,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="latest",
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
            max_partition_fetch_bytes=1024 * 1024,
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc


def probe_high_watermarks(
    probe: KafkaConsumer, ends: Mapping[TopicPartition, int], fetch_max_wait_ms: int
) -> dict[TopicPartition, int]:
    """The high watermark of each non-empty partition, from one fetch of its last record.

    Tansu 0.6.0 reports a partition's end offset as (base offset of its last batch) + 1,
    19 where 25 records are served, but its fetch responses carry the true high watermark;
    Apache Kafka agrees with its end offsets. ``ends`` are the reported end offsets.
    """
    wanted = [tp for tp, end in ends.items() if end > 0]
    if not wanted:
        return {}
    probe.unsubscribe()  # fresh partition states: no high watermark from a previous probe
    probe.assign(wanted)
    for tp in wanted:
        probe.seek(tp, ends[tp] - 1)
    deadline = time.monotonic() + _PROBE_TIMEOUT_S
    found: dict[TopicPartition, int] = {}
    while len(found) < len(wanted) and time.monotonic() < deadline:
        probe.poll(timeout_ms=fetch_max_wait_ms * 2, max_records=len(wanted) * 500)
        found = {tp: hw for tp in wanted if (hw := probe.highwater(tp)) is not None}
    return found


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
        self._bootstrap = bootstrap
        self._client_id = client_id
        self._fetch_max_wait_ms = fetch_max_wait_ms
        self._probe: KafkaConsumer | None = None

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

        The end is the largest of the reported end offset and the high watermarks of fetch
        responses (this reader's last one, and a probe's, see ``probe_high_watermarks``):
        exact on Tansu, whose end offsets are under-reported, and on Apache Kafka.
        """
        assigned = list(self._consumer.assignment())
        try:
            ends = self._consumer.end_offsets(assigned)
            probed = self._probe_high_watermarks(ends)
        except KafkaError as exc:
            raise BrokerError(f"cannot read end offsets: {exc}") from exc
        lag = {}
        for tp in assigned:
            end = max(ends.get(tp, 0), self._consumer.highwater(tp) or 0, probed.get(tp, 0))
            lag[(tp.topic, tp.partition)] = max(0, end - self._consumer.position(tp))
        return lag

    def _probe_high_watermarks(
        self, ends: Mapping[TopicPartition, int]
    ) -> dict[TopicPartition, int]:
        if not any(end > 0 for end in ends.values()):
            return {}
        if self._probe is None:
            self._probe = probe_consumer(self._bootstrap, self._client_id + "-lag")
        return probe_high_watermarks(self._probe, ends, self._fetch_max_wait_ms)

    def close(self) -> None:
        self._consumer.close(autocommit=False)
        if self._probe is not None:
            self._probe.close(autocommit=False)
