"""ClickHouse's HTTP response conventions for the embedded endpoint. Pure: no I/O.

- ``X-ClickHouse-Summary`` and ``X-ClickHouse-Progress`` carry the counters ClickHouse
  sends (as strings) from what chDB reports about the query.
- With ``enable_http_compression`` (on by default, as in ClickHouse 26) the body is
  compressed with the first method of ``Accept-Encoding`` the endpoint has: gzip,
  deflate, zstd, lz4 (LZ4 frame), at ``http_zlib_compression_level`` for gzip/deflate.
"""

from __future__ import annotations

import importlib
import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from sinks.warehouse.chdb_engine import QueryStats

_COUNTERS = (
    "read_rows",
    "read_bytes",
    "written_rows",
    "written_bytes",
    "total_rows_to_read",
    "result_rows",
    "result_bytes",
    "elapsed_ns",
)


def summary_header(stats: QueryStats, total_rows_to_read: int, elapsed_ns: int) -> str:
    """``X-ClickHouse-Summary`` of a finished query."""
    values = {
        "read_rows": stats.read_rows,
        "read_bytes": stats.read_bytes,
        "written_rows": stats.written_rows,
        "written_bytes": stats.written_bytes,
        "total_rows_to_read": max(total_rows_to_read, stats.read_rows),
        "result_rows": stats.result_rows,
        "result_bytes": stats.result_bytes,
        "elapsed_ns": elapsed_ns,
    }
    return json.dumps({k: str(v) for k, v in values.items()}, separators=(",", ":"))


def progress_header(progress: Mapping[str, Any]) -> str:
    """``X-ClickHouse-Progress`` from chDB's progress callback."""
    return json.dumps(
        {k: str(int(progress.get(k, 0) or 0)) for k in _COUNTERS}, separators=(",", ":")
    )


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _zstd() -> Any:
    return _optional("compression.zstd") or _optional("backports.zstd")


def _compressors(level: int) -> dict[str, Callable[[bytes], bytes]]:
    out: dict[str, Callable[[bytes], bytes]] = {
        "gzip": lambda data: _zlib(data, level, 16 + zlib.MAX_WBITS),
        "x-gzip": lambda data: _zlib(data, level, 16 + zlib.MAX_WBITS),
        "deflate": lambda data: _zlib(data, level, zlib.MAX_WBITS),  # the zlib format
    }
    zstd = _zstd()
    if zstd is not None:
        out["zstd"] = zstd.compress
    lz4 = _optional("lz4.frame")
    if lz4 is not None:
        out["lz4"] = lz4.compress
    return out


def _zlib(data: bytes, level: int, wbits: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


def compress_body(
    body: bytes, accept_encoding: str, enabled: bool, level: int
) -> tuple[bytes, str | None]:
    """(body, Content-Encoding) for the client's Accept-Encoding; unchanged when none fits."""
    if not enabled or not accept_encoding:
        return body, None
    available = _compressors(min(max(level, 1), 9))
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if params.replace(" ", "").lower() in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        if name in available:
            return available[name](body), name
    return body, None
