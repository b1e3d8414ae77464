"""Every Grafana panel's SQL runs on chDB over the fixture data and returns what the panel
reads: a ``time`` column for time series, the columns a table names, a stat's field,
a bar chart's x field; and every template variable's query yields values.

Fixture data: the demo corpus and seeds (tests/warehouse_fixture.py) plus source runs
built with the producers' own ``SourceHealth`` rows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from producers.health import SourceHealth
from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode_any, encode
from schemas.subscriptions import SubscriptionChanged
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.writer import write_rows
from tests.discovery_events import classified
from tests.grafana_dashboards import (
    CLICKHOUSE_TYPE,
    Query,
    expand_sql,
    load_dashboards,
    queries,
    variables,
)
from tests.warehouse_fixture import load_fixture

DASHBOARDS = load_dashboards()
SQL_QUERIES = list(queries(DASHBOARDS, CLICKHOUSE_TYPE))
NUMERIC = ("UInt", "Int", "Float", "Decimal")
TIME = ("DateTime", "Date")


def source_runs() -> list[SourceHealth]:
    """Runs of three web sources: one fine, one degraded, one that never worked."""
    start = datetime(2026, 3, 2, 6, tzinfo=UTC)
    runs = []
    for i in range(6):
        started = start + timedelta(hours=i)
        finished = started + timedelta(seconds=40)
        for source, status in (("mea-press", "ok"), ("mofa-press", "degraded"), ("pib", "error")):
            failed = status != "ok"
            runs.append(
                SourceHealth(
                    source_id=source,
                    source_kind="official_statement",
                    run_id=f"{source}-{i}",
                    started_at=started,
                    finished_at=finished,
                    status=status,
                    last_success_at=None if status == "error" else finished,
                    last_error_at=finished if failed else None,
                    last_error_reason="http_status" if failed else "",
                    last_error_message="503 from the listing page" if failed else "",
                    documents_emitted=0 if status == "error" else 3,
                    documents_unchanged=1,
                    documents_total=3 * (i + 1),
                    dead_letters=0,
                    errors=1 if failed else 0,
                    requests=4,
                    not_modified=1,
                    fetch_seconds_avg=0.4,
                    fetch_seconds_max=1.5 + i,
                )
            )
    return runs


SCHEMA_FIXTURES = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures"


def alerting_rows() -> TableRows:
    """A subscription, alerts of several triggers and how their delivery went."""

    def fixture(name: str) -> Any:
        return decode_any((SCHEMA_FIXTURES / f"{name}.v1.json").read_bytes())

    sub, alert, attempt = (
        fixture("subscription.changed"),
        fixture("alert.raised"),
        fixture("alert.delivery"),
    )
    assert isinstance(sub, SubscriptionChanged) and isinstance(alert, AlertRaised)
    assert isinstance(attempt, AlertDelivery)
    start = datetime(2026, 3, 2, 6, tzinfo=UTC)
    events: list[Any] = [sub]
    outcomes = (["delivered"], ["retrying", "delivered"], ["retrying", "retrying", "failed"])
    for i, trigger in enumerate(("document", "volume", "spike", "document", "commitment")):
        at = start + timedelta(hours=i)
        alert_id = f"alert-{i}"
        published = at - timedelta(days=3)  # alerts fire about older documents too
        update = {"alert_id": alert_id, "trigger": trigger, "occurred_at": published}
        events.append(alert.model_copy(update={**update, "observed_at": at}))
        for n, status in enumerate(outcomes[i % 3], 1):
            events.append(
                attempt.model_copy(
                    update={
                        "alert_id": alert_id,
                        "attempt": n,
                        "status": status,
                        "event_id": f"{alert_id}-{n}",
                        "occurred_at": at + timedelta(seconds=n),
                    }
                )
            )
    rows = TableRows()
    for event in events:
        rows.add_record(encode(event))
    return rows


@pytest.fixture(scope="module")
def warehouse(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    """One database with the fixture corpus and source runs for all panels."""
    name = "dash_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    load_fixture(warehouse)
    warehouse.insert_rows("source_health", [run.as_row() for run in source_runs()])
    for table, rows in alerting_rows().tables.items():
        warehouse.insert_rows(table, rows)
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(scope="module")
def variable_values(warehouse: ChdbWarehouse) -> dict[str, dict[str, list[str]]]:
    """Each dashboard's variables set to "All": every value their query returns."""
    values: dict[str, dict[str, list[str]]] = {}
    for name, dashboard in DASHBOARDS.items():
        values[name] = {}
        for var in variables(dashboard):
            assert var["type"] == "query", f"{name}: variable {var['name']} is not a query"
            result = run(warehouse, expand_sql(var["query"], values[name]))
            assert len(result["meta"]) in (1, 2), f"{name}: ${var['name']} returns text[, value]"
            column = result["meta"][-1]["name"]
            values[name][var["name"]] = [str(row[column]) for row in result["data"]]
            assert values[name][var["name"]], f"{name}: ${var['name']} has no values"
    return values


def run(warehouse: ChdbWarehouse, sql: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(warehouse.query_raw(sql, fmt="JSON"))
    return result


def base_type(name: str) -> str:
    for wrapper in ("Nullable(", "LowCardinality("):
        while name.startswith(wrapper):
            name = name[len(wrapper) : -1]
    return name


def expected_columns(q: Query) -> tuple[str, list[str]]:
    """What the panel reads from the frame, taken from the panel's own configuration."""
    panel = q.panel
    kind = panel["type"]
    if kind == "table":
        names = [
            o["matcher"]["options"]
            for o in panel["fieldConfig"]["overrides"]
            if o["matcher"]["id"] == "byName"
        ]
        return kind, list(dict.fromkeys(names))
    if kind == "stat":
        field = panel["options"]["reduceOptions"]["fields"]
        assert field.startswith("/^") and field.endswith("$/"), f"{q.where}: stat field {field}"
        return kind, [field[2:-2]]
    if kind == "barchart":
        return kind, [panel["options"]["xField"]]
    if kind == "timeseries":
        return kind, ["time"]
    raise AssertionError(f"{q.where}: no column expectations for panel type {kind}")


@pytest.mark.parametrize(
    "q", SQL_QUERIES, ids=[f"{q.dashboard}:{q.panel['id']}" for q in SQL_QUERIES]
)
def test_panel_sql_returns_the_columns_the_panel_reads(
    q: Query, warehouse: ChdbWarehouse, variable_values: dict[str, dict[str, list[str]]]
) -> None:
    sql = expand_sql(q.target["rawSql"], variable_values[q.dashboard])
    result = run(warehouse, sql)
    types = {c["name"]: base_type(c["type"]) for c in result["meta"]}
    kind, columns = expected_columns(q)
    missing = [c for c in columns if c not in types]
    assert not missing, f"{q.where}: missing columns {missing}; got {list(types)}"
    assert result["rows"] > 0, f"{q.where}: no rows on the fixture corpus"
    numeric = [c for c, t in types.items() if t.startswith(NUMERIC)]
    if kind == "timeseries":
        assert q.target["format"] == 0, f"{q.where}: a time series panel queries format 0"
        assert types["time"].startswith(TIME), f"{q.where}: time is {types['time']}"
        assert next(iter(types)) == "time", f"{q.where}: time comes first"
        assert numeric, f"{q.where}: no numeric value column"
        assert set(types) - {"time"} - set(numeric) <= {
            c for c, t in types.items() if t == "String"
        }, f"{q.where}: series labels must be strings"
        times = [row["time"] for row in result["data"]]
        assert times == sorted(times), f"{q.where}: rows must be ordered by time"
    else:
        assert q.target["format"] == 1, f"{q.where}: a {kind} panel queries format 1 (table)"
    if kind in ("stat", "barchart"):
        assert numeric, f"{q.where}: no numeric column to show"
    if kind == "stat":
        assert columns[0] in numeric, f"{q.where}: {columns[0]} is {types[columns[0]]}"


def test_alerts_stat_counts_alerts_in_the_hour_they_fired(warehouse: ChdbWarehouse) -> None:
    """Alerts about older documents count when they fire (the fixture's fire hourly from 06:00
    on 2 March about documents published three days before)."""
    [stat] = [
        q
        for q in SQL_QUERIES
        if q.dashboard == "alerts.json" and "AS alerts FROM" in q.target["rawSql"]
    ]
    fired_hour = (
        "raised_at >= toDateTime('2026-03-02 06:00:00') "
        "AND raised_at < toDateTime('2026-03-02 08:00:00')"
    )
    sql = stat.target["rawSql"].replace("$__timeFilter(raised_at)", fired_hour)
    assert run(warehouse, sql)["data"] == [{"alerts": 2}]


def test_the_dates_variable_adds_observed_only_documents_to_the_trend(
    warehouse: ChdbWarehouse, variable_values: dict[str, dict[str, list[str]]]
) -> None:
    [panel] = [
        q
        for q in SQL_QUERIES
        if q.dashboard == "initiative-trends.json" and q.panel["type"] == "timeseries"
    ]

    def total(dates: str) -> int:
        values = {**variable_values["initiative-trends.json"], "dates": [dates]}
        rows = run(warehouse, expand_sql(panel.target["rawSql"], values))["data"]
        return sum(int(r["documents"]) for r in rows)

    observed = warehouse.query(
        "SELECT uniqExact(document_id) AS n FROM mentions "
        "WHERE label_type = 'initiative' AND date_source = 'observed'"
    )
    assert int(observed[0]["n"]) > 0
    assert total("all") > total("dated") > 0


def test_the_stories_panels_count_each_story_once_by_its_first_dated_report(
    chdb_dir: Path, variable_values: dict[str, dict[str, list[str]]]
) -> None:
    warehouse = ChdbWarehouse(chdb_dir, database="dash_" + uuid.uuid4().hex[:10])
    load_fixture(warehouse)
    undated = TableRows()  # a story told only by documents dated when they were observed
    for doc in ("d-undated-1", "d-undated-2"):
        undated.add_record(
            encode(
                classified(
                    doc,
                    published=None,
                    observed=datetime(2026, 6, 3, tzinfo=UTC),
                    date_source="observed",
                    initiatives=("quad",),
                    story_id="story-undated",
                )
            )
        )
    write_rows(warehouse, undated)
    [panel] = [
        q
        for q in SQL_QUERIES
        if q.dashboard == "stories.json" and q.panel.get("title") == "New stories per day"
    ]

    def total(dates: str) -> int:
        values = {**variable_values["stories.json"], "dates": [dates]}
        rows = run(warehouse, expand_sql(panel.target["rawSql"], values))["data"]
        return sum(int(r["stories"]) for r in rows)

    stories = warehouse.query("SELECT story_id FROM story_summaries")
    assert "story-undated" in {r["story_id"] for r in stories}
    assert total("all") == len(stories)
    assert 0 < total("dated") == len(stories) - 1


# The counts of the panels that read the change tables, by their definition: each
# document's latest classification (newest classified_at, then event id), from the
# classifications themselves. {labels} is "initiatives" or "actors", {variable} its variable.
BY_LATEST_CLASSIFICATION = """
    SELECT label, count() AS documents
    FROM
    (
        SELECT argMax(tuple(initiatives, actors, occurred_at, date_source),
                      tuple(classified_at, event_id)) AS latest
        FROM classifications
        GROUP BY document_id
    )
    ARRAY JOIN arrayDistinct(if('{labels}' = 'initiatives', latest.1, latest.2)) AS label
    WHERE (latest.4 != 'observed' OR '${{dates}}' = 'all')
      AND label IN (${{{variable}:singlequote}}) AND $__timeFilter(latest.3)
    GROUP BY label
"""
# documents whose latest classification names any selected initiative ({official}: and is an
# official statement, or any kind)
DOCUMENTS_BY_LATEST_CLASSIFICATION = """
    SELECT count() AS documents
    FROM
    (
        SELECT argMax(tuple(initiatives, occurred_at, date_source, source_kind),
                      tuple(classified_at, event_id)) AS latest
        FROM classifications
        GROUP BY document_id
    )
    WHERE (latest.3 != 'observed' OR '${{dates}}' = 'all')
      AND hasAny(latest.1, [${{initiative:singlequote}}]) AND $__timeFilter(latest.2)
      AND ({official} = 0 OR latest.4 = 'official_statement')
"""
DOCUMENT_COUNT_PANELS = {
    "Documents mentioning the selected initiatives": 0,
    "Official statements": 1,
}
# documents whose latest classification is in a story
DOCUMENTS_IN_STORIES = """
    SELECT count() AS documents
    FROM
    (
        SELECT argMax(tuple(story_id, occurred_at, date_source),
                      tuple(classified_at, event_id)) AS latest
        FROM classifications
        GROUP BY document_id
    )
    WHERE latest.1 != '' AND (latest.3 != 'observed' OR '${dates}' = 'all')
      AND $__timeFilter(latest.2)
"""
# panels listing rows, by the same definition
ROW_PANELS = {
    # documents naming an actor of each country, and the selected actors of it they name
    "Actors by country": """
        SELECT pair.2 AS country, uniqExact(document_id) AS documents,
               uniqExactIf(pair.1, pair.1 IN (${actor:singlequote})) AS actors
        FROM
        (
            SELECT document_id,
                   argMax(tuple(JSONExtract(labels, 'actors',
                                            'Array(Tuple(id String, country String))'),
                                occurred_at, date_source),
                          tuple(classified_at, event_id)) AS latest
            FROM classifications
            GROUP BY document_id
        )
        ARRAY JOIN latest.1 AS pair
        WHERE pair.2 != '' AND (latest.3 != 'observed' OR '${dates}' = 'all')
          AND $__timeFilter(latest.2)
        GROUP BY country
        ORDER BY documents DESC, country
    """,
    "Relevance by source": """
        SELECT latest.1 AS source, count() AS classified,
               countIf(latest.2 = 1) AS relevant_documents,
               round(relevant_documents / classified, 2) AS share
        FROM
        (
            SELECT argMax(tuple(source_id, relevant, occurred_at),
                          tuple(classified_at, event_id)) AS latest
            FROM classifications
            GROUP BY document_id
        )
        WHERE $__timeFilter(latest.3)
        GROUP BY source
        ORDER BY classified DESC, source
    """,
}
# panel title -> (which labels, the columns holding each label and its documents, how many
# it lists: the most documents first, then by label)
CHANGE_TABLE_PANELS = {
    "Most-mentioned initiatives": ("initiatives", "initiative", "documents", 20),
    "Initiatives mentioned": ("initiatives", None, None, 0),
    "Top actors": ("actors", "actor", "documents", 50),
}


@pytest.mark.parametrize("dates", ["all", "dated"])
def test_panels_on_the_change_tables_count_each_documents_latest_classification(
    chdb_dir: Path, variable_values: dict[str, dict[str, list[str]]], dates: str
) -> None:
    """Re-classified documents included: one drops an actor and changes initiative, one
    stops being relevant, and both leave their story, so the old counts must be taken
    back."""
    warehouse = ChdbWarehouse(chdb_dir, database="dash_" + uuid.uuid4().hex[:10])
    load_fixture(warehouse)
    published = datetime(2026, 4, 7, 9, 30, tzinfo=UTC)
    first, second = TableRows(), TableRows()
    speak_for = {"jp.toshimitsu-motegi": "JP", "in.s-jaishankar": "IN"}
    for doc in ("d-moved", "d-dropped"):
        first.add_record(
            encode(
                classified(
                    doc,
                    published=published,
                    initiatives=("quad", "in-jp.critical-minerals-jwg"),
                    actors=("jp.toshimitsu-motegi", "in.s-jaishankar"),
                    actor_countries=speak_for,
                    story_id="story-left",  # both leave it when classified again
                )
            )
        )
    second.add_record(
        encode(
            classified(
                "d-moved",
                published=published,
                initiatives=("in-jp.critical-minerals-jwg",),
                actors=("in.s-jaishankar",),
                actor_countries=speak_for,
                classifier_version="c2",
            )
        )
    )
    second.add_record(
        encode(
            classified("d-dropped", published=published, relevant=False, classifier_version="c2")
        )
    )
    write_rows(warehouse, first)
    write_rows(warehouse, second)
    checked = 0
    for q in SQL_QUERIES:
        listing = ROW_PANELS.get(q.panel.get("title", ""))
        if listing is not None:
            values = {**variable_values[q.dashboard], "dates": [dates]}
            if "actor" in values:
                values["actor"] = sorted({*values["actor"], *speak_for})
            expected_rows = run(warehouse, expand_sql(listing, values))["data"]
            fast_rows = run(warehouse, expand_sql(q.target["rawSql"], values))["data"]
            assert expected_rows, q.where
            assert [[str(v) for v in r.values()] for r in fast_rows] == [
                [str(v) for v in r.values()] for r in expected_rows
            ], q.where
            checked += 1
            continue
        if q.panel.get("title") == "Documents in stories":
            values = {**variable_values[q.dashboard], "dates": [dates]}
            [expected] = run(warehouse, expand_sql(DOCUMENTS_IN_STORIES, values))["data"]
            [fast] = run(warehouse, expand_sql(q.target["rawSql"], values))["data"]
            assert [int(v) for v in fast.values()] == [int(expected["documents"])], q.where
            assert int(expected["documents"]) > 0, q.where
            checked += 1
            continue
        official = DOCUMENT_COUNT_PANELS.get(q.panel.get("title", ""))
        if official is not None:
            known = sorted({*variable_values[q.dashboard]["initiative"], "quad"})
            # all of them (the variable's All), one, and several: each its own branch
            for chosen in (known, ["quad"], ["in-jp.critical-minerals-jwg", "quad"]):
                values = {**variable_values[q.dashboard], "dates": [dates], "initiative": chosen}
                reference = DOCUMENTS_BY_LATEST_CLASSIFICATION.format(official=official)
                [expected] = run(warehouse, expand_sql(reference, values))["data"]
                [fast] = run(warehouse, expand_sql(q.target["rawSql"], values))["data"]
                assert [int(v) for v in fast.values()] == [int(expected["documents"])], (
                    q.where,
                    len(chosen),
                )
                assert int(expected["documents"]) > 0, (q.where, len(chosen))
            checked += 1
            continue
        shape = CHANGE_TABLE_PANELS.get(q.panel.get("title", ""))
        if shape is None:
            continue
        labels, label_column, count_column, limit = shape
        values = {**variable_values[q.dashboard], "dates": [dates]}
        variable = "initiative" if labels == "initiatives" else "actor"
        added = ("quad", "in-jp.critical-minerals-jwg", "jp.toshimitsu-motegi", "in.s-jaishankar")
        values[variable] = sorted({*values[variable], *added})
        reference = BY_LATEST_CLASSIFICATION.format(labels=labels, variable=variable)
        expected = {
            r["label"]: int(r["documents"])
            for r in run(warehouse, expand_sql(reference, values))["data"]
        }
        fast = run(warehouse, expand_sql(q.target["rawSql"], values))["data"]
        assert expected and fast, q.where
        if label_column is None:  # a count of the labels with documents
            assert [int(v) for v in fast[0].values()] == [len(expected)], q.where
        else:
            listed = [(r[label_column], int(r[count_column])) for r in fast]
            ranked = sorted(expected.items(), key=lambda item: (-item[1], item[0]))
            assert listed == ranked[:limit], q.where
        checked += 1
    assert checked == len(CHANGE_TABLE_PANELS) + len(DOCUMENT_COUNT_PANELS) + len(ROW_PANELS) + 1
