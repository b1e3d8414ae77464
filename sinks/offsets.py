"""Sink positions stored in the warehouse, next to the rows they produced."""

from __future__ import annotations

from collections.abc import Iterable

from schemas.envelope import utcnow
from sinks.projection import ts
from sinks.warehouse.base import Warehouse


def load_positions(
    warehouse: Warehouse, consumer: str, topic: str, topic_id: str
) -> dict[int, int]:
    """Next offset per partition for this incarnation of the topic (empty = never read)."""
    rows = warehouse.query(
        "SELECT partition, max(next_offset) AS next_offset FROM sink_offsets "
        "WHERE consumer = {consumer:String} AND topic = {topic:String} "
        "AND topic_id = {topic_id:String} GROUP BY partition",
        params={"consumer": consumer, "topic": topic, "topic_id": topic_id},
    )
    return {int(r["partition"]): int(r["next_offset"]) for r in rows}


def save_positions(
    warehouse: Warehouse,
    consumer: str,
    positions: Iterable[tuple[str, str, int, int]],
) -> None:
    """Record (topic, topic_id, partition, next_offset) after the batch's rows are written."""
    now = ts(utcnow())
    rows = [
        {
            "consumer": consumer,
            "topic": topic,
            "topic_id": topic_id,
            "partition": partition,
            "next_offset": next_offset,
            "updated_at": now,
        }
        for topic, topic_id, partition, next_offset in positions
    ]
    warehouse.insert_rows("sink_offsets", rows)
