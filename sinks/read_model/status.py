"""What `policywatch status` reads from the warehouse: documents, last document, size."""

from __future__ import annotations

from dataclasses import dataclass

from sinks.warehouse.base import Warehouse

_DOCUMENTS_SQL = """
SELECT uniqExact(document_id) AS documents,
       toString(max(observed_at)) AS last_observed,
       toString(max(published_at)) AS last_published
FROM documents"""
_SIZE_SQL = """
SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = currentDatabase()"""


@dataclass(frozen=True)
class WarehouseFigures:
    documents: int
    last_observed_at: str | None
    last_published_at: str | None
    rows: int
    bytes_on_disk: int


def warehouse_figures(warehouse: Warehouse) -> WarehouseFigures:
    """Distinct documents, the last one's times (None without documents) and the size."""
    [docs] = warehouse.query(_DOCUMENTS_SQL)
    [size] = warehouse.query(_SIZE_SQL)
    documents = int(docs["documents"])
    return WarehouseFigures(
        documents=documents,
        last_observed_at=str(docs["last_observed"]) if documents else None,
        last_published_at=(str(docs["last_published"] or "") or None) if documents else None,
        rows=int(size["rows"] or 0),
        bytes_on_disk=int(size["bytes"] or 0),
    )
