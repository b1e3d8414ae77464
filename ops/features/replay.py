"""`policywatch replay`: republish stored documents from the warehouse's event log.

The ``documents`` table keeps every DocumentObserved verbatim, so the log can be
replayed into ``policy.documents``: after a taxonomy change (the new classifier
version re-classifies everything), to move from the embedded runtime to a
cluster, or to rebuild derived tables. The worker skips a (document, revision)
already classified under the current classifier version unless the record
carries the ``force`` header, which ``--force`` sets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from producers.publish import Outgoing, Publisher
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)
PAGE = 2000
FORCE_HEADER = "policywatch-force"  # read by streams.agents


@dataclass(frozen=True)
class ReplayFilter:
    since: date | None = None
    until: date | None = None
    initiative: str | None = None


def _where(f: ReplayFilter) -> tuple[str, dict[str, Any]]:
    parts = ["(document_id, revision) > ({after_doc:String}, {after_rev:String})"]
    params: dict[str, Any] = {}
    if f.since:
        parts.append("occurred_at >= {since:Date}")
        params["since"] = f.since.isoformat()
    if f.until:
        parts.append("occurred_at < {until_next:Date}")
        params["until_next"] = (f.until + timedelta(days=1)).isoformat()
    if f.initiative:
        parts.append(
            "document_id IN (SELECT document_id FROM latest_mentions WHERE "
            "label_type = 'initiative' AND label_id = {initiative:String})"
        )
        params["initiative"] = f.initiative
    return " AND ".join(parts), params


def count_documents(warehouse: Warehouse, f: ReplayFilter) -> int:
    where, params = _where(f)
    rows = warehouse.query(
        f"SELECT count() AS n FROM documents FINAL WHERE {where}",
        params={**params, "after_doc": "", "after_rev": ""},
    )
    return int(rows[0]["n"])


def stored_events(warehouse: Warehouse, f: ReplayFilter) -> Iterator[tuple[str, bytes]]:
    """(document_id, event bytes) of every stored revision, paged by (document_id, revision)."""
    where, params = _where(f)
    after = ("", "")
    while True:
        rows = warehouse.query(
            f"SELECT document_id, revision, event FROM documents FINAL WHERE {where} "
            "ORDER BY document_id, revision LIMIT {page:UInt32}",
            params={**params, "after_doc": after[0], "after_rev": after[1], "page": PAGE},
        )
        for row in rows:
            yield str(row["document_id"]), str(row["event"]).encode("utf-8")
        if len(rows) < PAGE:
            return
        after = (str(rows[-1]["document_id"]), str(rows[-1]["revision"]))


def replay(
    warehouse: Warehouse,
    publisher: Publisher,
    topic: str,
    f: ReplayFilter,
    *,
    force: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Publish the stored events matching ``f``; returns how many were acknowledged."""
    headers = [(FORCE_HEADER, b"1")] if force else None
    sent = 0
    batch: list[Outgoing] = []
    for document_id, event in stored_events(warehouse, f):
        batch.append(Outgoing(topic, document_id.encode(), event, headers))
        if len(batch) >= PAGE:
            sent += publisher.publish(batch, on_ack=on_progress).sent
            batch.clear()
    if batch:
        sent += publisher.publish(batch, on_ack=on_progress).sent
    return sent
