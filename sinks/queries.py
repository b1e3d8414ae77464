"""The analyst query library behind `policywatch query` (and the docs' examples).

Each query is SQL with ClickHouse parameters, built from :class:`QueryFilters`
without formatting any user value into the text. Queries read the latest
classifier version of each document (``latest_mentions``) and count distinct
documents, so re-classification and duplicates never inflate a number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from schemas.errors import PolicywatchError
from sinks.warehouse.base import Warehouse

Interval = Literal["hour", "day", "week", "month"]
_BUCKET = {"hour": "toStartOfHour", "day": "toDate", "week": "toMonday", "month": "toStartOfMonth"}


class QueryError(PolicywatchError):
    reason = "invalid_query"


@dataclass(frozen=True)
class QueryFilters:
    """What a report is narrowed to. ``country`` is an actor's own country (the actors'
    reports); ``doc_country`` a country the documents concern (any country they name)."""

    since: date | None = None
    until: date | None = None
    initiative: str | None = None
    actor: str | None = None
    country: str | None = None
    doc_country: str | None = None
    interval: Interval = "week"
    limit: int = 50
    today: date | None = None
    due_within_days: int = 60


Built = tuple[str, dict[str, Any]]


def _where(
    f: QueryFilters, column: str = "occurred_at", alias: str = ""
) -> tuple[str, dict[str, Any]]:
    """Time and label filters shared by the queries, as SQL and parameters."""
    prefix = f"{alias}." if alias else ""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if f.since:
        parts.append(f"{prefix}{column} >= {{since:Date}}")
        params["since"] = f.since.isoformat()
    if f.until:
        parts.append(f"{prefix}{column} < {{until_next:Date}}")
        params["until_next"] = (f.until + timedelta(days=1)).isoformat()
    if f.doc_country:
        parts.append(
            f"{prefix}document_id IN (SELECT document_id FROM classifications "
            "WHERE has(countries, {doc_country:String}))"
        )
        params["doc_country"] = f.doc_country.upper()
    return (" AND ".join(parts) or "1"), params


def _doc_filter(label_type: str, key: str, alias: str) -> str:
    prefix = f"{alias}." if alias else ""
    return (
        f"{prefix}document_id IN (SELECT document_id FROM latest_mentions "
        f"WHERE label_type = '{label_type}' AND label_id = {{{key}:String}})"
    )


def trends(f: QueryFilters) -> Built:
    where, params = _where(f)
    extra = ""
    if f.initiative:
        extra += " AND label_id = {initiative:String}"
        params["initiative"] = f.initiative
    if f.actor:
        extra += " AND " + _doc_filter("actor", "actor", "")
        params["actor"] = f.actor
    sql = f"""
SELECT {_BUCKET[f.interval]}(occurred_at) AS period, label_id AS initiative,
       any(label_name) AS name, uniqExact(document_id) AS documents
FROM latest_mentions
WHERE label_type = 'initiative' AND {where}{extra}
GROUP BY period, initiative
ORDER BY period, documents DESC, initiative
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit * 20}


def actors(f: QueryFilters) -> Built:
    where, params = _where(f)
    extra = ""
    if f.initiative:
        extra = " AND " + _doc_filter("initiative", "initiative", "")
        params["initiative"] = f.initiative
    if f.actor:
        extra += " AND label_id = {actor:String}"
        params["actor"] = f.actor
    if f.country:  # qualified: the result column ``country`` (any(country)) shadows it
        extra += " AND latest_mentions.country = {country:String}"
        params["country"] = f.country.upper()
    sql = f"""
SELECT label_id AS actor, any(label_name) AS name, anyLast(role) AS role,
       any(country) AS country, uniqExact(document_id) AS documents,
       max(occurred_at) AS last_seen
FROM latest_mentions
WHERE label_type = 'actor' AND {where}{extra}
GROUP BY label_id
ORDER BY documents DESC, actor
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


def initiative(f: QueryFilters) -> Built:
    """Who speaks for an initiative: actors in the documents that mention it."""
    if not f.initiative:
        raise QueryError("`query initiative` needs --initiative ID (see `query trends`)")
    return actors(QueryFilters(**{**f.__dict__, "actor": None}))


def cooccurrence(f: QueryFilters) -> Built:
    where, params = _where(f, alias="i")
    extra = ""
    if f.initiative:
        extra += " AND i.label_id = {initiative:String}"
        params["initiative"] = f.initiative
    if f.actor:
        extra += " AND a.label_id = {actor:String}"
        params["actor"] = f.actor
    if f.country:
        extra += " AND a.country = {country:String}"
        params["country"] = f.country.upper()
    sql = f"""
SELECT i.label_id AS initiative, a.label_id AS actor, any(a.label_name) AS actor_name,
       uniqExact(i.document_id) AS documents
FROM latest_mentions AS i
INNER JOIN latest_mentions AS a
    ON a.document_id = i.document_id AND a.classifier_version = i.classifier_version
WHERE i.label_type = 'initiative' AND a.label_type = 'actor' AND {where}{extra}
GROUP BY initiative, actor
ORDER BY documents DESC, initiative, actor
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


def stories(f: QueryFilters) -> Built:
    where, params = _where(f, alias="s")
    extra = ""
    if f.initiative:
        extra = " AND " + _doc_filter("initiative", "initiative", "s")
        params["initiative"] = f.initiative
    sql = f"""
SELECT s.story_id AS story_id, uniqExact(s.document_id) AS documents,
       uniqExact(s.source_id) AS sources, min(s.occurred_at) AS first_seen,
       max(s.occurred_at) AS last_seen, argMin(s.title, s.occurred_at) AS title
FROM stories AS s
INNER JOIN latest_classifications AS l
    ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
WHERE {where}{extra}
GROUP BY story_id
ORDER BY documents DESC, last_seen DESC
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


def commitments(f: QueryFilters) -> Built:
    """Commitments by status against ``today``: overdue, due soon (within N days), later."""
    today = f.today or date.today()
    params: dict[str, Any] = {
        "today": today.isoformat(),
        "soon": f.due_within_days,
        "limit": f.limit,
    }
    parts = ["1"]
    if f.since:
        parts.append("c.due_to >= {since:Date}")
        params["since"] = f.since.isoformat()
    if f.until:
        parts.append("c.due_from <= {until:Date}")
        params["until"] = f.until.isoformat()
    if f.initiative:
        parts.append("c.initiative = {initiative:String}")
        params["initiative"] = f.initiative
    sql = f"""
SELECT c.initiative AS initiative, c.due_text AS due_text, c.due_from AS due_from,
       c.due_to AS due_to,
       multiIf(c.due_to < {{today:Date}}, 'overdue',
               c.due_from <= {{today:Date}} + {{soon:UInt32}}, 'due soon', 'later') AS status,
       any(c.action) AS action, uniqExact(c.document_id) AS documents,
       min(c.occurred_at) AS first_reported
FROM commitments AS c
INNER JOIN latest_classifications AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
WHERE {" AND ".join(parts)}
GROUP BY initiative, due_text, due_from, due_to
ORDER BY due_to, initiative
LIMIT {{limit:UInt32}}"""
    return sql, params


def sources(f: QueryFilters) -> Built:
    where, params = _where(f, column="observed_at", alias="d")
    sql = f"""
SELECT d.source_id AS source, any(d.source_kind) AS kind, uniqExact(d.document_id) AS documents,
       uniqExactIf(d.document_id, c.relevant = 1) AS relevant,
       max(d.published_at) AS last_published, max(d.observed_at) AS last_observed
FROM documents AS d
LEFT JOIN (SELECT document_id, max(relevant) AS relevant FROM classifications
           GROUP BY document_id) AS c ON c.document_id = d.document_id
WHERE {where}
GROUP BY source
ORDER BY documents DESC, source
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


def deadletter(f: QueryFilters) -> Built:
    where, params = _where(QueryFilters(since=f.since, until=f.until), column="observed_at")
    sql = f"""
SELECT stage, reason, count() AS records, max(observed_at) AS last_seen,
       argMax(error, observed_at) AS latest_error
FROM (SELECT * FROM deadletter FINAL)
WHERE {where}
GROUP BY stage, reason
ORDER BY records DESC, stage, reason
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


QUERIES: dict[str, Callable[[QueryFilters], Built]] = {
    "trends": trends,
    "actors": actors,
    "initiative": initiative,
    "cooccurrence": cooccurrence,
    "stories": stories,
    "commitments": commitments,
    "sources": sources,
    "deadletter": deadletter,
}


#: the optional filters each report applies; any other one given is refused, not ignored
_ACTORS = frozenset({"since", "until", "initiative", "actor", "country", "doc_country"})
APPLIES: dict[str, frozenset[str]] = {
    "trends": frozenset({"since", "until", "initiative", "actor", "doc_country"}),
    "actors": _ACTORS,
    "initiative": _ACTORS,
    "cooccurrence": _ACTORS,
    "stories": frozenset({"since", "until", "initiative", "doc_country"}),
    "commitments": frozenset({"since", "until", "initiative"}),
    "sources": frozenset({"since", "until", "doc_country"}),
    "deadletter": frozenset({"since", "until"}),
}
_OPTIONAL = ("since", "until", "initiative", "actor", "country", "doc_country")
_FLAG = {"doc_country": "--doc-country"}


def check_filters(name: str, filters: QueryFilters) -> None:
    """QueryError for an unknown report, or options given that it does not filter by."""
    if name not in QUERIES:
        raise QueryError(f"unknown query {name!r}; choose one of {sorted(QUERIES)}")
    unused = [
        _FLAG.get(f, f"--{f}")
        for f in _OPTIONAL
        if getattr(filters, f) is not None and f not in APPLIES[name]
    ]
    if unused:
        hint = (
            "; --country is an actor's own country (actors, initiative, cooccurrence), "
            "--doc-country a country the documents concern"
            if "--country" in unused or "--doc-country" in unused
            else ""
        )
        raise QueryError(f"`query {name}` does not filter by {', '.join(unused)}{hint}")


def run_query(warehouse: Warehouse, name: str, filters: QueryFilters) -> list[dict[str, Any]]:
    check_filters(name, filters)
    sql, params = QUERIES[name](filters)
    return warehouse.query(sql, params=params)
