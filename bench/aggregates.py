"""The fast counts against a raw GROUP BY, over synthetic mentions generated inside chDB.

For ``mentions`` mentions (4 per document: 2 initiatives and 2 actors of 60 each, an
actor speaking for one of 4 countries, a document every 13 s from 2025-01-01, 20 sources,
one document in ten not relevant, 3 documents per story) the tables the sink writes are
filled as the sink would fill them: ``mentions``, ``classifications`` and ``stories``
rows, and one marker and one +1 row per counted key in ``label_changes`` (labels, actors'
countries, source, relevant source, naming any initiative, in a story) and
``co_mention_changes``, and one live row per story in
``story_ranks``, with the churn the sink leaves before merges: the newest 10,000 stories
also hold the row they had before their last report, and its cancel row. Each query pair
answers the same question; the baseline is the cheapest raw form (``count()``, not a
distinct count) on the rows themselves, except for the dashboards' panels (the actor
table, actors by country, relevance by source, documents naming the selected initiatives,
documents in stories), whose baseline is the query the panel ran before (distinct
documents over ``latest_mentions``, the classifications, the stories or the changes). The
last two run the panel's own SQL from its dashboard, the variable at All. The
stories' rows time the ``story_summaries`` view over every story and the stories
dashboard's list (``story_summaries_between`` over the last 30 days of the data), against
the raw GROUP BY of the stories table.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from sinks.read_model import analyst_queries
from sinks.read_model.report_filters import Built, QueryFilters
from sinks.story_ranks import COLUMNS
from sinks.warehouse.chdb_driver import ChdbWarehouse

GOAL_RATIO = 0.10  # the fast query's p50 at most this share of the raw one's
_T0 = "toDateTime64('2025-01-01 00:00:00', 3, 'UTC')"
_CHUNK = 20_000_000  # rows per INSERT: bounded memory at 100M


def _label(n: str) -> str:
    """The label id of mention number ``n`` (SQL): initiatives for n % 4 < 2; a document's
    two initiatives (two actors) differ, as labels of one document do."""
    return (
        f"concat(if(({n}) % 4 < 2, 'i', 'a'), "
        f"toString((cityHash64(intDiv(({n}), 4)) + (({n}) % 4) * 17) % 60))"
    )


def _country(label: str) -> str:
    """The country an actor speaks for (SQL): one of four, by its number."""
    return f"['IN', 'JP', 'US', 'AU'][toUInt32(substring({label}, 2)) % 4 + 1]"


def _source(doc: str) -> str:
    return f"concat('s', toString(({doc}) % 20))"


def _relevant(doc: str) -> str:
    """One document in ten matched nothing the taxonomy names (SQL, 0 or 1)."""
    return f"toUInt8(({doc}) % 10 != 0)"


def _when(doc: str) -> str:
    return f"{_T0} + toIntervalSecond({doc} * 13)"


def _insert(warehouse: ChdbWarehouse, sql: str, rows: int) -> None:
    for lo in range(0, rows, _CHUNK):
        count = min(_CHUNK, rows - lo)
        warehouse.command(sql.format(lo=lo, count=count), settings={"max_insert_threads": 2})


def load(warehouse: ChdbWarehouse, mentions: int) -> float:
    """Fill the tables for ``mentions`` mentions; returns the seconds it took."""
    started = time.perf_counter()
    docs = mentions // 4
    _insert(
        warehouse,
        "INSERT INTO mentions (occurred_at, document_id, revision, classifier_version, "
        "label_type, label_id, label_name, role, country, confidence, evidence_count, "
        "source_id, source_kind, story_id) "
        f"SELECT {_when('intDiv(number, 4)')}, concat('q', toString(intDiv(number, 4))), 'r1', "
        f"'c1', if(number % 4 < 2, 'initiative', 'actor'), {_label('number')}, 'name', '', "
        f"if(number % 4 < 2, '', {_country(_label('number'))}), 0.9, 1, "
        f"{_source('intDiv(number, 4)')}, 'news', "
        "concat('st', toString(intDiv(number, 12))) FROM numbers({lo}, {count})",
        mentions,
    )
    _insert(
        warehouse,
        "INSERT INTO label_changes (document_id, classified_at, event_id, sign, day, hour, "
        "label_type, label_id, country, source_kind, date_source) "
        f"SELECT concat('q', toString(number)), {_T0}, 'e', if(k.1 = '', 0, 1), "
        f"toDate({_when('number')}), toStartOfHour({_when('number')}), k.1, k.2, k.3, "
        "'news', 'record' FROM numbers({lo}, {count}) ARRAY JOIN arrayConcat("
        "[tuple('', '', ''), "
        f"tuple('initiative', {_label('number * 4')}, ''), "
        f"tuple('initiative', {_label('number * 4 + 1')}, ''), "
        f"tuple('actor', {_label('number * 4 + 2')}, {_country(_label('number * 4 + 2'))}), "
        f"tuple('actor', {_label('number * 4 + 3')}, {_country(_label('number * 4 + 3'))}), "
        f"tuple('source', {_source('number')}, '')], "
        f"if({_relevant('number')}, [tuple('relevant_source', {_source('number')}, '')], []), "
        "[tuple('initiatives', '', ''), tuple('story', '', '')], "
        "arrayMap(c -> tuple('actor_country', c, c), arrayDistinct(["
        f"{_country(_label('number * 4 + 2'))}, {_country(_label('number * 4 + 3'))}]))) AS k",
        docs,
    )
    pairs = (
        "arrayFlatten(arrayMap(i -> arrayMap(a -> tuple(i, a), "
        f"[{_label('number * 4 + 2')}, {_label('number * 4 + 3')}]), "
        f"[{_label('number * 4')}, {_label('number * 4 + 1')}]))"
    )
    _insert(
        warehouse,
        "INSERT INTO classifications (document_id, revision, classifier_version, "
        "taxonomy_version, event_id, source_id, source_kind, occurred_at, observed_at, "
        "classified_at, relevant, story_id, countries, initiatives, actors, labels, "
        "commitments, truncated, date_source) "
        "SELECT concat('q', toString(number)), 'r1', 'c1', 't1', 'e', "
        f"{_source('number')}, 'news', {_when('number')}, {_T0}, {_T0}, {_relevant('number')}, "
        f"concat('st', toString(intDiv(number, 3))), ['JP'], "
        f"[{_label('number * 4')}, {_label('number * 4 + 1')}], "
        f"[{_label('number * 4 + 2')}, {_label('number * 4 + 3')}], '', '', 0, 'record' "
        "FROM numbers({lo}, {count})",
        docs,
    )
    _insert(
        warehouse,
        "INSERT INTO co_mention_changes (document_id, classified_at, event_id, sign, day, "
        "initiative, actor, date_source, occurred_at, role, actor_name, country) "
        f"SELECT concat('q', toString(number)), {_T0}, 'e', if(p.1 = '', 0, 1), "
        f"toDate({_when('number')}), p.1, p.2, 'record', {_when('number')}, '', "
        f"if(p.2 = '', '', 'name'), if(p.2 = '', '', {_country('p.2')}) "
        f"FROM numbers({{lo}}, {{count}}) ARRAY JOIN arrayConcat([tuple('', '')], {pairs}) AS p",
        docs,
    )
    _insert(
        warehouse,
        "INSERT INTO stories (story_id, document_id, revision, classifier_version, title, "
        "source_id, source_kind, occurred_at) "
        "SELECT concat('st', toString(intDiv(number, 3))), concat('q', toString(number)), "
        f"'r1', 'c1', 'title', {_source('number')}, 'news', {_when('number')} "
        "FROM numbers({lo}, {count})",
        docs,
    )
    _load_story_ranks(warehouse)
    return time.perf_counter() - started


_CHURNED = 10_000  # the newest stories also hold an earlier row, and its cancel row


def _load_story_ranks(warehouse: ChdbWarehouse) -> None:
    """One live row per story, as the sink writes them (sinks/story_ranks.py), and for
    the newest stories the row they held before their last report, cancelled."""
    summary = (
        "SELECT story_id, 'title' AS title, argMin(document_id, occurred_at) AS title_document, "
        "min(occurred_at) AS first_seen, max(occurred_at) AS last_seen, "
        "count() AS documents, uniqExact(source_id) AS sources, "
        "CAST([], 'Array(String)') AS languages, toUInt8(0) AS official, "
        "min(occurred_at) AS first_dated FROM stories"
    )
    warehouse.command(
        f"INSERT INTO story_ranks SELECT story_id, cityHash64(story_id, {COLUMNS}), 1, "
        f"{COLUMNS} FROM ({summary} GROUP BY story_id)",
        settings={"max_insert_threads": 2},
    )
    recent = f"SELECT story_id FROM stories ORDER BY occurred_at DESC LIMIT {_CHURNED * 3}"
    last_reports = (
        "SELECT argMax(document_id, occurred_at) FROM stories "
        f"WHERE story_id IN ({recent}) GROUP BY story_id"
    )
    earlier = (
        f"{summary} WHERE story_id IN ({recent}) AND document_id NOT IN ({last_reports}) "
        "GROUP BY story_id"
    )
    for sign in (1, -1):  # held, then cancelled when the last report joined
        warehouse.command(
            f"INSERT INTO story_ranks SELECT story_id, cityHash64(story_id, {COLUMNS}), "
            f"{sign}, "
            f"{COLUMNS} FROM ({earlier})"
        )


#: question -> (fast query, raw baseline)
QUERIES: dict[str, tuple[str, str]] = {
    "trend (initiatives per week)": (
        "SELECT toMonday(day) AS week, label_id, sum(sign) AS n FROM label_changes "
        "WHERE label_type = 'initiative' GROUP BY week, label_id HAVING n > 0 "
        "ORDER BY week, n DESC, label_id",
        "SELECT toMonday(occurred_at) AS week, label_id, count() AS n FROM mentions "
        "WHERE label_type = 'initiative' GROUP BY week, label_id ORDER BY week, n DESC, label_id",
    ),
    "top actors": (
        "SELECT label_id, sum(sign) AS n FROM label_changes WHERE label_type = 'actor' "
        "GROUP BY label_id HAVING n > 0 ORDER BY n DESC, label_id LIMIT 20",
        "SELECT label_id, count() AS n FROM mentions WHERE label_type = 'actor' "
        "GROUP BY label_id ORDER BY n DESC, label_id LIMIT 20",
    ),
    # the actor dashboard's table: counts from the change tables, each listed actor's name,
    # role, country and last mention from its mentions (before: all from latest_mentions)
    "actor table (dashboard)": (
        "SELECT actor, name, role, country, documents, last_seen FROM ("
        "SELECT label_id AS actor, sum(sign) AS documents FROM label_changes "
        "WHERE label_type = 'actor' GROUP BY actor HAVING documents > 0 "
        "ORDER BY documents DESC, actor LIMIT 50) AS counted LEFT JOIN ("
        "SELECT label_id AS actor, any(label_name) AS name, "
        "argMaxIf(role, occurred_at, role != '') AS role, any(country) AS country, "
        "max(occurred_at) AS last_seen FROM mentions WHERE label_type = 'actor' "
        "GROUP BY actor) AS seen USING actor ORDER BY documents DESC, actor",
        "SELECT label_id AS actor, any(label_name) AS name, anyLast(role) AS role, "
        "any(country) AS country, uniqExact(document_id) AS documents, "
        "max(occurred_at) AS last_seen FROM latest_mentions WHERE label_type = 'actor' "
        "GROUP BY label_id ORDER BY documents DESC, actor LIMIT 50",
    ),
    # the actor dashboard's countries: documents naming an actor of each, and its actors
    # (before: distinct counts over latest_mentions)
    "actors by country (dashboard)": (
        "SELECT country, documents, actors FROM ("
        "SELECT label_id AS country, sum(sign) AS documents FROM label_changes "
        "WHERE label_type = 'actor_country' GROUP BY country HAVING documents > 0) AS counted "
        "LEFT JOIN (SELECT country, count() AS actors FROM ("
        "SELECT country, label_id, sum(sign) AS named FROM label_changes "
        "WHERE label_type = 'actor' AND country != '' GROUP BY country, label_id "
        "HAVING named > 0) GROUP BY country) AS selected USING country "
        "ORDER BY documents DESC, country",
        "SELECT country, uniqExact(document_id) AS documents, uniqExact(label_id) AS actors "
        "FROM latest_mentions WHERE label_type = 'actor' AND country != '' "
        "GROUP BY country ORDER BY documents DESC, country",
    ),
    # the sources dashboard's relevance per source (before: distinct counts over the
    # classifications, FINAL)
    "relevance by source (dashboard)": (
        "SELECT source, classified, relevant_documents, "
        "round(relevant_documents / classified, 2) AS share FROM ("
        "SELECT label_id AS source, sumIf(documents, label_type = 'source') AS classified, "
        "sumIf(documents, label_type = 'relevant_source') AS relevant_documents FROM ("
        "SELECT label_type, label_id, sum(sign) AS documents FROM label_changes "
        "WHERE label_type IN ('source', 'relevant_source') GROUP BY label_type, label_id) "
        "GROUP BY source) WHERE classified > 0 ORDER BY classified DESC, source",
        "SELECT source_id AS source, uniqExact(document_id) AS classified, "
        "uniqExactIf(document_id, relevant = 1) AS relevant_documents, "
        "round(relevant_documents / classified, 2) AS share FROM classifications FINAL "
        "GROUP BY source ORDER BY classified DESC, source",
    ),
    "co-mentions (top pairs)": (
        "SELECT initiative, actor, sum(sign) AS n FROM co_mention_changes "
        "WHERE initiative != '' GROUP BY initiative, actor HAVING n > 0 "
        "ORDER BY n DESC, initiative, actor LIMIT 25",
        "SELECT i AS initiative, a AS actor, count() AS n FROM classifications "
        "ARRAY JOIN initiatives AS i ARRAY JOIN actors AS a GROUP BY initiative, actor "
        "ORDER BY n DESC, initiative, actor LIMIT 25",
    ),
    # the most widely reported stories, the latest first among equals (the dashboard's order)
    "stories (documents, sources)": (
        "SELECT story_id, documents, sources FROM story_summaries "
        "ORDER BY sources DESC, documents DESC, last_seen DESC, story_id DESC LIMIT 20",
        "SELECT story_id, count() AS documents, uniqExact(source_id) AS sources FROM stories "
        "GROUP BY story_id "
        "ORDER BY sources DESC, documents DESC, max(occurred_at) DESC, story_id DESC LIMIT 20",
    ),
    # the stories dashboard's list: the stories seen in the last 30 days of the data
    "stories of the last 30 days": (
        "SELECT story_id, documents, sources FROM story_summaries_between(since = {since}, "
        "until = {until}) "
        "ORDER BY sources DESC, documents DESC, last_seen DESC, story_id DESC LIMIT 20",
        "SELECT story_id, count() AS documents, uniqExact(source_id) AS sources FROM stories "
        "GROUP BY story_id HAVING min(occurred_at) <= {until} AND max(occurred_at) >= {since} "
        "ORDER BY sources DESC, documents DESC, max(occurred_at) DESC, story_id DESC LIMIT 20",
    ),
}
DASHBOARDS = Path(__file__).resolve().parent.parent / "ops" / "grafana" / "dashboards"


def _panel(dashboard: str, title: str, **variables: str) -> str:
    """A panel's SQL as Grafana would send it over all time, ``variables`` filled in."""
    found = json.loads((DASHBOARDS / dashboard).read_text(encoding="utf-8"))
    [panel] = [p for p in found["panels"] if p.get("title") == title]
    sql = str(panel["targets"][0]["rawSql"])
    for macro, value in (
        ("$__fromTime", "toDateTime(0)"),
        ("$__toTime", "toDateTime(4102444800)"),
        ("${dates}", "all"),
        *((f"${{{name}:singlequote}}", value) for name, value in variables.items()),
    ):
        sql = sql.replace(macro, value)
    return sql.replace("{", "{{").replace("}", "}}")  # formatted with the period below


_ALL_INITIATIVES = ", ".join(f"'i{n}'" for n in range(60))  # the variable's All: every one
# the trends dashboard's stat and the stories dashboard's total (before: each document once
# over the changes of every initiative; distinct documents over the stories)
QUERIES |= {
    "documents naming any initiative (dashboard)": (
        _panel(
            "initiative-trends.json",
            "Documents mentioning the selected initiatives",
            initiative=_ALL_INITIATIVES,
        ),
        "SELECT toUInt64(count()) AS documents FROM (SELECT document_id FROM label_changes "
        "WHERE label_type = 'initiative' GROUP BY document_id HAVING sum(sign) > 0)",
    ),
    "documents in stories (dashboard)": (
        _panel("stories.json", "Documents in stories"),
        "SELECT toUInt64(uniqExact(document_id)) AS documents FROM stories",
    ),
}
PERIOD_DAYS = 30  # the period of "stories of the last 30 days", ending at the last document
#: `policywatch query` reports (sinks.read_model.analyst_queries): question -> (report,
#: filters); each against the same report counted over ``latest_mentions``
REPORTS: dict[str, tuple[str, QueryFilters]] = {
    "query actors (CLI)": ("actors", QueryFilters(limit=20)),
    "query initiative (CLI)": ("initiative", QueryFilters(initiative="i7", limit=20)),
}


def _report(name: str, filters: QueryFilters) -> tuple[Built, Built]:
    """The report's SQL and parameters as it runs, and over the mentions."""
    exact = "actors" if name == "initiative" else name
    return analyst_queries.QUERIES[name](filters), getattr(
        analyst_queries, f"{exact}_over_mentions"
    )(filters)


BUDGET_S = 20.0  # per query: a slow one runs fewer times (at least 3)


def _timed(run: Callable[[], Any], repeat: int) -> tuple[float, int]:
    """p50 in ms and how many runs it is of."""
    times: list[float] = []
    while len(times) < repeat and (len(times) < 3 or sum(times) < BUDGET_S):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, len(times)


def measure(warehouse: ChdbWarehouse, mentions: int, repeat: int) -> dict[str, Any]:
    """Load, check each pair agrees, time both; one dict per question."""
    load_s = load(warehouse, mentions)
    newest = warehouse.query("SELECT max(occurred_at) AS m FROM stories")[0]["m"]
    last = f"toDateTime64('{newest}', 3)"
    period = {"since": f"{last} - toIntervalDay({PERIOD_DAYS})", "until": last}
    pairs: dict[str, tuple[Built, Built]] = {
        question: ((fast.format(**period), {}), (raw.format(**period), {}))
        for question, (fast, raw) in QUERIES.items()
    }
    pairs |= {question: _report(*report) for question, report in REPORTS.items()}
    rows: list[dict[str, Any]] = []
    for question, ((fast, fast_params), (raw, raw_params)) in pairs.items():
        run_fast = partial(warehouse.query, fast, params=fast_params)
        run_raw = partial(warehouse.query, raw, params=raw_params)
        if run_fast() != run_raw():
            raise AssertionError(f"{question}: the fast query and the raw one disagree")
        fast_ms, fast_runs = _timed(run_fast, repeat)
        raw_ms, raw_runs = _timed(run_raw, repeat)
        rows.append(
            {
                "question": question,
                "fast_p50_ms": round(fast_ms, 1),
                "raw_p50_ms": round(raw_ms, 1),
                "ratio": round(fast_ms / raw_ms, 3),
                "runs": min(fast_runs, raw_runs),
                "met": fast_ms <= GOAL_RATIO * raw_ms,
            }
        )
        print(
            f"{mentions:>12,} mentions  {question:<30} fast {fast_ms:8.1f} ms  "
            f"raw {raw_ms:8.1f} ms  ({fast_ms / raw_ms:.1%})",
            flush=True,
        )
    return {"mentions": mentions, "load_seconds": round(load_s, 1), "queries": rows}
