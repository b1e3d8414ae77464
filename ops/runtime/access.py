"""Reach the warehouse and the broker of the running stack, or of configured URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from ops.runtime.runfile import require_run_file
from ops.settings import Settings
from schemas.errors import ConfigError
from sinks.warehouse import Warehouse, connect_warehouse


def endpoint_url(sql: dict[str, Any], write: bool) -> str:
    """clickhouse:// URL of the embedded SQL endpoint for the reader or the writer."""
    parts = urlsplit(str(sql["url"]))
    user = sql["writer"] if write else sql["reader"]
    password = sql.get("writer_password", "") if write else ""
    auth = f"{quote(user, safe='')}:{quote(password, safe='')}@"
    return f"clickhouse://{auth}{parts.hostname}:{parts.port}/{sql['database']}"


def open_warehouse(settings: Settings, *, write: bool = False) -> Warehouse:
    """The configured server, else the running embedded stack's endpoint (read-only unless
    ``write``). chDB itself is only opened by the process that serves it."""
    if settings.warehouse.url:
        return connect_warehouse(settings.warehouse.url, settings.warehouse.database)
    run = require_run_file(settings.run_file)
    if not run.get("sql"):
        raise ConfigError(
            "the running stack serves no SQL endpoint; set POLICYWATCH_WAREHOUSE__URL"
        )
    return connect_warehouse(endpoint_url(run["sql"], write))


def resolve_bootstrap(settings: Settings) -> str:
    """The configured broker, or the running embedded stack's."""
    if settings.kafka.bootstrap:
        return settings.kafka.bootstrap
    run = require_run_file(settings.run_file)
    return str(run["broker"]["bootstrap"])
