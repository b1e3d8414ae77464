"""Configure logging once per process: JSON lines for collectors, rich in a terminal.

Logs go to stderr in both forms, so stdout carries only a command's results.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def configure_logging(level: str = "INFO", fmt: str = "auto", role: str | None = None) -> None:
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    handler: logging.Handler
    if use_json:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        from rich.console import Console
        from rich.logging import RichHandler

        # rich's default console is stdout: logs would mix into tables piped elsewhere
        handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=True)
    if role:
        handler.addFilter(_RoleFilter(role))
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("kafka", "aiokafka", "faust", "mode", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    cluster = logging.getLogger("kafka.cluster")
    if not any(isinstance(f, CancelledRefreshFilter) for f in cluster.filters):
        cluster.addFilter(CancelledRefreshFilter())


class CancelledRefreshFilter(logging.Filter):
    """Drops kafka-python's ``ERROR Metadata refresh: failed Cancelled``.

    Closing a client cancels its in-flight metadata request, and kafka-python 3
    logs that cancellation as an error (kafka/cluster.py, ``_do_refresh_metadata``)
    although nothing failed: every short-lived consumer (the subscription book of a
    commitment scan) logged one. Only that record is dropped; a refresh that fails
    for any other reason still logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from kafka.errors import Cancelled

        return not (
            record.msg == "Metadata refresh: failed %s"
            and isinstance(record.args, tuple)
            and len(record.args) == 1
            and isinstance(record.args[0], Cancelled)
        )


class _RoleFilter(logging.Filter):
    def __init__(self, role: str) -> None:
        super().__init__()
        self._role = role

    def filter(self, record: logging.LogRecord) -> bool:
        record.role = self._role
        return True
