"""Prometheus checks shared by tests: metric naming, declared metrics, promtool.

Naming conventions, checked on exposition text (the registry of every ``metrics.py``
module, and the /metrics of running roles): ``policywatch_`` prefix, snake case,
counters end in ``_total``, other types end in a unit (base units only: seconds, bytes)
or in the thing they count.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO

PACKAGES = ("schemas", "producers", "streams", "sinks", "ops")

NAME = re.compile(r"^policywatch_[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)$", re.M)
#: Last word of a gauge/histogram/summary name: a base unit, or what it counts.
UNITS = frozenset(
    {
        "seconds",
        "bytes",
        "ratio",
        "messages",
        "events",
        "rows",
        "documents",
        "segments",
        "alerts",
        "subscriptions",
        "up",
        "info",
    }
)
NOT_BASE_UNITS = frozenset(
    {"ms", "milliseconds", "microseconds", "minutes", "hours", "days", "kb", "mb", "gb", "percent"}
)


def declared_metrics(exposition: str) -> dict[str, str]:
    """``{family name: type}`` of the policywatch families in Prometheus text (without the
    ``*_created`` gauges prometheus-client adds beside each counter and histogram)."""
    found = dict(TYPE_LINE.findall(exposition))
    return {
        name: kind
        for name, kind in found.items()
        if name.startswith("policywatch_")
        and not (
            name.endswith("_created")
            and {f"{name[: -len('_created')]}{s}" for s in ("_total", "")} & found.keys()
        )
    }


def naming_problems(exposition: str) -> list[str]:
    problems = []
    for name, kind in declared_metrics(exposition).items():
        words = name.split("_")
        if not NAME.match(name):
            problems.append(f"{name}: not policywatch_snake_case")
        if set(words) & NOT_BASE_UNITS:
            problems.append(f"{name}: use base units (seconds, bytes)")
        if kind == "counter" and not name.endswith("_total"):
            problems.append(f"{name}: a counter's name ends in _total")
        if kind != "counter" and name.endswith("_total"):
            problems.append(f"{name}: only counters end in _total ({kind})")
        if kind in ("gauge", "histogram", "summary") and words[-1] not in UNITS:
            problems.append(f"{name}: a {kind} ends in its unit, one of {sorted(UNITS)}")
    return problems


def series_names(names: dict[str, str]) -> set[str]:
    """Names a query may use: families plus histogram/summary sample suffixes."""
    out = set(names)
    for name, kind in names.items():
        if kind in ("histogram", "summary"):
            out |= {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return out


def metrics_modules() -> list[str]:
    found = sorted(p for pkg in PACKAGES for p in (REPO / pkg).rglob("metrics.py"))
    return [".".join(p.relative_to(REPO).with_suffix("").parts) for p in found]


def exposition_of(module: str) -> str:
    """The registry text after importing one metrics module, in its own interpreter
    (each role imports only its own modules; two may declare the same family)."""
    code = (
        f"import {module}\n"
        "import sys\n"
        "from prometheus_client import REGISTRY, generate_latest\n"
        "sys.stdout.write(generate_latest(REGISTRY).decode())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@functools.cache
def all_declared_metrics() -> dict[str, str]:
    names: dict[str, str] = {}
    for module in metrics_modules():
        names.update(declared_metrics(exposition_of(module)))
    return names


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    assert binary, "promtool is missing: run `make promtool` (apt-get install prometheus)"
    return subprocess.run(
        [binary, *args], capture_output=True, text=True, timeout=120, check=False, cwd=REPO
    )


def check_promql(expressions: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """promtool parses PromQL when it checks a rules file: wrap each as a recording rule."""
    rules = [{"record": f"policywatch:check_{i}", "expr": e} for i, e in enumerate(expressions)]
    path = tmp_path / "exprs.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "check", "rules": rules}]}))
    return promtool("check", "rules", str(path))
