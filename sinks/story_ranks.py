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

import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sinks.counted import newest_per_document
from sinks.warehouse.base import Warehouse

TABLE = "story_ranks"
Row = dict[str, Any]

#: the values of a story's row (besides its id, state and sign)
COLUMNS = (
    "title, title_document, first_seen, last_seen, documents, sources, languages, official, "
    "first_dated"
)

_TOUCHED = """
SELECT DISTINCT story_id FROM classifications
WHERE document_id IN (SELECT arrayJoin({documents:Array(String)})) AND story_id != ''
"""

# The summaries of the stories named, computed from their rows by the rules of
# story_summaries in migration 014: the title is the official statement's (the earliest),
# else the most central member's (sharing the most labels with the others, the earliest on
# a tie). ``documents``/``versions``/``classified`` are the classifications a sink batch is
# about to write, counted as if written already: the batch's story rows are written before
# its classification rows, which mark its documents as held. Run as a query, not a view: a
# view's parameters are substituted into its text, and a batch's arrays then cost more to
# plan than the query takes to run.
_SUMMARIES_OF = """
WITH
    members AS (
        SELECT document_id FROM stories
        WHERE story_id IN (SELECT arrayJoin({stories:Array(String)}))
    ),
    -- each member's latest classifier version, the batch's classifications included
    latest AS (
        SELECT document_id, argMax(classifier_version, classified_at) AS classifier_version
        FROM
        (
            SELECT document_id, toString(classifier_version) AS classifier_version,
                   classified_at
            FROM classifications
            WHERE document_id IN members
            UNION ALL
            SELECT c.1 AS document_id, c.2 AS classifier_version,
                   fromUnixTimestamp64Milli(toInt64(c.3), 'UTC') AS classified_at
            FROM
            (
                SELECT arrayJoin(arrayZip({documents:Array(String)},
                                          {versions:Array(String)},
                                          {classified:Array(UInt64)})) AS c
            )
        )
        GROUP BY document_id
    ),
    -- one row per member: its latest rows' values, and every label any of them has
    members_latest AS (
        SELECT s.story_id AS story_id, s.document_id AS document_id, any(s.title) AS title,
               any(s.source_id) AS source_id, any(s.source_kind) AS source_kind,
               any(s.language) AS language, any(s.labels) AS labels,
               groupUniqArrayArray(s.labels) AS label_set, min(s.occurred_at) AS occurred_at,
               max(s.date_source != 'observed') AS dated
        FROM stories AS s
        INNER JOIN latest AS l
            ON l.document_id = s.document_id AND l.classifier_version = s.classifier_version
        WHERE s.story_id IN (SELECT arrayJoin({stories:Array(String)}))
        GROUP BY story_id, document_id
    )
SELECT
    story_id,
    -- the official statements among the members, and each member's centrality: for each
    -- of its labels, how many other members share it
    arrayFilter(i -> kinds[i] = 'official_statement', arrayEnumerate(docs)) AS statements,
    arrayMap(l -> arraySum(x -> toInt64(countEqual(shared, x)) - 1, arrayDistinct(l)),
             labels) AS centrality,
    -- the earliest statement, else the most central member (the earliest on a tie)
    if(notEmpty(statements),
       arraySort(i -> (times[i], docs[i]), statements)[1],
       arrayReverseSort(i -> (centrality[i], -toUnixTimestamp64Milli(times[i]), docs[i]),
                        arrayEnumerate(docs))[1]) AS titled,
    titles[titled] AS title,
    docs[titled] AS title_document,
    arrayMin(times) AS first_seen,
    arrayMax(times) AS last_seen,
    toUInt64(length(docs)) AS documents,
    toUInt64(length(arrayDistinct(sources_of))) AS sources,
    arraySort(arrayDistinct(arrayFilter(x -> x != '', languages_of))) AS languages,
    toUInt8(notEmpty(statements)) AS official,
    arrayMin(arrayFilter((t, d) -> d = 1, times, dated_of)) AS first_dated
FROM
(
    SELECT story_id, groupArray(document_id) AS docs, groupArray(title) AS titles,
           groupArray(source_id) AS sources_of, groupArray(source_kind) AS kinds,
           groupArray(language) AS languages_of, groupArray(occurred_at) AS times,
           groupArray(dated) AS dated_of, groupArray(labels) AS labels,
           arrayFlatten(groupArray(label_set)) AS shared
    FROM members_latest
    GROUP BY story_id
)
"""

_FRESH = f"""
SELECT story_id, cityHash64({COLUMNS}) AS content,
       cityHash64(story_id, content, {{written:UInt64}}) AS state, {COLUMNS}
FROM ({_SUMMARIES_OF})
"""

# the live rows: written (+1) and not cancelled (-1)
_LIVE = f"""
SELECT story_id, state, cityHash64({COLUMNS}) AS content, {COLUMNS}
FROM {TABLE}
WHERE story_id IN (SELECT arrayJoin({{stories:Array(String)}}))
GROUP BY story_id, state, {COLUMNS}
HAVING countIf(sign = 1) > 0 AND countIf(sign = -1) = 0
"""


def summaries_of(warehouse: Warehouse, stories: Sequence[str]) -> list[Row]:
    """The summaries of ``stories`` computed from their rows now: what ``story_summaries``
    holds for them once the sink has written every batch."""
    empty: dict[str, list[Any]] = {"documents": [], "versions": [], "classified": []}
    return warehouse.query(
        f"SELECT story_id, {COLUMNS} FROM ({_SUMMARIES_OF}) ORDER BY story_id",
        params={"stories": list(stories)} | empty,
    )


def touched_stories(warehouse: Warehouse, classifications: Sequence[Row]) -> list[str]:
    """The stories a batch's classifications can change: the ones they name and the ones
    their documents' earlier classifications named."""
    named = {str(r["story_id"]) for r in classifications if r.get("story_id")}
    documents = sorted({str(r["document_id"]) for r in classifications})
    if documents:
        rows = warehouse.query(_TOUCHED, params={"documents": documents})
        named.update(str(r["story_id"]) for r in rows)
    return sorted(named)


def story_rank_rows(warehouse: Warehouse, classifications: Sequence[Row]) -> list[Row]:
    """The ``story_ranks`` rows that bring the stories the batch touches up to date; none
    when they are already (a replay, a retry, a classification that changes no story)."""
    stories = touched_stories(warehouse, classifications)
    if not stories:
        return []
    newest = newest_per_document(classifications)
    batch = {
        "documents": list(newest),
        "versions": [str(r["classifier_version"]) for r in newest.values()],
        "classified": [_milliseconds(str(r["classified_at"])) for r in newest.values()],
    }
    written = time.time_ns()  # a new row's state differs from every earlier one's
    fresh = warehouse.query(_FRESH, params={"stories": stories, "written": written} | batch)
    live = warehouse.query(_LIVE, params={"stories": stories})
    wanted = {str(r["story_id"]): r for r in fresh}
    kept: set[str] = set()  # stories whose live row already says what the fresh one does
    rows: list[Row] = []
    for row in sorted(live, key=_key):
        story = str(row["story_id"])
        new = wanted.get(story)
        if new is not None and story not in kept and str(new["content"]) == str(row["content"]):
            kept.add(story)
            continue
        rows.append(_stored(row) | {"sign": -1})
    for story, new in sorted(wanted.items()):
        if story not in kept:
            rows.append(_stored(new) | {"sign": 1})
    return rows


def _stored(row: Row) -> Row:
    """The row as the table stores it (without the content hash)."""
    return {k: v for k, v in row.items() if k != "content"}


def _key(row: Row) -> tuple[str, str]:
    return str(row["story_id"]), str(row["state"])


def _milliseconds(stamp: str) -> int:
    """A row's ``YYYY-MM-DD HH:MM:SS.mmm`` UTC time as Unix milliseconds: a number is
    cheaper for the warehouse to read from a parameter than a date-time text."""
    when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    return round(when.timestamp() * 1000)
