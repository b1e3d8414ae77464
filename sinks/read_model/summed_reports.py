"""The analyst reports' counts as sums of signed changes, where their filters allow.

Counting distinct documents over ``latest_mentions`` reads every mention in the period:
seconds over millions. The sink keeps what each document's latest classification counts
in ``label_changes`` and ``co_mention_changes`` (sinks/counted.py), pre-summed by day, so
a report whose filters are all keys of those tables (the period, the initiative, the
actor, the actor's own country) sums them instead, and reads names, roles and last
mentions only for the rows it lists (an initiative's actors, from the pairs themselves).
A filter on the documents' other labels (``doc_country``) has no such key: those reports
return None here and count over the mentions.
"""

from __future__ import annotations

from typing import Any

from sinks.read_model.report_filters import Built, QueryFilters, period

_PERIOD = {
    "hour": "hour",
    "day": "day",
    "week": "toMonday(day)",
    "month": "toStartOfMonth(day)",
}


def _mentioned(f: QueryFilters) -> str:
    """The same period on the mentions' ``occurred_at``, for their details."""
    return " AND ".join(["1", *period(f, "occurred_at")[0]])


def summed_trends(f: QueryFilters) -> Built | None:
    if f.actor or f.doc_country:
        return None
    parts, params = period(f, "day")
    parts.append("label_type = 'initiative'")
    if not f.include_observed:
        parts.append("date_source != 'observed'")
    if f.initiative:
        parts.append("label_id = {initiative:String}")
        params["initiative"] = f.initiative
    sql = f"""
WITH counted AS
(
    SELECT {_PERIOD[f.interval]} AS period, label_id AS initiative,
           toUInt64(sum(sign)) AS documents
    FROM label_changes
    WHERE {" AND ".join(parts)}
    GROUP BY period, initiative
    HAVING sum(sign) > 0
    ORDER BY period, documents DESC, initiative
    LIMIT {{limit:UInt32}}
)
SELECT period, initiative, name, documents
FROM counted
LEFT JOIN
(
    SELECT label_id AS initiative, any(label_name) AS name
    FROM mentions
    WHERE label_type = 'initiative' AND label_id IN (SELECT initiative FROM counted)
    GROUP BY initiative
) AS named USING initiative
ORDER BY period, documents DESC, initiative"""
    return sql, params | {"limit": f.limit * 20}


def _of_country(params: dict[str, Any], f: QueryFilters) -> str:
    """Actors who speak for the filtered country (their rows in ``label_changes``)."""
    params["country"] = (f.country or "").upper()
    return (
        "actor IN (SELECT label_id FROM label_changes WHERE label_type = 'actor' "
        "AND country = {country:String} GROUP BY label_id)"
    )


def summed_actors(f: QueryFilters) -> Built | None:
    """Actors by documents; with an initiative, in the documents that name it."""
    if f.doc_country:
        return None
    if f.initiative:
        return _initiative_actors(f)
    parts, params = period(f, "day")
    parts.append("label_type = 'actor'")
    if f.country:
        parts.append("country = {country:String}")
        params["country"] = f.country.upper()
    if f.actor:
        parts.append("label_id = {actor:String}")
        params["actor"] = f.actor
    sql = f"""
WITH counted AS
(
    SELECT label_id AS actor, toUInt64(sum(sign)) AS documents
    FROM label_changes
    WHERE {" AND ".join(parts)}
    GROUP BY actor
    HAVING sum(sign) > 0
    ORDER BY documents DESC, actor
    LIMIT {{limit:UInt32}}
)
SELECT actor, name, role, country, documents, last_seen
FROM counted
LEFT JOIN
(
    SELECT label_id AS actor, any(label_name) AS name,
           argMaxIf(role, occurred_at, role != '') AS role, any(country) AS country,
           max(occurred_at) AS last_seen
    FROM mentions
    WHERE label_type = 'actor' AND label_id IN (SELECT actor FROM counted) AND {_mentioned(f)}
    GROUP BY actor
) AS seen USING actor
ORDER BY documents DESC, actor"""
    return sql, params | {"limit": f.limit}


def _initiative_actors(f: QueryFilters) -> Built:
    """An initiative's actors, counts and details both from the pairs: summed per actor,
    day, role, name and country (the ``details`` projection), then per actor, so the
    report reads a few rows per actor and day. Each document counts in one such group per
    pair, so the groups' sums add up to the actor's documents. Within a day still counted,
    the last mention is the latest the day's pairs ever held: a re-classification that
    drops an actor leaves its time in the day's maximum."""
    parts, params = period(f, "day")
    parts.append("initiative = {initiative:String}")
    params["initiative"] = f.initiative
    if f.country:
        parts.append(_of_country(params, f))
    if f.actor:
        parts.append("actor = {actor:String}")
        params["actor"] = f.actor
    sql = f"""
SELECT actor, any(actor_name) AS name, argMaxIf(role, last, role != '') AS role,
       any(country) AS country, toUInt64(sum(documents)) AS documents,
       max(last) AS last_seen
FROM
(
    SELECT actor, day, role, actor_name, country, sum(sign) AS documents,
           max(occurred_at) AS last
    FROM co_mention_changes
    WHERE {" AND ".join(parts)}
    GROUP BY actor, day, role, actor_name, country
    HAVING documents > 0
)
GROUP BY actor
ORDER BY documents DESC, actor
LIMIT {{limit:UInt32}}"""
    return sql, params | {"limit": f.limit}


def summed_cooccurrence(f: QueryFilters) -> Built | None:
    if f.doc_country:
        return None
    parts, params = period(f, "day")
    parts.append("initiative != ''")  # the changes' markers
    if f.initiative:
        parts.append("initiative = {initiative:String}")
        params["initiative"] = f.initiative
    if f.actor:
        parts.append("actor = {actor:String}")
        params["actor"] = f.actor
    if f.country:
        parts.append(_of_country(params, f))
    sql = f"""
WITH counted AS
(
    SELECT initiative, actor, toUInt64(sum(sign)) AS documents
    FROM co_mention_changes
    WHERE {" AND ".join(parts)}
    GROUP BY initiative, actor
    HAVING sum(sign) > 0
    ORDER BY documents DESC, initiative, actor
    LIMIT {{limit:UInt32}}
)
SELECT initiative, actor, actor_name, documents
FROM counted
LEFT JOIN
(
    SELECT label_id AS actor, any(label_name) AS actor_name
    FROM mentions
    WHERE label_type = 'actor' AND label_id IN (SELECT actor FROM counted)
    GROUP BY actor
) AS named USING actor
ORDER BY documents DESC, initiative, actor"""
    return sql, params | {"limit": f.limit}
