"""ClickHouse server driver over HTTP (clickhouse-connect).

Also reaches the embedded warehouse through its HTTP endpoint, which is how
processes other than the one holding chDB read it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from schemas.errors import WarehouseError
from sinks.warehouse.base import Params, Rows, Settings, encoded, insert_settings


def _map_error(exc: Exception, what: str) -> WarehouseError:
    from clickhouse_connect.driver.exceptions import DatabaseError, OperationalError

    message = str(exc).strip()
    if isinstance(exc, OperationalError):
        return WarehouseError(
            f"{what}: warehouse unreachable: {message}", reason="unreachable", retriable=True
        )
    if isinstance(exc, DatabaseError):
        return WarehouseError(message, reason="sql_error")
    return WarehouseError(f"{what}: {message}", reason="warehouse_error", retriable=True)


class ClickhouseWarehouse:
    """A ClickHouse server (or the embedded endpoint) at ``clickhouse://user:pass@host:port/db``."""

    def __init__(self, url: str, *, connect_timeout: float = 10.0, timeout: float = 300.0) -> None:
        import clickhouse_connect

        parts = urlsplit(url)
        self._database = (parts.path or "/").strip("/") or "default"
        self._description = f"clickhouse://{parts.hostname}:{parts.port or 8123}/{self._database}"
        secure = parts.scheme in ("clickhouses", "https")
        try:
            self._client = clickhouse_connect.get_client(
                host=parts.hostname or "localhost",
                port=parts.port or (8443 if secure else 8123),
                username=unquote(parts.username or "default"),
                password=unquote(parts.password or ""),
                database=self._database,
                secure=secure,
                connect_timeout=connect_timeout,
                send_receive_timeout=timeout,
                autogenerate_session_id=False,
            )
        except Exception as exc:
            raise _map_error(exc, f"connecting to {self._description}") from exc

    @property
    def database(self) -> str:
        return self._database

    @property
    def description(self) -> str:
        return self._description

    def command(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> None:
        try:
            self._client.command(sql, parameters=dict(params or {}), settings=dict(settings or {}))
        except Exception as exc:
            raise _map_error(exc, "command") from exc

    def query(
        self, sql: str, *, params: Params | None = None, settings: Settings | None = None
    ) -> list[dict[str, Any]]:
        try:
            result = self._client.query(
                sql, parameters=dict(params or {}), settings=dict(settings or {})
            )
        except Exception as exc:
            raise _map_error(exc, "query") from exc
        names = result.column_names
        return [dict(zip(names, row, strict=True)) for row in result.result_rows]

    def query_raw(
        self,
        sql: str,
        *,
        fmt: str = "TabSeparated",
        params: Params | None = None,
        settings: Settings | None = None,
    ) -> bytes:
        try:
            raw: bytes = self._client.raw_query(
                sql, parameters=dict(params or {}), settings=dict(settings or {}), fmt=fmt
            )
        except Exception as exc:
            raise _map_error(exc, "query") from exc
        return raw

    def insert_rows(
        self,
        table: str,
        rows: Rows,
        *,
        dedup_token: str | None = None,
    ) -> None:
        if not rows:
            return
        fmt, data, columns = encoded(rows)
        try:
            self._client.raw_insert(
                table,
                column_names=columns,
                insert_block=data,
                settings=insert_settings(dedup_token),
                fmt=fmt,
            )
        except Exception as exc:
            raise _map_error(exc, f"insert into {table}") from exc

    def close(self) -> None:
        self._client.close()
