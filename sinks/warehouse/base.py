"""The warehouse interface every driver implements.

The same SQL runs on both drivers. Statements take ClickHouse query parameters
(``{name:Type}``) rather than formatted literals, so values never need quoting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import orjson

Settings = Mapping[str, str | int | float]
Params = Mapping[str, Any]


class Warehouse(Protocol):
    """A ClickHouse engine reachable for statements, queries and bulk inserts."""

    @property
    def database(self) -> str: ...

    @property
    def description(self) -> str:
        """Where this warehouse is, with any password masked."""
        ...

    def command(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> None:
        """Run a statement that returns no rows (DDL, INSERT ... SELECT)."""
        ...

    def query(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> list[dict[str, Any]]:
        """Run a SELECT; rows as dicts in column order."""
        ...

    def query_raw(
        self,
        sql: str,
        *,
        fmt: str = "TabSeparated",
        params: Params | None = None,
        settings: Settings | None = None,
    ) -> bytes:
        """Run a statement and return its output in ClickHouse format ``fmt``."""
        ...

    def insert_rows(
        self,
        table: str,
        rows: Rows,
        *,
        dedup_token: str | None = None,
    ) -> None:
        """Insert rows (see ``encoded``); a repeated ``dedup_token`` is a no-op."""
        ...

    def close(self) -> None: ...


class EncodedRows(list[dict[str, Any]]):
    """Rows with their JSONEachRow text made ahead (the sink encodes a batch in its reader
    thread while the previous batch is written). Not to be changed once made."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        super().__init__(rows)
        self.json = _encode(self)


class ColumnRows:
    """Rows of known columns, sent as ClickHouse ``JSONCompactEachRow`` with the column
    names in the INSERT: the whole table is one encoder call of arrays, not an object per
    row. For the rows the sink derives itself (hundreds of thousands of count changes per
    batch), where encoding them row by row cost more than inserting them (and turning
    them into columns first, for ``JSONColumns``, cost three times the encoding)."""

    __slots__ = ("columns", "values")

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self.values: list[tuple[Any, ...]] = []  # one tuple per row, in ``columns`` order

    def append(self, row: tuple[Any, ...]) -> None:
        self.values.append(row)

    def __len__(self) -> int:
        return len(self.values)

    def json(self) -> bytes:
        """The rows as JSON arrays separated by commas (what JSONCompactEachRow reads)."""
        return orjson.dumps(self.values, option=orjson.OPT_NAIVE_UTC)[1:-1]


#: what ``Warehouse.insert_rows`` takes
Rows = Sequence[Mapping[str, Any]] | ColumnRows


def query_columns(
    warehouse: Warehouse, sql: str, *, params: Params | None = None
) -> dict[str, list[Any]]:
    """A query's result by column (``JSONColumns``): one decoder call for the whole
    result, no dict per row, for reads of thousands of rows on the sink's write path."""
    columns: dict[str, list[Any]] = orjson.loads(
        warehouse.query_raw(sql, fmt="JSONColumns", params=params)
    )
    return columns


def encoded(rows: Rows) -> tuple[str, bytes, tuple[str, ...] | None]:
    """(ClickHouse input format, data, the columns in the data's order or None when the
    data names them) of rows to insert."""
    if isinstance(rows, ColumnRows):
        return "JSONCompactEachRow", rows.json(), rows.columns
    return "JSONEachRow", json_each_row(rows), None


def json_each_row(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """Rows encoded as ClickHouse JSONEachRow (one JSON object per line)."""
    if isinstance(rows, EncodedRows):
        return rows.json
    return _encode(rows)


def _encode(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as JSON objects separated by commas, which JSONEachRow reads as it reads
    lines: one encoder call for the whole batch, not one a row (a batch of small rows
    encoded about ten times faster, of 3 KB documents about three times)."""
    batch = rows if isinstance(rows, list | tuple) else list(rows)
    return orjson.dumps(batch, option=orjson.OPT_NAIVE_UTC)[1:-1]


def parse_json_each_row(raw: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in raw.splitlines() if line.strip()]


def insert_settings(dedup_token: str | None) -> dict[str, str | int]:
    """Settings for an idempotent insert: the token makes a retried batch a no-op."""
    settings: dict[str, str | int] = {
        "date_time_input_format": "best_effort",
        "input_format_skip_unknown_fields": 1,
        # mentions are partitioned by month, and a backfill's batch may span years: over
        # 100 partitions (the default limit) the insert was refused on every retry
        "max_partitions_per_insert_block": 0,
    }
    if dedup_token:
        settings["insert_deduplication_token"] = dedup_token
        settings["insert_deduplicate"] = 1
    return settings
