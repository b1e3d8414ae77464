"""Open a warehouse from its URL: ``chdb:///path`` or ``clickhouse://user:pass@host:8123/db``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from schemas.errors import ConfigError
from sinks.warehouse.base import Warehouse


def redact_url(url: str) -> str:
    """The URL with its password replaced by ``***``, for logs and `config show`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def chdb_path(url: str) -> Path:
    """The data directory of a ``chdb://`` URL (``chdb:///abs`` or ``chdb://./rel``)."""
    parts = urlsplit(url)
    raw = (parts.netloc + parts.path) if parts.netloc in (".", "..", "~") else parts.path
    if not raw:
        raise ConfigError(f"warehouse URL {url!r} has no path; use chdb:///absolute/dir")
    return Path(raw).expanduser()


def connect_warehouse(url: str, database: str = "policywatch") -> Warehouse:
    """Open the warehouse a URL names; the scheme picks the driver."""
    scheme = urlsplit(url).scheme
    if scheme == "chdb":
        from sinks.warehouse.chdb_driver import ChdbWarehouse

        return ChdbWarehouse(chdb_path(url), database=database)
    if scheme in ("clickhouse", "clickhouses", "http", "https"):
        from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse

        return ClickhouseWarehouse(url)
    raise ConfigError(
        f"warehouse URL {redact_url(url)!r} has scheme {scheme!r}; "
        "use chdb:///path (embedded) or clickhouse://user:pass@host:8123/db (server)"
    )
