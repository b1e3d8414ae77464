"""One pre-computed row per story: the changes a batch's classifications make to them.

Counting a story's members at query time groups nearly as many rows as there are
documents (a story has a few), so the stories views read ``story_ranks`` instead: one live
row per story. Before writing a batch's classification rows, the sink recomputes every
story the batch touches (the stories its documents join and the ones they leave) from the
warehouse's rows and the batch's classifications, reads the live rows it holds for those
stories, and writes the difference: a new row (+1, a new ``state``) for a summary that
changed, and a cancel row (-1, a copy) for each live row that no longer holds. The
difference is taken against what was written, so a retry, a replay or a re-ingested copy
writes nothing, and a story that lost its last member is cancelled. A row is live while its
state has no cancel row; each state is written once and cancelled at most once, which lets
readers skip FINAL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sinks.counted import newest_per_document
from sinks.warehouse.base import ColumnRows, Warehouse, query_columns

TABLE = "story_ranks"
Row = dict[str, Any]

#: the values of a story's row (besides its id, state and sign)
COLUMNS = (
    "title, title_document, first_seen, last_seen, documents, sources, languages, official, "
    "first_dated"
)

VALUES = tuple(c.strip() for c in COLUMNS.split(","))

#: ``first_dated`` of a story no member dates (what ``arrayMin`` of no times gives)
NEVER = "1970-01-01 00:00:00.000"

_TOUCHED = """
SELECT DISTINCT story_id FROM classifications
WHERE document_id IN (SELECT arrayJoin({documents:Array(String)})) AND story_id != ''
"""

# The stories' member rows, and every classification of their members: the summaries are
# computed from them in Python. A story has a few members, so these are small reads by the
# tables' sorting keys. One query that summarised in SQL (members joined to their latest
# versions, grouped twice) took 30 ms on an empty warehouse and 80 ms per batch of 200
# documents: a fixed cost every batch paid, and the live pipeline's batches are small.
_MEMBERS = """
SELECT story_id, document_id, revision, toString(classifier_version) AS version, title,
       toString(source_id) AS source_id, toString(source_kind) AS source_kind,
       toString(language) AS language, labels, toString(occurred_at) AS occurred_at,
       date_source != 'observed' AS dated
FROM stories
WHERE story_id IN (SELECT arrayJoin({stories:Array(String)}))
ORDER BY story_id, document_id, revision, version
"""

_VERSIONS = """
SELECT document_id, toString(classifier_version) AS version,
       toString(classified_at) AS classified_at
FROM classifications
WHERE document_id IN (SELECT arrayJoin({documents:Array(String)}))
"""

# the stories' rows; the live ones are those written (+1) and not cancelled (-1)
_ROWS = f"""
SELECT story_id, state, sign, {COLUMNS}
FROM {TABLE}
WHERE story_id IN (SELECT arrayJoin({{stories:Array(String)}}))
"""


def summaries_of(warehouse: Warehouse, stories: Sequence[str]) -> list[Row]:
    """The summaries of ``stories`` computed from their rows now: what ``story_summaries``
    holds for them once the sink has written every batch."""
    found = _summaries(warehouse, stories, {})
    return [{"story_id": story} | found[story] for story in sorted(found)]


def _summaries(
    warehouse: Warehouse, stories: Sequence[str], batch: dict[str, tuple[str, str]]
) -> dict[str, Row]:
    """Each story's summary from its members' latest classifications. ``batch`` maps the
    documents of the batch being written to their newest (classified_at, version): they
    count as if written already, since the batch's story rows are written before its
    classification rows, which mark its documents as held."""
    members = query_columns(warehouse, _MEMBERS, params={"stories": list(stories)})
    documents = sorted(set(members["document_id"]))
    latest: dict[str, tuple[str, str]] = dict(batch)
    if documents:
        versions = query_columns(warehouse, _VERSIONS, params={"documents": documents})
        for document, classified, version in zip(
            versions["document_id"], versions["classified_at"], versions["version"], strict=True
        ):
            held = latest.get(document)
            if held is None or (classified, version) > held:
                latest[document] = (classified, version)
    by_story: dict[str, dict[str, _Member]] = {}
    for story_id, document, version, title, source, kind, language, labels, occurred, dated in zip(
        members["story_id"],
        members["document_id"],
        members["version"],
        members["title"],
        members["source_id"],
        members["source_kind"],
        members["language"],
        members["labels"],
        members["occurred_at"],
        members["dated"],
        strict=True,
    ):
        newest = latest.get(document)
        if newest is None or newest[1] != version:
            continue  # a member's row under an older classifier (or no classification yet)
        story = by_story.setdefault(story_id, {})
        member = story.get(document)
        if member is None:
            story[document] = _Member(
                document, title, source, kind, language, labels, set(labels), occurred, bool(dated)
            )
        else:
            member.add(labels, occurred, bool(dated))
    return {story: _summary(list(found.values())) for story, found in by_story.items()}


@dataclass(slots=True)
class _Member:
    """One member's rows under its latest classifier version (revisions may add rows)."""

    document: str
    title: str
    source: str
    kind: str
    language: str
    labels: list[str]  # its first row's: what the member says it is about
    label_set: set[str]  # every row's: what the others can share with it
    occurred: str
    dated: bool

    def add(self, labels: list[str], occurred: str, dated: bool) -> None:
        """Another row of the member: its labels join the set, its time the earliest."""
        self.label_set.update(labels)
        self.occurred = min(self.occurred, occurred)
        self.dated = self.dated or dated


def _summary(members: list[_Member]) -> Row:
    """A story's row values, by the rules of ``story_summaries`` in migration 014: the
    title is the official statement's (the earliest), else the most central member's
    (sharing the most labels with the others; the earliest, then the greatest id, on a
    tie)."""
    statements = [m for m in members if m.kind == "official_statement"]
    if statements:
        titled = min(statements, key=lambda m: (m.occurred, m.document))
    else:
        holders: dict[str, int] = {}
        for m in members:
            for label in m.label_set:
                holders[label] = holders.get(label, 0) + 1
        centrality = {
            m.document: sum(holders.get(label, 0) - 1 for label in set(m.labels)) for m in members
        }
        most = max(centrality.values())
        central = [m for m in members if centrality[m.document] == most]
        earliest = min(m.occurred for m in central)
        titled = max((m for m in central if m.occurred == earliest), key=lambda m: m.document)
    times = [m.occurred for m in members]
    dated = [m.occurred for m in members if m.dated]
    return {
        "title": titled.title,
        "title_document": titled.document,
        "first_seen": min(times),
        "last_seen": max(times),
        "documents": len(members),
        "sources": len({m.source for m in members}),
        "languages": sorted({m.language for m in members if m.language}),
        "official": int(bool(statements)),
        "first_dated": min(dated) if dated else NEVER,
    }


def touched_stories(warehouse: Warehouse, classifications: Sequence[Row]) -> list[str]:
    """The stories a batch's classifications can change: the ones they name and the ones
    their documents' earlier classifications named."""
    named = {str(r["story_id"]) for r in classifications if r.get("story_id")}
    documents = sorted({str(r["document_id"]) for r in classifications})
    if documents:
        rows = warehouse.query(_TOUCHED, params={"documents": documents})
        named.update(str(r["story_id"]) for r in rows)
    return sorted(named)


def story_rank_rows(warehouse: Warehouse, classifications: Sequence[Row]) -> ColumnRows:
    """The ``story_ranks`` rows that bring the stories the batch touches up to date; none
    when they are already (a replay, a retry, a classification that changes no story)."""
    rows = ColumnRows(("story_id", "state", "sign", *VALUES))
    stories = touched_stories(warehouse, classifications)
    if not stories:
        return rows
    batch = {
        document: (str(row["classified_at"]), str(row["classifier_version"]))
        for document, row in newest_per_document(classifications).items()
    }
    wanted = _summaries(warehouse, stories, batch)
    live = _live(warehouse.query(_ROWS, params={"stories": stories}))
    written = time.time_ns()  # a new row's state differs from every earlier one's
    kept: set[str] = set()  # stories whose live row already says what the fresh one does
    for row in sorted(live, key=_key):
        story = str(row["story_id"])
        new = wanted.get(story)
        if new is not None and story not in kept and _content(new) == _content(row):
            kept.add(story)
            continue
        rows.append((row["story_id"], row["state"], -1, *(row[c] for c in VALUES)))
    for story, new in sorted(wanted.items()):
        if story not in kept:
            state = _state(story, new, written)
            rows.append((story, state, 1, *(new[c] for c in VALUES)))
    return rows


def _live(rows: Sequence[Row]) -> list[Row]:
    """The rows written (+1) whose state has no cancel row (-1), once each."""
    cancelled = {_key(r) for r in rows if int(r["sign"]) < 0}
    live: dict[tuple[str, str], Row] = {}
    for row in rows:
        if int(row["sign"]) > 0 and _key(row) not in cancelled:
            live.setdefault(_key(row), row)
    return list(live.values())


def _content(row: Row) -> tuple[Any, ...]:
    """A summary's values, alike whether computed here or read back (64-bit integers are
    read back as text)."""
    return (
        str(row["title"]),
        str(row["title_document"]),
        str(row["first_seen"]),
        str(row["last_seen"]),
        int(row["documents"]),
        int(row["sources"]),
        tuple(row["languages"]),
        int(row["official"]),
        str(row["first_dated"]),
    )


def _state(story: str, summary: Row, written: int) -> int:
    """A new row's state: unique to the story, its values and the time it was written."""
    digest = hashlib.blake2b(repr((story, _content(summary), written)).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def _key(row: Row) -> tuple[str, str]:
    return str(row["story_id"]), str(row["state"])
