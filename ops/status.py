"""What `policywatch status` reports: roles, their health, consumer lag, the warehouse.

Read-only: it scrapes each role's /metrics, checks pids it knows about, asks the
warehouse (through its SQL endpoint) two small questions and the broker for the
workers' consumer-group offsets (``ops.consumer_lag``). Roles come from the embedded
stack's ``run.json`` or from explicit ``NAME=URL`` targets (the cluster, where there are
no pids to check). A role is healthy when its process is alive (if known) and its
metrics endpoint answers with Prometheus text.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ops.consumer_lag import PartitionLag, group_lag, group_lag_by_topic
from ops.runfile import pid_alive
from schemas.errors import ConfigError, PolicywatchError
from sinks.warehouse.base import Warehouse

LAG_METRIC = "policywatch_consumer_lag_messages"
_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})?\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_MAX_METRICS_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Target:
    """A role to check: its metrics URL and, on the embedded stack, its pid."""

    name: str
    metrics_url: str | None = None
    pid: int | None = None


@dataclass
class RoleStatus:
    name: str
    pid: int | None
    alive: bool | None
    metrics_url: str | None
    metrics_ok: bool | None
    lag_messages: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    @property
    def healthy(self) -> bool:
        return self.alive is not False and self.metrics_ok is not False


@dataclass
class WarehouseStatus:
    location: str
    reachable: bool
    documents: int | None = None
    last_document_observed_at: str | None = None
    last_document_published_at: str | None = None
    rows: int | None = None
    bytes_on_disk: int | None = None
    error: str | None = None


@dataclass
class GroupStatus:
    """A consumer group's committed offsets as the broker has them (informational)."""

    group: str
    partitions: list[PartitionLag] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "lag_messages": group_lag_by_topic(self.partitions),
            "partitions": [{**asdict(p), "lag": p.lag} for p in self.partitions],
            "error": self.error,
        }


@dataclass
class StackStatus:
    roles: list[RoleStatus]
    warehouse: WarehouseStatus | None
    groups: list[GroupStatus] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(r.healthy for r in self.roles) and (
            self.warehouse is None or self.warehouse.reachable
        )

    def to_dict(self) -> dict[str, Any]:
        roles = [{**asdict(r), "healthy": r.healthy} for r in self.roles]
        warehouse = asdict(self.warehouse) if self.warehouse is not None else None
        return {
            "healthy": self.healthy,
            "roles": roles,
            "warehouse": warehouse,
            "consumer_groups": [g.to_dict() for g in self.groups],
        }


def parse_target(text: str) -> Target:
    """``NAME=http://host:port/metrics`` as given to ``--target``."""
    name, sep, url = text.partition("=")
    parts = urlsplit(url)
    if not sep or not name or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"--target {text!r}: expected NAME=http://host:port/metrics, "
            "e.g. worker=http://worker:9464/metrics"
        )
    return Target(name=name, metrics_url=url)


def targets_from_run(run: dict[str, Any]) -> list[Target]:
    """The broker, the supervisor and every role listed in an embedded ``run.json``."""
    targets = [Target("broker", None, _int_or_none(run.get("broker", {}).get("pid")))]
    targets.append(Target("supervisor", run.get("metrics") or None, _int_or_none(run.get("pid"))))
    for name, role in sorted(run.get("roles", {}).items()):
        targets.append(Target(name, role.get("metrics") or None, _int_or_none(role.get("pid"))))
    return targets


def _int_or_none(value: Any) -> int | None:
    return int(value) if value else None


def scrape(url: str, timeout_s: float) -> str:
    """The Prometheus text a metrics endpoint serves (bounded in size and time)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"metrics URL {url!r} must be http(s)")
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        body: bytes = response.read(_MAX_METRICS_BYTES)
    text = body.decode("utf-8", "replace")
    if "# TYPE" not in text:
        raise ValueError("the endpoint answered, but not with Prometheus metrics")
    return text


def lag_by_topic(metrics_text: str) -> dict[str, int]:
    """Sum of ``policywatch_consumer_lag_messages`` per ``consumer/topic``."""
    lag: dict[str, int] = {}
    for line in metrics_text.splitlines():
        match = _SAMPLE.match(line)
        if match is None or match["name"] != LAG_METRIC:
            continue
        labels = dict(_LABEL.findall(match["labels"] or ""))
        key = f"{labels.get('consumer', '?')}/{labels.get('topic', '?')}"
        lag[key] = lag.get(key, 0) + int(float(match["value"]))
    return lag


def probe_role(target: Target, timeout_s: float = 3.0) -> RoleStatus:
    alive = pid_alive(target.pid) if target.pid else None
    status = RoleStatus(target.name, target.pid, alive, target.metrics_url, None)
    if target.metrics_url is None:
        return status
    try:
        text = scrape(target.metrics_url, timeout_s)
    except (OSError, ValueError, urllib.error.URLError) as exc:
        status.metrics_ok = False
        status.error = f"metrics endpoint did not answer: {exc}"
        return status
    status.metrics_ok = True
    status.lag_messages = lag_by_topic(text)
    return status


_DOCUMENTS_SQL = """
SELECT uniqExact(document_id) AS documents,
       toString(max(observed_at)) AS last_observed,
       toString(max(published_at)) AS last_published
FROM documents"""
_SIZE_SQL = """
SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = currentDatabase()"""


def warehouse_status(open_warehouse: Callable[[], Warehouse]) -> WarehouseStatus:
    """Last document time and size; an unreachable warehouse is reported, not raised."""
    try:
        warehouse = open_warehouse()
    except PolicywatchError as exc:
        return WarehouseStatus(location="?", reachable=False, error=str(exc))
    status = WarehouseStatus(location=warehouse.description, reachable=False)
    try:
        [docs] = warehouse.query(_DOCUMENTS_SQL)
        [size] = warehouse.query(_SIZE_SQL)
    except PolicywatchError as exc:
        status.error = str(exc)
        return status
    finally:
        warehouse.close()
    status.reachable = True
    status.documents = int(docs["documents"])
    if status.documents:
        status.last_document_observed_at = str(docs["last_observed"])
        status.last_document_published_at = str(docs["last_published"] or "") or None
    status.rows = int(size["rows"] or 0)
    status.bytes_on_disk = int(size["bytes"] or 0)
    return status


def group_status(bootstrap: str, group: str, timeout_s: float) -> GroupStatus:
    """The group's lag from the broker; an unreachable broker is reported, not raised."""
    status = GroupStatus(group)
    try:
        status.partitions = group_lag(bootstrap, group, timeout_s)
    except PolicywatchError as exc:
        status.error = str(exc)
    return status


def collect_status(
    targets: list[Target],
    open_warehouse: Callable[[], Warehouse] | None,
    timeout_s: float = 3.0,
) -> StackStatus:
    roles = [probe_role(t, timeout_s) for t in targets]
    warehouse = warehouse_status(open_warehouse) if open_warehouse is not None else None
    return StackStatus(roles, warehouse)
