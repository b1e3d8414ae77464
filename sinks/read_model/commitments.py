"""Promises in the warehouse, with what later reports say about them.

``commitments`` holds one row per reported promise, ``occurrences`` reports that an
initiative's event took place (what fulfils a promise), and the latest mentions say
when each initiative or candidate was last named. Only the latest classification of
each document counts. Pure reads: whether a promise is overdue is decided by the
caller (``streams.alerts.commitments``, wired in ops).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from sinks.read_model.latest_versions import latest_versions_of
from sinks.warehouse.base import Warehouse

_COMMITMENTS_SQL = f"""
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
INNER JOIN {latest_versions_of("commitments")} AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
LEFT JOIN (SELECT document_id, classifier_version, any(actors) AS actors,
                  any(countries) AS countries
           FROM classifications
           WHERE document_id IN (SELECT document_id FROM commitments)
           GROUP BY document_id, classifier_version) AS k
    ON k.document_id = c.document_id AND k.classifier_version = c.classifier_version
WHERE c.due_to >= {{oldest:Date}} AND c.due_from <= {{newest:Date}}
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
INNER JOIN {latest_versions_of("occurrences")} AS l
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
INNER JOIN {latest_versions_of("initiative_candidates")} AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
WHERE c.key IN ({_SUBJECTS})
GROUP BY c.key
"""

_CANDIDATE_NAMES_SQL = f"""
SELECT key, name FROM new_initiatives WHERE key IN ({_SUBJECTS})
"""


@dataclass(frozen=True)
class StoredCommitment:
    """One promise as reported (several reports of it grouped), with its subject's record."""

    document_id: str
    initiative: str
    candidate: str
    candidate_name: str
    action: str
    due_from: date
    due_to: date
    due_text: str
    evidence: str
    actors: tuple[str, ...]
    countries: tuple[str, ...]
    source_kind: str
    reported_on: date
    reports: frozenset[str]
    last_mention: date | None = None
    #: (day its event happened, reporting document) from other documents
    happened: tuple[tuple[date, str], ...] = field(default_factory=tuple)

    @property
    def subject(self) -> str:
        return self.initiative or self.candidate


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


def stored_commitments(warehouse: Warehouse, oldest: date, newest: date) -> list[StoredCommitment]:
    """Promises whose due window meets [oldest, newest], with the days other reports say
    their event took place and the last day their initiative (or candidate) was mentioned."""
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
        out.append(
            StoredCommitment(
                document_id=str(r["document_id"]),
                initiative=str(r["initiative"]),
                candidate=str(r["candidate"]),
                candidate_name=names.get(str(r["candidate"]), ""),
                action=str(r["action"]),
                due_from=_day(r["due_from"]),
                due_to=_day(r["due_to"]),
                due_text=str(r["due_text"]),
                evidence=_first_evidence(str(r["evidence"])),
                actors=tuple(str(a) for a in r["actors"] or ()),
                countries=tuple(str(c) for c in r["countries"] or ()),
                source_kind=str(r["source_kind"]),
                reported_on=_day(r["reported_on"]),
                reports=frozenset(str(d) for d in r["reports"] or ()),
                last_mention=last.get(subject),
                happened=tuple(happened.get(subject, ())),
            )
        )
    return out
