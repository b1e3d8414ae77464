"""Retention: how long derived and diagnostic rows are kept (TTL), from settings.

The event log (``documents``) and the classifications are kept forever by
default: they are what replay and every report are built from. Dead letters are
diagnostic and expire.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)

#: table -> the expression its TTL counts from
TTL_COLUMNS: Mapping[str, str] = {
    "deadletter": "toDateTime(observed_at)",
    "sink_offsets": "toDateTime(updated_at)",
    "documents": "toDateTime(observed_at)",
    "classifications": "toDateTime(classified_at)",
    "mentions": "toDateTime(occurred_at)",
}


def apply_retention(warehouse: Warehouse, days_by_table: Mapping[str, int | None]) -> None:
    """Set (days) or remove (None) the TTL of each named table; idempotent."""
    for table, days in days_by_table.items():
        column = TTL_COLUMNS.get(table)
        if column is None:
            raise ValueError(f"no retention rule for table {table!r}; known: {sorted(TTL_COLUMNS)}")
        if days is None:
            if "TTL" in _create_statement(warehouse, table):
                warehouse.command(f"ALTER TABLE {table} REMOVE TTL")
            continue
        warehouse.command(f"ALTER TABLE {table} MODIFY TTL {column} + INTERVAL {int(days)} DAY")
        log.info("retention of %s: %d days", table, days)


def _create_statement(warehouse: Warehouse, table: str) -> str:
    rows = warehouse.query(
        "SELECT create_table_query AS q FROM system.tables "
        "WHERE database = currentDatabase() AND name = {t:String}",
        params={"t": table},
    )
    return str(rows[0]["q"]) if rows else ""
