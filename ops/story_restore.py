"""Give a restarted embedded stack its story index back.

The story stage keeps its index in a Faust table whose changelog lives on the broker;
the embedded broker keeps topics in memory, so after ``up`` restarts the changelog is
empty and re-ingested documents would found new stories. The sink stores every record
of that changelog in the warehouse (``sinks.story_members``); before the workers start,
``up`` publishes the live rows back into the changelog, verbatim, and the stage rebuilds
its index from the table as after any restart. The rows are the stage's own state and
are not read here.
"""

from __future__ import annotations

import logging

from producers.publish import Outgoing, Publisher
from schemas.errors import BrokerError
from sinks.story_members import live_story_members
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)


def restore_story_members(warehouse: Warehouse, publisher: Publisher, topic: str) -> int:
    """Publish every live story-table row into ``topic``; returns how many.

    The last row goes out in a batch of its own: Tansu 0.6 answers a topic's end offset
    with the last batch's first offset + 1, so after one batch of many rows the worker's
    table recovery, which reads up to the end offset, would stop after the first row.

    Raises if the broker refuses them: a stack that would split its stories must not
    start quietly.
    """
    restored = 0
    held: list[tuple[bytes, bytes]] = []
    for page in live_story_members(warehouse):
        _publish(publisher, topic, held)
        restored += len(held)
        held = page
    if held:
        _publish(publisher, topic, held[:-1])
        _publish(publisher, topic, held[-1:])
        restored += len(held)
    if restored:
        log.info("restored %d story index rows to %s", restored, topic)
    return restored


def _publish(publisher: Publisher, topic: str, rows: list[tuple[bytes, bytes]]) -> None:
    if not rows:
        return
    result = publisher.publish(Outgoing(topic, key, value) for key, value in rows)
    if result.failed:
        raise BrokerError(
            f"could not restore {result.failed} story index rows to {topic}: "
            f"{'; '.join(result.errors[:3])}"
        )
