"""The query library and every query of docs/SQL.md, on a real chDB with fixture data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ops.api.known_labels import unknown_ids
from ops.settings import load_settings
from sinks.read_model import analyst_queries
from sinks.read_model.analyst_queries import APPLIES, QUERIES, QueryError, run_query
from sinks.read_model.report_filters import QueryFilters
from sinks.warehouse.chdb_driver import ChdbWarehouse
from tests.conftest import REPO
from tests.warehouse_fixture import load_fixture

SQL_DOC = (REPO / "docs" / "SQL.md").read_text(encoding="utf-8")
DOC_QUERIES = re.findall(r"### (\d+)\. (.+?)\n```sql\n(.+?)```", SQL_DOC, re.S)
# Queries whose answer depends on the wall clock may legitimately be empty on sample data.
MAY_BE_EMPTY = {
    "Open commitments due in the next 90 days",
    "Documents classified under more than one taxonomy version",
}


@pytest.fixture(scope="module")
def warehouse(chdb_dir) -> Iterator[ChdbWarehouse]:  # type: ignore[no-untyped-def]
    wh = ChdbWarehouse(chdb_dir, database="queries_fixture")
    wh.command("DROP DATABASE IF EXISTS queries_fixture")
    wh = ChdbWarehouse(chdb_dir, database="queries_fixture")
    load_fixture(wh)
    yield wh
    wh.command("DROP DATABASE IF EXISTS queries_fixture")


def test_the_docs_show_at_least_fifteen_queries() -> None:
    assert len(DOC_QUERIES) >= 15
    assert [int(n) for n, _, _ in DOC_QUERIES] == list(range(1, len(DOC_QUERIES) + 1))


@pytest.mark.parametrize(
    ("number", "title", "sql"), DOC_QUERIES, ids=[t for _, t, _ in DOC_QUERIES]
)
def test_documented_query_runs(warehouse: ChdbWarehouse, number: str, title: str, sql: str) -> None:
    rows = warehouse.query(sql)
    if title not in MAY_BE_EMPTY:
        assert rows, f"query {number} ({title}) returned nothing on the fixture data"


# What queries 3 and 5 answered when they counted distinct documents over every mention of
# each document's latest classifier version (seconds over millions of mentions).
DISTINCT_COUNTS = {
    "Who speaks for an initiative": """
        SELECT a.label_id AS actor, any(a.label_name) AS name, uniqExact(a.document_id) AS documents
        FROM latest_mentions AS a
        WHERE a.label_type = 'actor'
          AND a.document_id IN (SELECT document_id FROM latest_mentions
                                WHERE label_type = 'initiative' AND label_id = 'quad')
        GROUP BY actor ORDER BY documents DESC, actor
    """,
    "Actors by country": """
        SELECT country, uniqExact(label_id) AS actors, uniqExact(document_id) AS documents
        FROM latest_mentions
        WHERE label_type = 'actor' AND country != ''
        GROUP BY country ORDER BY documents DESC, country
    """,
}


@pytest.mark.parametrize("title", sorted(DISTINCT_COUNTS))
def test_documented_sums_equal_the_distinct_counts(warehouse: ChdbWarehouse, title: str) -> None:
    """On data without re-classifications both definitions agree."""
    [sql] = [sql for _, t, sql in DOC_QUERIES if t == title]
    named = title.startswith("Who")
    rows = warehouse.query(sql)
    fast = [
        (str(r["actor"]), str(r["documents"])) if named else tuple(map(str, r.values()))
        for r in rows
    ]
    reference = warehouse.query(DISTINCT_COUNTS[title])
    distinct = [
        (str(r["actor"]), str(r["documents"])) if named else tuple(map(str, r.values()))
        for r in reference
    ]
    assert distinct and fast == distinct
    if named:  # any one of the names the actor is mentioned under (any() picks one)
        names = warehouse.query(
            "SELECT label_id, groupUniqArray(label_name) AS names FROM mentions "
            "WHERE label_type = 'actor' GROUP BY label_id"
        )
        known = {str(r["label_id"]): set(r["names"]) for r in names}
        assert all(r["name"] in known[str(r["actor"])] for r in rows)


SINCE, UNTIL = date(2025, 1, 1), date(2026, 12, 31)
SUMMED = [
    ("trends", {}),
    ("trends", {"interval": "hour"}),
    ("trends", {"interval": "day", "include_observed": True}),
    ("trends", {"interval": "month", "initiative": "quad", "since": SINCE, "until": UNTIL}),
    ("actors", {}),
    ("actors", {"country": "jp", "since": SINCE, "until": UNTIL}),
    ("actors", {"actor": "in.s-jaishankar"}),
    ("actors", {"initiative": "in-jp.critical-minerals-jwg"}),
    ("cooccurrence", {}),
    ("cooccurrence", {"initiative": "quad", "since": SINCE, "until": UNTIL}),
    ("cooccurrence", {"actor": "jp.toshimitsu-motegi"}),
]


@pytest.mark.parametrize(("name", "given"), SUMMED, ids=[f"{n}-{sorted(g)}" for n, g in SUMMED])
def test_summed_reports_answer_as_the_distinct_counts(
    warehouse: ChdbWarehouse, name: str, given: dict[str, object]
) -> None:
    """Where the filters are keys of the change tables the report sums them; on data
    without re-classifications that is what counting distinct documents gives. Names,
    roles and last mentions are details read from the listed labels' mentions."""
    filters = QueryFilters(**given, limit=500)  # type: ignore[arg-type]
    summed_sql, params = QUERIES[name](filters)
    assert "_changes" in summed_sql and "latest_mentions" not in summed_sql
    exact_sql, exact_params = getattr(analyst_queries, f"{name}_over_mentions")(filters)
    summed = counted(warehouse.query(summed_sql, params=params))
    exact = counted(warehouse.query(exact_sql, params=exact_params))
    assert exact and summed == exact


def counted(rows: list[dict[str, Any]]) -> list[list[str]]:
    details = {"name", "actor_name", "role", "last_seen"}
    return [[str(v) for k, v in r.items() if k not in details] for r in rows]


def test_country_among_co_mentions_is_the_actors_own(warehouse: ChdbWarehouse) -> None:
    """``--country`` among an initiative's actors, or in co-mentions, is the actor's own
    country (the synthetic reports of the fixture name actors without one)."""
    indian = {r["actor"] for r in run_query(warehouse, "actors", QueryFilters(country="IN"))}
    assert indian and all(a.startswith("in.") for a in indian)
    for name, given in (("initiative", {"initiative": "quad"}), ("cooccurrence", {})):
        every = run_query(warehouse, name, QueryFilters(**given, limit=500))  # type: ignore[arg-type]
        of_india = run_query(warehouse, name, QueryFilters(**given, country="in", limit=500))  # type: ignore[arg-type]
        assert of_india and of_india == [r for r in every if r["actor"] in indian], name


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("trends", {"actor": "in.s-jaishankar"}),
        ("actors", {"doc_country": "JP"}),
        ("cooccurrence", {"doc_country": "IN"}),
    ],
)
def test_filters_the_change_tables_lack_count_over_the_mentions(
    warehouse: ChdbWarehouse, name: str, given: dict[str, str]
) -> None:
    sql, _ = QUERIES[name](QueryFilters(**given))  # type: ignore[arg-type]
    assert "latest_mentions" in sql and "_changes" not in sql
    assert run_query(warehouse, name, QueryFilters(**given))  # type: ignore[arg-type]


def test_trends_count_distinct_documents_per_week(warehouse: ChdbWarehouse) -> None:
    filters = QueryFilters(initiative="quad", interval="month", include_observed=True)
    rows = run_query(warehouse, "trends", filters)
    assert rows and {r["initiative"] for r in rows} == {"quad"}
    direct = warehouse.query(
        "SELECT uniqExact(document_id) AS n, uniqExactIf(document_id, date_source != 'observed') "
        "AS dated FROM mentions WHERE label_type = 'initiative' AND label_id = 'quad'"
    )
    assert sum(int(r["documents"]) for r in rows) >= int(direct[0]["n"])
    dated = run_query(warehouse, "trends", QueryFilters(initiative="quad", interval="month"))
    assert 0 < sum(int(r["documents"]) for r in dated) == int(direct[0]["dated"])
    assert int(direct[0]["dated"]) < int(direct[0]["n"])  # the undated seeds are left out


def test_initiative_report_names_who_speaks_for_it(warehouse: ChdbWarehouse) -> None:
    rows = run_query(
        warehouse, "initiative", QueryFilters(initiative="in-jp.critical-minerals-jwg")
    )
    actors = {r["actor"] for r in rows}
    assert {"in.s-jaishankar", "jp.toshimitsu-motegi"} & actors
    with pytest.raises(QueryError, match="--initiative"):
        run_query(warehouse, "initiative", QueryFilters())


def test_every_report_runs_with_every_filter_it_applies(warehouse: ChdbWarehouse) -> None:
    given = {
        "since": date(2024, 1, 1),
        "until": date(2027, 1, 1),
        "country": "JP",
        "doc_country": "JP",
        "initiative": "quad",
        "actor": "jp.toshimitsu-motegi",
    }
    for name in QUERIES:
        applied = {k: v for k, v in given.items() if k in APPLIES[name]}
        filters = QueryFilters(**applied, interval="day", limit=5, today=date(2026, 1, 15))
        rows = run_query(warehouse, name, filters)
        assert len(rows) <= 5 * 20


@pytest.mark.parametrize(
    ("name", "given", "named"),
    [
        ("trends", {"country": "JP"}, "--country"),
        (
            "commitments",
            {"doc_country": "JP", "actor": "in.s-jaishankar"},
            "--actor, --doc-country",
        ),
        ("deadletter", {"initiative": "quad"}, "--initiative"),
        ("sources", {"actor": "in.s-jaishankar"}, "--actor"),
    ],
)
def test_a_filter_a_report_does_not_have_is_refused_not_ignored(
    warehouse: ChdbWarehouse, name: str, given: dict[str, str], named: str
) -> None:
    with pytest.raises(QueryError, match=f"`query {name}` does not filter by {named}"):
        run_query(warehouse, name, QueryFilters(**given))  # type: ignore[arg-type]


def test_actors_by_country_are_the_actors_of_that_country(warehouse: ChdbWarehouse) -> None:
    japanese = run_query(warehouse, "actors", QueryFilters(country="jp", limit=100))
    assert japanese and {r["country"] for r in japanese} == {"JP"}
    everyone = run_query(warehouse, "actors", QueryFilters(limit=1000))
    assert {r["actor"] for r in japanese} == {r["actor"] for r in everyone if r["country"] == "JP"}
    # documents concerning Japan mention Indian actors too: that is --doc-country
    in_japan_news = run_query(warehouse, "actors", QueryFilters(doc_country="JP", limit=100))
    assert {r["country"] for r in in_japan_news} > {"JP"}
    pairs = run_query(warehouse, "cooccurrence", QueryFilters(country="IN", limit=100))
    assert pairs and all(r["actor"].startswith("in.") for r in pairs)


def test_commitments_have_a_status_against_today(warehouse: ChdbWarehouse) -> None:
    rows = run_query(warehouse, "commitments", QueryFilters(today=date(2026, 1, 15)))
    assert rows
    assert {r["status"] for r in rows} <= {"open", "met", "overdue"}
    assert all(r["due_from"] <= r["due_to"] for r in rows)


def test_unknown_report_is_a_clear_error(warehouse: ChdbWarehouse) -> None:
    with pytest.raises(QueryError, match="choose one of"):
        run_query(warehouse, "nonsense", QueryFilters())


def test_report_ids_are_checked_against_the_taxonomy_then_the_warehouse(
    warehouse: ChdbWarehouse, tmp_path: Path
) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert unknown_ids(settings, warehouse, [("--initiative", "initiative", "quad")]) == []
    typo, surname = unknown_ids(
        settings,
        warehouse,
        [
            ("--initiative", "initiative", "quadd"),
            ("--actor", "actor", "motegi"),
            ("--country", "country", "jp"),
        ],
    )
    # the closest ids first; which others follow depends on the taxonomy of the day
    assert typo.startswith("--initiative: unknown initiative 'quadd'; did you mean quad")
    assert surname == "--actor: unknown actor 'motegi'; did you mean jp.toshimitsu-motegi?"
    # an id that only older classifications carry (dropped from the taxonomy since) is fine
    warehouse.insert_rows(
        "mentions",
        [
            {
                "occurred_at": "2025-01-01 00:00:00.000",
                "document_id": "d-retired",
                "revision": "r1",
                "classifier_version": "c-old",
                "label_type": "initiative",
                "label_id": "quad.retired-dialogue",
                "label_name": "Retired dialogue",
            }
        ],
    )
    retired = [("--initiative", "initiative", "quad.retired-dialogue")]
    assert unknown_ids(settings, warehouse, retired) == []
