"""Read the provisioned Grafana dashboards and turn their queries into runnable text.

Grafana expands macros and template variables before a query reaches a datasource;
``expand_sql`` does the same with concrete values, the way the ClickHouse plugin
does (``$__timeFilter(col)`` -> ``col >= toDateTime(<from>) AND col <= toDateTime(<to>)``),
so the test suite can run every panel's SQL against chDB.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.conftest import REPO

GRAFANA = REPO / "ops" / "grafana"
DASHBOARDS = GRAFANA / "dashboards"
CLICKHOUSE_TYPE = "grafana-clickhouse-datasource"
PROMETHEUS_TYPE = "prometheus"
FROM = datetime(2000, 1, 1, tzinfo=UTC)
TO = datetime(2100, 1, 1, tzinfo=UTC)
INTERVAL_S = 3600


@dataclass(frozen=True)
class Query:
    dashboard: str
    panel: dict[str, Any]
    target: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.dashboard} / panel {self.panel['id']} {self.panel['title']!r}"


def dashboard_files() -> list[Path]:
    return sorted(DASHBOARDS.glob("*.json"))


def load_dashboards() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in dashboard_files()}


def panels(dashboard: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # collapsed rows


def queries(dashboards: Mapping[str, Mapping[str, Any]], ds_type: str) -> Iterator[Query]:
    for name, dashboard in dashboards.items():
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                ds = target.get("datasource") or panel.get("datasource") or {}
                if ds.get("type") == ds_type:
                    yield Query(name, panel, target)


def variables(dashboard: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(dashboard.get("templating", {}).get("list", []))


_FUNCTION_MACROS = {
    "timeFilter": lambda c: f"{c} >= {_dt(FROM)} AND {c} <= {_dt(TO)}",
    "dateFilter": lambda c: f"{c} >= {_d(FROM)} AND {c} <= {_d(TO)}",
    "timeInterval": lambda c: f"toStartOfInterval(toDateTime({c}), INTERVAL {INTERVAL_S} second)",
}
_VALUE_MACROS = {
    "fromTime": lambda: _dt(FROM),
    "toTime": lambda: _dt(TO),
    "interval_s": lambda: str(INTERVAL_S),
}
_FUNCTION = re.compile(r"\$__(\w+)\(([^()]*)\)")
_VALUE = re.compile(r"\$__(\w+)\b")
_VARIABLE = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(\w+)")


def _dt(t: datetime) -> str:
    return f"toDateTime({int(t.timestamp())})"


def _d(t: datetime) -> str:
    return f"toDate('{t.date().isoformat()}')"


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def expand_sql(sql: str, values: Mapping[str, Sequence[str]]) -> str:
    """``sql`` with Grafana's macros and ``values`` of template variables filled in."""

    def function(match: re.Match[str]) -> str:
        name, arg = match[1], match[2].strip()
        if name not in _FUNCTION_MACROS:
            raise KeyError(f"macro $__{name}() is not handled by the test; add it")
        return _FUNCTION_MACROS[name](arg)

    def value(match: re.Match[str]) -> str:
        if match[1] not in _VALUE_MACROS:
            raise KeyError(f"macro $__{match[1]} is not handled by the test; add it")
        return _VALUE_MACROS[match[1]]()

    def variable(match: re.Match[str]) -> str:
        name = match[1] or match[3]
        fmt = match[2]
        if name not in values:
            raise KeyError(f"template variable ${name} is not defined by the dashboard")
        chosen = values[name]
        if fmt == "singlequote":
            return ",".join(_quote(v) for v in chosen)
        if fmt in (None, "raw", "csv"):
            return ",".join(chosen)
        raise KeyError(f"variable format :{fmt} is not handled by the test; add it")

    expanded = _VALUE.sub(value, _FUNCTION.sub(function, sql))
    return _VARIABLE.sub(variable, expanded)


def expand_promql(expr: str) -> str:
    return expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")
