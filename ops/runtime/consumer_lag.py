"""Consumer-group lag as the broker records it: committed offsets against end offsets.

The same numbers ``kafka-consumer-groups.sh --describe`` prints (CURRENT-OFFSET,
LOG-END-OFFSET, LAG), so ``policywatch status`` and Kafka's own tooling agree.
Faust's workers commit their positions to the group; the sink and the delivery
role keep theirs in the warehouse and the topics and use no group, so their lag
comes from their metrics instead. Tansu 0.6.0 under-reports end offsets for
multi-record batches, so the end is the larger of the reported one and the high
watermark of a fetch of the partition's last record (exact on both brokers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kafka import KafkaAdminClient
from kafka.admin import OffsetSpec
from kafka.errors import KafkaError

from schemas.errors import BrokerError
from sinks.consumer import FETCH_MAX_WAIT_MS, probe_consumer, probe_high_watermarks

if TYPE_CHECKING:
    from kafka import TopicPartition


@dataclass(frozen=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(0, self.end - self.committed)


def group_lag(bootstrap: str, group: str, timeout_s: float = 10.0) -> list[PartitionLag]:
    """Every partition the group has committed an offset for, sorted; [] for no commits."""

    admin = _admin(bootstrap, timeout_s)
    try:
        offsets = admin.list_group_offsets(group).get(group, {})
        committed = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
        if not committed:
            return []
        ends = _ends(admin, bootstrap, committed)
    except KafkaError as exc:
        raise BrokerError(f"cannot read the offsets of group {group!r}: {exc}") from exc
    finally:
        admin.close()
    return sorted(
        (
            PartitionLag(group, tp.topic, tp.partition, offset, ends[tp])
            for tp, offset in committed.items()
        ),
        key=lambda p: (p.topic, p.partition),
    )


def partition_ends(
    bootstrap: str, partitions: list[TopicPartition], timeout_s: float = 10.0
) -> dict[TopicPartition, int]:
    """Each partition's end offset (the offset its next record will get), exact on both
    brokers (see the module's note on Tansu)."""
    admin = _admin(bootstrap, timeout_s)
    try:
        return _ends(admin, bootstrap, dict.fromkeys(partitions, 0))
    except KafkaError as exc:
        raise BrokerError(f"cannot read the end offsets at {bootstrap}: {exc}") from exc
    finally:
        admin.close()


def _admin(bootstrap: str, timeout_s: float) -> KafkaAdminClient:
    try:
        return KafkaAdminClient(
            bootstrap_servers=bootstrap,
            request_timeout_ms=int(timeout_s * 1000),
            client_id="policywatch-lag",
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc


def _ends(
    admin: KafkaAdminClient, bootstrap: str, floors: dict[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """End offsets: the reported one or the fetched high watermark, whichever is larger,
    and never below the partition's floor (a committed offset)."""
    latest = admin.list_partition_offsets(dict.fromkeys(floors, OffsetSpec.LATEST))
    ends = {tp: _end(latest.get(tp), floor) for tp, floor in floors.items()}
    watermarks = _high_watermarks(bootstrap, ends)
    return {tp: max(end, watermarks.get(tp, 0)) for tp, end in ends.items()}


def _high_watermarks(bootstrap: str, ends: dict[TopicPartition, int]) -> dict[TopicPartition, int]:

    probe = probe_consumer(bootstrap, "policywatch-lag")
    try:
        return probe_high_watermarks(probe, ends, FETCH_MAX_WAIT_MS)
    except KafkaError as exc:
        raise BrokerError(f"cannot read the high watermarks at {bootstrap}: {exc}") from exc
    finally:
        probe.close(autocommit=False)


def group_lag_by_topic(partitions: list[PartitionLag]) -> dict[str, int]:
    """``group/topic`` -> messages behind, summed over partitions."""
    out: dict[str, int] = {}
    for p in partitions:
        key = f"{p.group}/{p.topic}"
        out[key] = out.get(key, 0) + p.lag
    return out


def _end(found: object, committed: int) -> int:
    offset = getattr(found, "offset", None)
    return int(offset) if offset is not None else committed
