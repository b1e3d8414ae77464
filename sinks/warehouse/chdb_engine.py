"""chDB's engine in this process, and independent connections to it.

chDB (4.x) runs one engine per process, bound to one data directory, but any number of
connections to it; queries on different connections run in parallel and one running
query holds only its own connection. So the sink writes on its own connection while the
SQL endpoint reads on others, and a slow read never holds a write.

The engine starts with a configuration written beside the data (``.policywatch/``): the
one chDB user has every grant except the SOURCES ones (file, url, remote, s3, databases
elsewhere...). Nothing here reads or writes outside the warehouse through SQL; the
endpoint's readers run with ``readonly=2`` (they may change settings), and this is what
keeps ``url()``, ``remote()`` and their kind refused for them as well.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from schemas.errors import WarehouseError

Progress = Callable[[Mapping[str, int]], None]

_USERS_XML = """<clickhouse>
  <profiles><default/></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
      <grants>
        <query>GRANT ALL ON *.*</query>
        <query>REVOKE SOURCES ON *.*</query>
      </grants>
    </default>
  </users>
  <quotas><default/></quotas>
</clickhouse>
"""
_CONFIG_XML = """<clickhouse>
  <user_directories><users_xml><path>{users}</path></users_xml></user_directories>
</clickhouse>
"""
# Output formats the chDB Python layer turns into Python objects instead of bytes.
_PYTHON_FORMATS = frozenset({"dataframe", "datastore", "arrowtable", "debug"})


@dataclass(frozen=True)
class QueryStats:
    """What one query did, as ClickHouse's X-ClickHouse-Summary reports it."""

    read_rows: int = 0
    read_bytes: int = 0
    written_rows: int = 0
    written_bytes: int = 0
    result_rows: int = 0
    result_bytes: int = 0
    elapsed_ns: int = 0


@dataclass(frozen=True)
class ChdbResult:
    data: bytes
    stats: QueryStats


def _error_retriable(message: str) -> bool:
    return "TIMEOUT" in message or "MEMORY_LIMIT" in message or "TOO_MANY" in message


def _write_config(directory: Path) -> Path:
    """The engine's configuration under ``directory/.policywatch`` (rewritten each start)."""
    folder = directory / ".policywatch"
    folder.mkdir(parents=True, exist_ok=True)
    users = folder / "chdb-users.xml"
    users.write_text(_USERS_XML, encoding="utf-8")
    config = folder / "chdb-config.xml"
    config.write_text(_CONFIG_XML.format(users=users), encoding="utf-8")
    return config


class ChdbEngine:
    """The process's chDB engine at ``path``; ``connect()`` opens a connection to it."""

    _lock = threading.Lock()
    _current: ChdbEngine | None = None

    def __init__(self, path: Path) -> None:
        self.path = path
        self._target = f"{path}?config-file={_write_config(path)}"
        self._connections = 0

    @classmethod
    def at(cls, path: Path) -> ChdbEngine:
        """The engine of ``path``; one data directory per process, as chDB allows."""
        resolved = path.resolve()
        if "?" in str(resolved) or "&" in str(resolved):
            raise WarehouseError(
                f"chDB cannot open {resolved}: '?' and '&' in a data directory are taken as "
                "connection options; choose a directory without them",
                reason="chdb_path",
            )
        with cls._lock:
            current = cls._current
            if current is not None and current.path != resolved:
                raise WarehouseError(
                    f"this process already holds chDB at {current.path}; chDB allows one data "
                    f"directory per process, so {resolved} must be reached over HTTP",
                    reason="chdb_busy",
                )
            if current is None:
                resolved.mkdir(parents=True, exist_ok=True)
                cls._current = current = cls(resolved)
            return current

    def connect(self) -> ChdbConnection:
        with self._lock:
            raw = self.open_raw()
            self._connections += 1
        return ChdbConnection(self, raw)

    def open_raw(self) -> Any:
        """A new chDB connection object (the engine starts with the first)."""
        from chdb.state.sqlitelike import Connection

        try:
            return Connection(self._target)
        except Exception as exc:  # chDB raises RuntimeError for a locked or bad directory
            raise WarehouseError(
                f"cannot open chDB at {self.path}: {exc}", reason="chdb_open"
            ) from exc

    def _released(self) -> None:
        with self._lock:
            self._connections -= 1
            if self._connections == 0 and ChdbEngine._current is self:
                ChdbEngine._current = None  # the engine stops with its last connection


class ChdbConnection:
    """One connection: its queries run one at a time (a lock), its ``USE`` is its own."""

    def __init__(self, engine: ChdbEngine, raw: Any) -> None:
        self._engine = engine
        self._raw = raw
        self._lock = threading.Lock()
        self._database = ""

    def run(
        self,
        sql: str,
        fmt: str = "TabSeparated",
        params: Mapping[str, Any] | None = None,
        database: str | None = None,
        progress: Progress | None = None,
    ) -> ChdbResult:
        """Run one statement; chDB's error becomes a WarehouseError with its text."""
        if fmt.lower() in _PYTHON_FORMATS:
            raise WarehouseError(
                f"Code: 73. DB::Exception: Unknown format {fmt}. (UNKNOWN_FORMAT)",
                reason="sql_error",
            )
        with self._lock:
            if self._raw is None:
                raise WarehouseError("this chDB connection is closed", reason="chdb_closed")
            try:
                if database and database != self._database:
                    self._raw.query(f"USE {database}", "TabSeparated")
                    self._database = database
                if progress is not None:
                    self._raw.set_progress_callback(progress)
                try:
                    result = self._raw.query(sql, fmt, params=dict(params) if params else None)
                finally:
                    if progress is not None:
                        self._raw.set_progress_callback(None)
            except Exception as exc:  # chDB raises its own ChdbError (a RuntimeError)
                self._renew()
                message = str(exc).strip()
                raise WarehouseError(
                    message, reason="sql_error", retriable=_error_retriable(message)
                ) from exc
        if result is None:
            return ChdbResult(b"", QueryStats())
        return ChdbResult(bytes(result.bytes()), _stats(result))

    def _renew(self) -> None:
        """Replace the chDB connection after a failed query (the lock is held).

        chDB 4.4 keeps the output a query wrote before it failed (a result limit hit
        mid-way) and prepends it to the next query's output on that connection, so that
        output could reach another caller. A fresh connection (well under a millisecond)
        starts clean; the new one opens before the old closes, so the engine stays up.
        """
        old = self._raw
        self._raw = self._engine.open_raw()
        self._database = ""
        old.close()

    def close(self) -> None:
        """Release this connection; the last one stops the engine, flushing it cleanly
        (leaving that to interpreter shutdown has crashed the process on exit)."""
        with self._lock:
            raw, self._raw = self._raw, None
        if raw is not None:
            raw.close()
            self._engine._released()


def _stats(result: Any) -> QueryStats:
    return QueryStats(
        read_rows=int(result.storage_rows_read()),
        read_bytes=int(result.storage_bytes_read()),
        written_rows=int(result.rows_written()),
        written_bytes=int(result.bytes_written()),
        result_rows=int(result.rows_read()),
        result_bytes=int(result.bytes_read()),
        elapsed_ns=int(result.elapsed() * 1e9),
    )
