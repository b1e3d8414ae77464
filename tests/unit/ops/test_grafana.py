"""Grafana: dashboards parse, panels are well-formed and use the provisioned datasources.

Their SQL runs against chDB in tests/integration/test_dashboard_sql.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.compose_file import load_compose, mounts
from tests.conftest import REPO
from tests.grafana_dashboards import (
    CLICKHOUSE_TYPE,
    GRAFANA,
    PROMETHEUS_TYPE,
    expand_promql,
    expand_sql,
    load_dashboards,
    panels,
    queries,
    variables,
)
from tests.prometheus_checks import all_declared_metrics, check_promql, series_names

DASHBOARDS = load_dashboards()


def provisioned_datasources() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted((GRAFANA / "provisioning" / "datasources").glob("*.yaml")):
        for ds in yaml.safe_load(path.read_text(encoding="utf-8"))["datasources"]:
            assert ds["uid"] not in found, f"{path.name}: datasource uid {ds['uid']} twice"
            found[ds["uid"]] = ds
    return found


def test_the_expected_dashboards_exist_with_unique_uids() -> None:
    assert {
        "initiative-trends.json",
        "actor-activity.json",
        "co-mentions.json",
        "stories.json",
        "commitments.json",
        "sources.json",
        "pipeline-health.json",
    } <= set(DASHBOARDS)
    uids = [d["uid"] for d in DASHBOARDS.values()]
    assert len(uids) == len(set(uids))
    for name, dashboard in DASHBOARDS.items():
        assert dashboard["title"].startswith("policywatch"), name
        assert "policywatch" in dashboard["tags"], name
        assert dashboard.get("id") is None, f"{name}: provisioned dashboards carry no id"


@pytest.mark.parametrize("name", sorted(DASHBOARDS))
def test_panels_have_unique_ids_and_do_not_overlap(name: str) -> None:
    dashboard = DASHBOARDS[name]
    ids = [p["id"] for p in panels(dashboard)]
    assert len(ids) == len(set(ids)), f"{name}: duplicate panel ids"
    cells: dict[tuple[int, int], int] = {}
    for panel in panels(dashboard):
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                other = cells.setdefault((x, y), panel["id"])
                assert other == panel["id"], f"{name}: panels {other} and {panel['id']} overlap"
        assert panel.get("title") and panel.get("type"), panel


def test_every_datasource_reference_matches_the_provisioning() -> None:
    provisioned = provisioned_datasources()
    assert {d["type"] for d in provisioned.values()} == {CLICKHOUSE_TYPE, PROMETHEUS_TYPE}
    refs = []
    for name, dashboard in DASHBOARDS.items():
        for panel in panels(dashboard):
            refs.append((name, panel.get("datasource")))
            refs += [(name, t.get("datasource")) for t in panel.get("targets", [])]
        refs += [(name, v.get("datasource")) for v in variables(dashboard) if v["type"] == "query"]
    for name, ref in refs:
        assert ref and ref.get("uid") in provisioned, f"{name}: unknown datasource {ref}"
        assert provisioned[ref["uid"]]["type"] == ref["type"], f"{name}: {ref}"


def test_clickhouse_targets_are_raw_sql_and_prometheus_targets_have_expressions() -> None:
    sql = list(queries(DASHBOARDS, CLICKHOUSE_TYPE))
    promql = list(queries(DASHBOARDS, PROMETHEUS_TYPE))
    assert sql and promql
    for q in sql:
        assert q.target["editorType"] == "sql" and q.target["rawSql"].strip(), q.where
        assert q.target["format"] in (0, 1), q.where  # sqlds: 0 time series, 1 table
        assert q.target.get("refId"), q.where
    for q in promql:
        assert q.target["expr"].strip() and q.target.get("refId"), q.where
    for name, dashboard in DASHBOARDS.items():
        refs = [(p["id"], t["refId"]) for p in panels(dashboard) for t in p.get("targets", [])]
        assert len(refs) == len(set(refs)), f"{name}: duplicate refId in a panel"


def test_every_template_variable_used_is_defined() -> None:
    for name, dashboard in DASHBOARDS.items():
        defined = {v["name"]: ["x"] for v in variables(dashboard)}
        for q in queries({name: dashboard}, CLICKHOUSE_TYPE):
            expand_sql(q.target["rawSql"], defined)  # raises on an unknown variable or macro


def test_dashboard_promql_parses_and_uses_declared_metrics(tmp_path: Path) -> None:
    exprs = [expand_promql(q.target["expr"]) for q in queries(DASHBOARDS, PROMETHEUS_TYPE)]
    checked = check_promql(exprs, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    known = series_names(all_declared_metrics())
    used = {m for e in exprs for m in re.findall(r"\bpolicywatch_[a-z0-9_]+\b", e)}
    assert used and used <= known, f"undeclared metrics: {sorted(used - known)}"


def test_provisioning_points_at_the_compose_services_and_mounts() -> None:
    services = load_compose()["services"]
    clickhouse = provisioned_datasources()["policywatch-clickhouse"]["jsonData"]
    assert clickhouse["host"] in services
    assert f"{clickhouse['port']}" == "8123" and clickhouse["protocol"] == "http"
    users = (REPO / "ops/clickhouse-server/users.d/grafana.xml").read_text(encoding="utf-8")
    assert f"<{clickhouse['username']}>" in users
    prometheus = provisioned_datasources()["policywatch-prometheus"]["url"]
    assert prometheus == "http://prometheus:9090" and "prometheus" in services
    [provider] = yaml.safe_load(
        (GRAFANA / "provisioning/dashboards/dashboards.yaml").read_text(encoding="utf-8")
    )["providers"]
    grafana = {m.source: m.target for m in mounts(services["grafana"])}
    assert grafana["./ops/grafana/dashboards"] == provider["options"]["path"]
    assert grafana["./ops/grafana/provisioning"] == "/etc/grafana/provisioning"


PUBLICATION_TIME_DASHBOARDS = (
    "initiative-trends.json",
    "actor-activity.json",
    "co-mentions.json",
    "stories.json",
)


@pytest.mark.parametrize("name", PUBLICATION_TIME_DASHBOARDS)
def test_time_panels_leave_observed_only_dates_out_unless_asked(name: str) -> None:
    dashboard = DASHBOARDS[name]
    [dates] = [v for v in variables(dashboard) if v["name"] == "dates"]
    assert dates["current"]["value"] == "dated" and not dates["multi"]
    series = [
        q for q in queries({name: dashboard}, CLICKHOUSE_TYPE) if q.panel["type"] == "timeseries"
    ]
    assert series
    for q in series:
        assert "'${dates}' = 'all'" in q.target["rawSql"], q.where
        sql = q.target["rawSql"]
        # rows of documents, or a story's first report among its dated documents
        assert "date_source != 'observed'" in sql or "first_dated" in sql, q.where
