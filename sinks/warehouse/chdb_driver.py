"""chDB driver: ClickHouse's engine in this process, data under a directory.

chDB is one engine per process (``sinks.warehouse.chdb_engine``); each ChdbWarehouse
has its own connection to it, so the sink's writes never wait behind the SQL endpoint's
reads (which run on connections of their own). Calls on one instance are serialised by
its connection; other processes reach the engine through the ClickHouse HTTP endpoint
served beside it (``sinks.warehouse.endpoint.server``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemas.errors import WarehouseError
from sinks.warehouse.base import (
    Params,
    Rows,
    Settings,
    encoded,
    insert_settings,
    parse_json_each_row,
)
from sinks.warehouse.chdb_engine import ChdbEngine

# The sink's own writes outrank the endpoint's reads (priority 10): while one runs,
# ClickHouse pauses lower-priority queries.
WRITE_PRIORITY = 1


def _settings_clause(settings: Settings | None) -> str:
    if not settings:
        return ""
    parts = []
    for key, value in settings.items():
        if not key.replace("_", "").isalnum():
            raise WarehouseError(f"invalid setting name {key!r}", reason="invalid_setting")
        if isinstance(value, str):
            escaped = value.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"{key}='{escaped}'")
        else:
            parts.append(f"{key}={value}")
    return " SETTINGS " + ", ".join(parts)


def _param_text(value: Any) -> Any:
    """chDB reads a query parameter as text in ClickHouse's format; a Python list would
    arrive as ``[a,b]`` (unquoted), so arrays are written as literals (``['a','b']``)."""
    if isinstance(value, list | tuple):
        return "[" + ",".join(_literal(v) for v in value) + "]"
    return value


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return str(_param_text(value))
    return str(value)


class ChdbWarehouse:
    """The embedded warehouse: chDB with its files under ``path``."""

    def __init__(self, path: Path, database: str = "policywatch") -> None:
        self.engine = ChdbEngine.at(path)
        self._path = self.engine.path
        self._database = database
        self._connection = self.engine.connect()
        self._closed = False
        self._run(f"CREATE DATABASE IF NOT EXISTS {database}", "TabSeparated", None, "system")

    @property
    def database(self) -> str:
        return self._database

    @property
    def description(self) -> str:
        return f"chdb://{self._path}"

    def _run(self, sql: str, fmt: str, params: Params | None, database: str | None = None) -> bytes:
        if params:
            params = {name: _param_text(value) for name, value in params.items()}
        return self._connection.run(sql, fmt, params, database or self._database).data

    def command(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> None:
        self._run(sql + _settings_clause(settings), "TabSeparated", params)

    def query(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> list[dict[str, Any]]:
        raw = self._run(sql + _settings_clause(settings), "JSONEachRow", params)
        return parse_json_each_row(raw)

    def query_raw(
        self,
        sql: str,
        *,
        fmt: str = "TabSeparated",
        params: Params | None = None,
        settings: Settings | None = None,
        database: str | None = None,
    ) -> bytes:
        return self._run(sql + _settings_clause(settings), fmt, params, database)

    def insert_rows(
        self,
        table: str,
        rows: Rows,
        *,
        dedup_token: str | None = None,
    ) -> None:
        if not rows:
            return
        settings = _settings_clause({**insert_settings(dedup_token), "priority": WRITE_PRIORITY})
        fmt, data, columns = encoded(rows)
        names = f" ({', '.join(f'`{c}`' for c in columns)})" if columns else ""
        sql = f"INSERT INTO {self._qualified(table)}{names}{settings} FORMAT {fmt}\n"
        self._run(sql + data.decode("utf-8"), "TabSeparated", None)

    def _qualified(self, table: str) -> str:
        return table if "." in table else f"{self._database}.{table}"

    def close(self) -> None:
        """Release this handle's connection; the last one stops the engine cleanly."""
        if self._closed:
            return
        self._closed = True
        self._connection.close()
