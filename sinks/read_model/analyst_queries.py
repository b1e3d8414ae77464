"""The analyst query library behind `policywatch query` (and the docs' examples).

Each query is SQL with ClickHouse parameters, built from :class:`QueryFilters`
without formatting any user value into the text. Trends, actors and co-mentions sum the
change tables where their filters allow (sinks.read_model.summed_reports); otherwise,
and for the other reports, queries read the latest classifier version of each document
(``latest_mentions``) and count distinct documents. Either way re-classification and
duplicates never inflate a number.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from schemas.errors import PolicywatchError
from sinks.read_model.report_filters import Built, QueryFilters, period
from sinks.read_model.summed_reports import summed_actors, summed_cooccurrence, summed_trends
from sinks.warehouse.base import Warehouse

COMMITMENT_STATUSES = ("open", "met", "overdue")
_BUCKET = {"hour": "toStartOfHour", "day": "toDate", "week": "toMonday", "month": "toStartOfMonth"}


class QueryError(PolicywatchError):
    reason = "invalid_query"


def _where(
    f: QueryFilters, column: str = "occurred_at", alias: str = ""
) -> tuple[str, dict[str, Any]]:
    """Time and label filters shared by the queries, as SQL and parameters."""
    prefix = f"{alias}." if alias else ""
    parts, params = period(f, prefix + column)
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
    """Documents per period and initiative; documents dated only by when policywatch saw
    them (``date_source = 'observed'``) are left out unless ``include_observed``."""
    summed = summed_trends(f)
    return summed if summed is not None else trends_over_mentions(f)


def trends_over_mentions(f: QueryFilters) -> Built:
    """The same by distinct documents over ``latest_mentions``: any filter."""
    where, params = _where(f)
    extra = "" if f.include_observed else " AND date_source != 'observed'"
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
    summed = summed_actors(f)
    return summed if summed is not None else actors_over_mentions(f)


def actors_over_mentions(f: QueryFilters) -> Built:
    """The same by distinct documents over ``latest_mentions``: any filter."""
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
SELECT label_id AS actor, any(label_name) AS name,
       argMaxIf(role, occurred_at, role != '') AS role,
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
    summed = summed_cooccurrence(f)
    return summed if summed is not None else cooccurrence_over_mentions(f)


def cooccurrence_over_mentions(f: QueryFilters) -> Built:
    """The same by distinct documents over ``latest_mentions``: any filter."""
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
    """Stories (``story_summaries``): title, first and last seen, documents, sources and
    languages; ``--since/--until`` keep stories seen in the period (with ``--since``, from
    ``story_summaries_between``, which reads only the stories seen since then)."""
    params: dict[str, Any] = {"limit": f.limit}
    parts = ["1"]
    source = "story_summaries"
    if f.since:
        parts.append("last_seen >= {since:Date}")
        params["since"] = f.since.isoformat()
        # the view only narrows the stories read; the filters here decide, as without it
        source = (
            "story_summaries_between(since = {since:DateTime64(3, 'UTC')}, "
            "until = '2299-12-31 00:00:00')"
        )
    if f.until:
        parts.append("first_seen < {until_next:Date}")
        params["until_next"] = (f.until + timedelta(days=1)).isoformat()
    if f.initiative:
        parts.append(
            "story_id IN (SELECT story_id FROM stories WHERE "
            + _doc_filter("initiative", "initiative", "")
            + ")"
        )
        params["initiative"] = f.initiative
    if f.country:
        parts.append(
            "story_id IN (SELECT story_id FROM stories WHERE document_id IN "
            "(SELECT document_id FROM classifications WHERE has(countries, {country:String})))"
        )
        params["country"] = f.country
    sql = f"""
SELECT story_id, title, first_seen, last_seen, documents, sources,
       arrayStringConcat(languages, ',') AS languages
FROM {source}
WHERE {" AND ".join(parts)}
ORDER BY documents DESC, last_seen DESC, story_id
LIMIT {{limit:UInt32}}"""
    return sql, params


def commitment_status_sql(where: str = "1") -> str:
    """Promises with their status on ``{today:Date}`` given ``{grace:UInt32}`` days of grace:
    ``met`` when a later report says its event took place within its window give or take
    the grace (and not before the promise was first reported), ``overdue`` when not and
    ``due_to + grace`` has passed, else ``open``. The same rule as the ``commitment_status``
    view (ops/clickhouse/013), which fixes the grace at 7 days."""
    return f"""
SELECT multiIf(hit > 0, 'met', due_to + {{grace:UInt32}} < {{today:Date}}, 'overdue', 'open')
           AS status,
       subject, initiative, candidate, due_text, due_from, due_to, action, document_id,
       documents, reported_at,
       if(hit > 0, occurrences[hit].1, NULL) AS fulfilled_on,
       if(hit > 0, occurrences[hit].2, '') AS fulfilled_by,
       if(hit > 0, occurrences[hit].3, '') AS fulfilment_evidence
FROM (
    SELECT *,
           arrayFirstIndex(o -> o.1 >= greatest(toDate(reported_at), due_from - {{grace:UInt32}})
                                AND o.1 <= due_to + {{grace:UInt32}}, occurrences) AS hit
    FROM commitment_progress
    WHERE {where}
)"""


def commitments(f: QueryFilters) -> Built:
    """Promises with status open, met or overdue against ``today``, and the evidence of
    the report that fulfilled them."""
    today = f.today or date.today()
    params: dict[str, Any] = {"today": today.isoformat(), "grace": f.grace_days, "limit": f.limit}
    parts = ["1"]
    if f.since:
        parts.append("due_to >= {since:Date}")
        params["since"] = f.since.isoformat()
    if f.until:
        parts.append("due_from <= {until:Date}")
        params["until"] = f.until.isoformat()
    if f.initiative:
        parts.append("subject = {initiative:String}")
        params["initiative"] = f.initiative
    outer = "1"
    if f.status:
        if f.status not in COMMITMENT_STATUSES:
            raise QueryError(
                f"unknown commitment status {f.status!r}; choose one of {COMMITMENT_STATUSES}"
            )
        outer = "status = {status:String}"
        params["status"] = f.status
    sql = f"""
SELECT status, subject AS commitment_of, due_text, due_from, due_to, action, documents,
       reported_at AS first_reported, fulfilled_on, fulfilled_by,
       fulfilment_evidence AS evidence
FROM ({commitment_status_sql(" AND ".join(parts))})
WHERE {outer}
ORDER BY due_to, commitment_of, due_text
LIMIT {{limit:UInt32}}"""
    return sql, params


def candidates(f: QueryFilters) -> Built:
    """Initiative candidates (``new_initiatives``): named initiatives the taxonomy lacks,
    seen in at least ``min_documents`` documents, newest first."""
    dated, params = period(f, "first_seen")
    params |= {"limit": f.limit, "min_documents": f.min_documents}
    parts = ["documents >= {min_documents:UInt64}", *dated]
    if f.country:
        parts.append("has(parties, {country:String})")
        params["country"] = f.country.upper()
    if f.actor:
        parts.append("has(actors, {actor:String})")
        params["actor"] = f.actor
    sql = f"""
SELECT key, name, variants, first_seen, last_seen, documents, sources, parties, actors,
       languages, evidence
FROM new_initiatives
WHERE {" AND ".join(parts)}
ORDER BY first_seen DESC, documents DESC, key
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
    "candidates": candidates,
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
    "candidates": frozenset({"since", "until", "country", "actor"}),  # a party, an actor of it
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
