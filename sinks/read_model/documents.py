"""Which documents the warehouse holds: stored events (for replay), classified revisions,
mentions, dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sinks.warehouse.base import Warehouse

#: document ids per query of ``classified_revisions``
CHUNK = 5000
#: stored events per page of ``stored_events``
PAGE = 2000


def classified_revisions(warehouse: Warehouse, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of ``pairs`` (document_id, revision) that have a classification."""
    held: set[tuple[str, str]] = set()
    ids = sorted({doc for doc, _ in pairs})
    for start in range(0, len(ids), CHUNK):
        rows = warehouse.query(
            "SELECT DISTINCT document_id, revision FROM classifications "
            "WHERE has({ids:Array(String)}, document_id)",
            params={"ids": ids[start : start + CHUNK]},
        )
        held.update((str(r["document_id"]), str(r["revision"])) for r in rows)
    return held & pairs


def label_mentioned(warehouse: Warehouse, label_type: str, label_id: str) -> bool:
    """Whether any document mentions this label (country codes are upper case)."""
    rows = warehouse.query(
        "SELECT count() AS n FROM (SELECT 1 FROM mentions "
        "WHERE label_type = {kind:String} AND label_id = {value:String} LIMIT 1)",
        params={"kind": label_type, "value": label_id},
    )
    return bool(rows) and int(rows[0]["n"]) > 0


def deadletter_count(warehouse: Warehouse, stage: str) -> int:
    """Distinct dead letters recorded for ``stage``."""
    rows = warehouse.query(
        "SELECT uniqExact(event_id) AS n FROM deadletter WHERE stage = {stage:String}",
        params={"stage": stage},
    )
    return int(rows[0]["n"])


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
