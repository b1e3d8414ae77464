"""Commitment triggers, evaluated against the warehouse once per scan.

Whether a promise is overdue depends on the calendar and on every later document
about its initiative, not on one document in the stream, so the stream cannot say it.
The warehouse has it all: ``commitments`` (one row per reported promise),
``occurrences`` (reports that an initiative's event took place: what fulfils a promise)
and the last time each initiative or candidate was mentioned. A scan reads the
commitments of interest, groups reports of one promise, adds the days its event was
reported to have happened and the last mention of its subject, and lets
``streams.alerts.commitments`` decide (a met promise raises nothing). Alert ids are derived from
the promise and its state, so scanning every few minutes raises each alert once; the
delivery worker de-duplicates on the id across restarts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson

from schemas.alerts import AlertRaised
from schemas.envelope import Producer
from schemas.subscriptions import CommitmentTrigger, Subscription
from sinks.warehouse.base import Warehouse
from streams.alerts.commitments import CommitmentRow, commitment_alerts

log = logging.getLogger(__name__)

MAX_OVERDUE_DAYS = 90

_COMMITMENTS_SQL = """
SELECT c.initiative AS initiative, c.candidate AS candidate, c.due_from AS due_from,
       c.due_to AS due_to, c.due_text AS due_text,
       argMin(c.document_id, c.occurred_at) AS document_id,
       argMin(c.action, c.occurred_at) AS action,
       argMin(c.evidence, c.occurred_at) AS evidence,
       toDate(min(c.occurred_at)) AS reported_on,
       groupUniqArray(c.document_id) AS reports,
       groupUniqArrayArray(k.actors) AS actors,
       groupUniqArrayArray(k.countries) AS countries,
       any(c.source_kind) AS source_kind
FROM commitments AS c
INNER JOIN latest_classifications AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
LEFT JOIN (SELECT document_id, classifier_version, any(actors) AS actors,
                  any(countries) AS countries
           FROM classifications GROUP BY document_id, classifier_version) AS k
    ON k.document_id = c.document_id AND k.classifier_version = c.classifier_version
WHERE c.due_to >= {oldest:Date} AND c.due_from <= {newest:Date}
GROUP BY initiative, candidate, due_from, due_to, due_text
ORDER BY due_to, initiative, candidate
"""

_SUBJECTS = """
SELECT DISTINCT if(initiative != '', initiative, candidate) FROM commitments
WHERE due_to >= {oldest:Date} AND due_from <= {newest:Date}
"""

_OCCURRENCES_SQL = f"""
SELECT o.subject AS subject, o.document_id AS document_id, o.happened_on AS happened_on
FROM occurrences AS o
INNER JOIN latest_classifications AS l
    ON l.document_id = o.document_id AND l.classifier_version = o.classifier_version
WHERE o.happened_on >= {{oldest:Date}} AND o.subject != '' AND o.subject IN ({_SUBJECTS})
"""

_LAST_MENTIONS_SQL = f"""
SELECT label_id AS subject, toDate(max(occurred_at)) AS last_mention
FROM latest_mentions
WHERE label_type = 'initiative' AND label_id IN ({_SUBJECTS})
GROUP BY label_id
UNION ALL
SELECT c.key AS subject, toDate(max(c.occurred_at)) AS last_mention
FROM initiative_candidates AS c
INNER JOIN latest_classifications AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
WHERE c.key IN ({_SUBJECTS})
GROUP BY c.key
"""

_CANDIDATE_NAMES_SQL = f"""
SELECT key, name FROM new_initiatives WHERE key IN ({_SUBJECTS})
"""


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _first_evidence(raw: str) -> str:
    """The sentence of the commitment (the second span), else the due text's span."""
    try:
        spans = orjson.loads(raw or "[]")
    except orjson.JSONDecodeError:
        return ""
    texts = [str(s.get("text", "")) for s in spans if isinstance(s, dict)]
    return texts[-1] if texts else ""


def commitment_rows(warehouse: Warehouse, today: date, horizon_days: int) -> list[CommitmentRow]:
    """Promises whose due window reaches from ``MAX_OVERDUE_DAYS`` (plus grace) ago to
    ``horizon_days`` ahead, with the days other reports say their event took place and
    the last day their initiative (or candidate) was mentioned."""
    oldest = today - timedelta(days=MAX_OVERDUE_DAYS + 366)
    newest = today + timedelta(days=horizon_days)
    params = {"oldest": oldest.isoformat(), "newest": newest.isoformat()}
    rows = warehouse.query(_COMMITMENTS_SQL, params=params)
    last: dict[str, date] = {}
    happened: dict[str, list[tuple[date, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    if rows:
        for r in warehouse.query(_LAST_MENTIONS_SQL, params=params):
            last[str(r["subject"])] = _day(r["last_mention"])
        for r in warehouse.query(_OCCURRENCES_SQL, params=params):
            happened[str(r["subject"])].append((_day(r["happened_on"]), str(r["document_id"])))
        if any(r["candidate"] for r in rows):
            names = {
                str(r["key"]): str(r["name"])
                for r in warehouse.query(_CANDIDATE_NAMES_SQL, params=params)
            }
    out = []
    for r in rows:
        subject = str(r["initiative"] or r["candidate"])
        reports = {str(d) for d in r["reports"] or ()}
        reported_on = _day(r["reported_on"])
        out.append(
            CommitmentRow(
                document_id=str(r["document_id"]),
                initiative=str(r["initiative"]) or None,
                candidate=str(r["candidate"]) or None,
                candidate_name=names.get(str(r["candidate"]), ""),
                action=str(r["action"]),
                due_from=_day(r["due_from"]),
                due_to=_day(r["due_to"]),
                due_text=str(r["due_text"]),
                last_mention=last.get(subject),
                evidence=_first_evidence(str(r["evidence"])),
                actors=tuple(str(a) for a in r["actors"] or ()),
                countries=tuple(str(c) for c in r["countries"] or ()),
                source_kind=str(r["source_kind"]),
                reported_on=reported_on,
                occurred_on=tuple(
                    sorted(
                        day
                        for day, document in happened.get(subject, ())
                        if document not in reports and day >= reported_on
                    )
                ),
            )
        )
    return out


def scan_commitments_once(
    warehouse: Warehouse,
    active: Iterable[Subscription],
    publisher_send: Callable[[AlertRaised], None],
    today: date,
    *,
    producer: Producer | None = None,
) -> int:
    """Publish every commitment alert owed on ``today``; returns how many were sent.

    ``publisher_send`` publishes one AlertRaised to ``policy.alerts`` keyed by its id;
    sending an alert again is harmless (same id, same event id).
    """
    subscriptions = [s for s in active if s.active and isinstance(s.trigger, CommitmentTrigger)]
    if not subscriptions:
        return 0
    horizon = max(
        s.trigger.due_within_days for s in subscriptions if isinstance(s.trigger, CommitmentTrigger)
    )
    rows = commitment_rows(warehouse, today, horizon)
    alerts = commitment_alerts(
        subscriptions,
        rows,
        today,
        producer=producer or Producer(name="policywatch-commitments", version="1"),
        raised_at=datetime.now(UTC),
        max_overdue_days=MAX_OVERDUE_DAYS,
    )
    for alert in alerts:
        publisher_send(alert)
    log.info(
        "commitment scan for %s: %d subscriptions, %d promises, %d alerts",
        today,
        len(subscriptions),
        len(rows),
        len(alerts),
    )
    return len(alerts)
