"""chDB driver: ClickHouse's engine in this process, data under a directory.

chDB is one engine per process, so a process holds at most one session; other
processes reach it through the ClickHouse HTTP endpoint served beside it
(``sinks.warehouse.http_server``). Calls are serialised with a lock because
the session is shared by the sink and the endpoint's threads.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from schemas.errors import WarehouseError
from sinks.warehouse.base import (
    Params,
    Settings,
    insert_settings,
    json_each_row,
    parse_json_each_row,
)


class _SharedSession:
    """The process's one chDB session, its lock and the database it currently USEs.

    Every ChdbWarehouse on the path shares this, so the current database is tracked
    per session, not per instance (two instances on two databases must not trust a
    stale USE).
    """

    def __init__(self, session: Any) -> None:
        self.session = session
        self.lock = threading.RLock()
        self.current = ""
        self.users = 0


_SESSIONS: dict[str, _SharedSession] = {}
_SESSIONS_LOCK = threading.Lock()


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


def _error_retriable(message: str) -> bool:
    return "TIMEOUT" in message or "MEMORY_LIMIT" in message or "TOO_MANY" in message


class ChdbWarehouse:
    """The embedded warehouse: chDB with its files under ``path``."""

    def __init__(self, path: Path, database: str = "policywatch") -> None:
        from chdb import session as chdb_session

        self._path = path.resolve()
        self._path.mkdir(parents=True, exist_ok=True)
        self._database = database
        key = str(self._path)
        with _SESSIONS_LOCK:
            if _SESSIONS and key not in _SESSIONS:
                raise WarehouseError(
                    f"this process already holds chDB at {next(iter(_SESSIONS))}; chDB allows "
                    f"one data directory per process, so {key} must be reached over HTTP",
                    reason="chdb_busy",
                )
            if key not in _SESSIONS:
                _SESSIONS[key] = _SharedSession(
                    chdb_session.Session(key)  # type: ignore[no-untyped-call]
                )
            self._shared = _SESSIONS[key]
            self._shared.users += 1
        self._key = key
        self._closed = False
        self._run(f"CREATE DATABASE IF NOT EXISTS {database}", "TabSeparated", None, "system")

    @property
    def database(self) -> str:
        return self._database

    @property
    def description(self) -> str:
        return f"chdb://{self._path}"

    def _run(self, sql: str, fmt: str, params: Params | None, database: str | None = None) -> bytes:
        shared = self._shared
        with shared.lock:
            try:
                wanted = database or self._database
                if shared.current != wanted:
                    shared.session.query(f"USE {wanted}", "TabSeparated")
                    shared.current = wanted
                result = shared.session.query(sql, fmt, params=dict(params) if params else None)
            except Exception as exc:  # chDB raises its own ChdbError (a RuntimeError)
                message = str(exc).strip()
                raise WarehouseError(
                    message, reason="sql_error", retriable=_error_retriable(message)
                ) from exc
        if result is None:
            return b""
        raw: bytes = result.bytes()
        return raw

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
        rows: Sequence[Mapping[str, Any]],
        *,
        dedup_token: str | None = None,
    ) -> None:
        if not rows:
            return
        settings = _settings_clause(insert_settings(dedup_token))
        sql = f"INSERT INTO {self._qualified(table)}{settings} FORMAT JSONEachRow\n"
        self._run(sql + json_each_row(rows).decode("utf-8"), "TabSeparated", None)

    def _qualified(self, table: str) -> str:
        return table if "." in table else f"{self._database}.{table}"

    def close(self) -> None:
        """Release this handle; the last one closes the session, flushing chDB cleanly
        (leaving it to interpreter shutdown has crashed the process on exit)."""
        if self._closed:
            return
        self._closed = True
        with _SESSIONS_LOCK:
            self._shared.users -= 1
            if self._shared.users > 0:
                return
            with self._shared.lock:
                self._shared.session.close()
            _SESSIONS.pop(self._key, None)
