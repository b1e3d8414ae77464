"""Prometheus: metric names follow the conventions; rules and config pass promtool.

promtool comes from Debian's prometheus package (`make promtool`, a prerequisite of
`make test`); a missing promtool fails these tests rather than skipping them.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.conftest import REPO
from tests.prometheus_checks import (
    all_declared_metrics,
    check_promql,
    declared_metrics,
    exposition_of,
    metrics_modules,
    naming_problems,
    promtool,
    series_names,
)

PROMETHEUS = REPO / "ops" / "prometheus"
#: Metrics the rules watch that no role declares yet; remove a name once a metrics.py does.
PENDING: frozenset[str] = frozenset()
_PROMQL_METRIC = re.compile(r"\bpolicywatch_[a-z0-9_]+\b")


def test_every_metrics_module_follows_the_naming_conventions() -> None:
    modules = metrics_modules()
    assert {"streams.metrics", "sinks.metrics", "producers.metrics", "ops.metrics"} <= set(modules)
    for module in modules:
        text = exposition_of(module)
        assert declared_metrics(text), f"{module} declares no policywatch_* metric"
        assert naming_problems(text) == [], module


def test_naming_check_catches_bad_names() -> None:
    text = (
        "# TYPE policywatch_sink_events counter\n"
        "# TYPE policywatch_batch_ms histogram\n"
        "# TYPE policywatch_lag_total gauge\n"
        "# TYPE policywatch_Sink_rows_total counter\n"
    )
    problems = "\n".join(naming_problems(text))
    assert "policywatch_sink_events: a counter's name ends in _total" in problems
    assert "policywatch_batch_ms: use base units" in problems
    assert "policywatch_lag_total: only counters end in _total" in problems
    assert "policywatch_Sink_rows_total: not policywatch_snake_case" in problems


def test_rules_pass_promtool_check_and_their_unit_tests() -> None:
    rules = sorted(str(p.relative_to(REPO)) for p in (PROMETHEUS / "rules").glob("*.yml"))
    tests = sorted(str(p.relative_to(REPO)) for p in (PROMETHEUS / "tests").glob("*.yml"))
    assert rules and tests
    checked = promtool("check", "rules", *rules)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool("test", "rules", *tests)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    config = promtool("check", "config", str((PROMETHEUS / "prometheus.yml").relative_to(REPO)))
    assert config.returncode == 0, config.stdout + config.stderr


def rule_expressions() -> dict[str, str]:
    exprs = {}
    for path in (PROMETHEUS / "rules").glob("*.yml"):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                exprs[rule.get("alert") or rule["record"]] = rule["expr"]
    return exprs


def test_rules_watch_metrics_the_roles_declare() -> None:
    known = series_names(all_declared_metrics())
    used = {m for expr in rule_expressions().values() for m in _PROMQL_METRIC.findall(expr)}
    assert used - known <= PENDING, f"rules use undeclared metrics: {sorted(used - known)}"
    assert not PENDING & known, f"now declared, drop from PENDING: {sorted(PENDING & known)}"


def test_rules_cover_the_required_conditions() -> None:
    alerts = set(rule_expressions())
    assert {
        "PolicywatchConsumerLagGrowing",
        "PolicywatchDeadLettersHigh",
        "PolicywatchSourceStale",
        "PolicywatchSourceFailing",
        "PolicywatchDeliveriesFailing",
        "PolicywatchNoDocuments",
    } <= alerts
    tested = (PROMETHEUS / "tests" / "policywatch_test.yml").read_text(encoding="utf-8")
    for alert in alerts:
        assert f"alertname: {alert}" in tested, f"{alert} has no promtool unit test"


def test_promql_check_rejects_a_broken_expression(tmp_path: Path) -> None:
    assert check_promql(["sum by (x (rate(y[5m]))"], tmp_path).returncode != 0
