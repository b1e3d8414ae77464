"""`policywatch replay`: republish stored documents from the warehouse's event log.

The ``documents`` table keeps every DocumentObserved verbatim, so the log can be
replayed into ``policy.documents``: after a taxonomy change (the new classifier
version re-classifies everything), to move from the embedded runtime to a
cluster, or to rebuild derived tables. The worker skips a (document, revision)
already classified under the current classifier version unless the record
carries the ``force`` header, which ``--force`` sets. What is stored is read by
``sinks.read_model.documents``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from producers.publish import Outgoing, Publisher
from sinks.read_model.documents import PAGE, ReplayFilter, stored_events
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)
FORCE_HEADER = "policywatch-force"  # read by streams.agents


def replay(
    warehouse: Warehouse,
    publisher: Publisher,
    topic: str,
    f: ReplayFilter,
    *,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
    pace: Callable[[], None] | None = None,
    chunk: int = PAGE,
) -> int:
    """Publish the stored events matching ``f`` ``chunk`` at a time, calling ``pace``
    before each (ops.features.replay_pacing); returns how many were acknowledged."""
    headers = [(FORCE_HEADER, b"1")] if force else None
    sent = 0
    batch: list[Outgoing] = []

    def publish() -> int:
        if pace is not None:
            pace()
        return publisher.publish(batch, on_ack=on_progress).sent

    for document_id, event in stored_events(warehouse, f):
        batch.append(Outgoing(topic, document_id.encode(), event, headers))
        if len(batch) >= chunk:
            sent += publish()
            batch.clear()
    if batch:
        sent += publish()
    return sent
