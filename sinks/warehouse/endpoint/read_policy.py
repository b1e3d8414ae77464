"""What a read-only caller of the SQL endpoint may run, and within which limits. Pure.

Readers are treated as ClickHouse treats a ``readonly=2`` user with capped limits: they
may change settings (so ``system.settings`` reports them changeable and clients such as
clickhouse-connect send them), every read runs with the caps below unless the caller
asks for less, and a setting beyond its cap is refused with ClickHouse's own error
(Code: 452, SETTING_CONSTRAINT_VIOLATION). ``readonly=2`` alone would let a query read
files, URLs and other servers through table functions, so ClickHouse's parse of the
query (``EXPLAIN AST``) is checked first: table functions other than a few that only
generate rows are refused, and so is ``file()``, which reads any file in chDB whatever
the mode.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sinks.warehouse.endpoint.protocol import RequestRefused, readonly_refusal

# Table functions that only generate or reshape rows (or read tables the reader may read).
ALLOWED_TABLE_FUNCTIONS = frozenset(
    name.lower()
    for name in [
        "numbers",
        "numbers_mt",
        "zeros",
        "zeros_mt",
        "generate_series",
        "generateSeries",
        "primes",
        "values",
        "null",
        "view",
        "merge",
        "loop",
        "generateRandom",
        "format",
    ]
)
# Functions that reach outside the warehouse in chDB whatever readonly says.
REFUSED_FUNCTIONS = frozenset({"file"})
# Settings a reader never changes: each would lift a restriction or outrank the sink.
LOCKED_SETTINGS = frozenset(
    {
        "readonly",
        "profile",
        "allow_ddl",
        "allow_introspection_functions",
        "priority",
        "os_thread_priority",
    }
)
READ_PRIORITY = 10  # ClickHouse pauses these while a priority-1 write (the sink's) runs
READ_NICE = 19  # reads' threads yield the CPU to the sink, the worker and the broker


@dataclass(frozen=True)
class ReadLimits:
    """Caps of every read through the endpoint; each is also the default.

    ``concurrency`` reads run at once (each on its own chDB connection); a read that
    finds none free within ``queue_wait_s`` is answered 503 with ``Retry-After``.
    """

    max_execution_time_s: float = 60.0
    max_memory_bytes: int = 1 << 30
    max_result_rows: int = 10_000_000
    max_result_bytes: int = 128 << 20
    max_threads: int = field(default_factory=lambda: max(1, (os.cpu_count() or 2) // 2))
    concurrency: int = field(default_factory=lambda: max(2, os.cpu_count() or 2))
    queue_wait_s: float = 1.0
    retry_after_s: int = 1

    def caps(self) -> dict[str, float]:
        return {
            "max_execution_time": self.max_execution_time_s,
            "max_memory_usage": self.max_memory_bytes,
            "max_result_rows": self.max_result_rows,
            "max_result_bytes": self.max_result_bytes,
            "max_threads": self.max_threads,
        }


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None  # ClickHouse reports a value it cannot parse
    return number


def reader_settings(
    requested: Mapping[str, str], limits: ReadLimits, *, user: str, via_get: bool
) -> dict[str, str]:
    """The settings a read runs with: the caps, then what the caller asked for (checked
    against them), then ``readonly=2`` and the read priorities (within the engine, and the
    OS's nice value of its threads), last so nothing undoes them."""
    caps = limits.caps()
    for name, value in requested.items():
        if name in LOCKED_SETTINGS:
            raise readonly_refusal(user, via_get, f"modify '{name}' setting")
        cap = caps.get(name)
        number = _number(value) if cap is not None else None
        if cap is None or number is None:
            continue
        if math.isnan(number) or number <= 0 or number > cap:
            shown = f"{cap:g}" if isinstance(cap, float) else str(cap)
            unlimited = " (0 would mean no limit)" if number == 0 else ""
            raise RequestRefused(
                "SETTING_CONSTRAINT_VIOLATION",
                f"Setting {name} shouldn't be greater than {shown}{unlimited}; this endpoint "
                f"caps reads, ask for at most {shown}",
            )
    settings = {
        name: f"{cap:g}" if isinstance(cap, float) else str(cap) for name, cap in caps.items()
    }
    settings["result_overflow_mode"] = "throw"
    settings["timeout_overflow_mode"] = "throw"
    settings.update(requested)
    settings["readonly"] = "2"
    settings["priority"] = str(READ_PRIORITY)
    settings["os_thread_priority"] = str(READ_NICE)
    return settings


_NODE = re.compile(r"^( *)(\S+)(?: (\S+))?")


def check_ast(
    ast: str,
    *,
    user: str,
    via_get: bool,
    table_functions: frozenset[str],
    views: frozenset[str] = frozenset(),
) -> None:
    """Refuse what ``EXPLAIN AST`` shows reaching outside the warehouse.

    ``table_functions`` holds the lower-cased names of every table function the engine
    has; a function of such a name is refused wherever it appears (``FROM f()``, ``JOIN
    f()``, ``x IN f()``) unless it is one of ``ALLOWED_TABLE_FUNCTIONS``, and a table named
    like a path (which chDB would read as a file) is refused too. ``views`` are the
    warehouse's views: one with parameters is read as ``FROM v(name = value)``.
    """
    parents: list[tuple[int, str]] = []
    for line in ast.splitlines():
        match = _NODE.match(line)
        if match is None:
            continue
        depth, kind, name = len(match[1]), match[2], match[3] or ""
        while parents and parents[-1][0] >= depth:
            parents.pop()
        parent = parents[-1][1] if parents else ""
        parents.append((depth, kind))
        lowered = name.lower()
        if kind == "Function" and (
            name in REFUSED_FUNCTIONS
            or (lowered in table_functions and lowered not in ALLOWED_TABLE_FUNCTIONS)
            or (
                parent == "TableExpression"
                and lowered not in ALLOWED_TABLE_FUNCTIONS
                and name not in views
            )
        ):
            raise readonly_refusal(
                user,
                via_get,
                f"call {name}() (it reads outside the warehouse; only the warehouse's tables "
                f"and {', '.join(sorted(ALLOWED_TABLE_FUNCTIONS))} may be read)",
            )
        if kind == "TableIdentifier" and ("/" in name or "\\" in name):
            raise readonly_refusal(user, via_get, f"read {name!r} as a file")
