"""Which documents the warehouse holds: classified revisions, mentions, dead letters."""

from __future__ import annotations

from sinks.warehouse.base import Warehouse

#: document ids per query of ``classified_revisions``
CHUNK = 5000


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
