"""One pre-computed row per story: the changes a batch's classifications make to them.

Counting a story's members at query time groups nearly as many rows as there are
documents (a story has a few), so the stories views read ``story_ranks`` instead: one live
row per story. Before writing a batch's classification rows, the sink recomputes every
story the batch touches (the stories its documents join and the ones they leave) from the
warehouse's rows and the batch's classifications, reads the rows it holds for those
stories, and writes the difference: +1 for a summary not held, -1 for a held one that no
longer is. The difference is taken against what was written, so a retry, a replay or a
re-ingested copy writes nothing, and a story that lost its last member is cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sinks.warehouse.base import Warehouse

TABLE = "story_ranks"
Row = dict[str, Any]

_COLUMNS = (
    "title, title_document, first_seen, last_seen, documents, sources, languages, official, "
    "first_dated"
)

_TOUCHED = """
SELECT DISTINCT story_id FROM classifications
WHERE document_id IN (SELECT arrayJoin({documents:Array(String)})) AND story_id != ''
"""

_FRESH = f"""
SELECT story_id, cityHash64({_COLUMNS}) AS state, {_COLUMNS}
FROM story_summaries_of(stories = {{stories:Array(String)}},
                        batch_documents = {{documents:Array(String)}},
                        batch_versions = {{versions:Array(String)}},
                        batch_classified = {{classified:Array(UInt64)}})
"""

_HELD = f"""
SELECT story_id, state, sum(sign) AS held, {_COLUMNS}
FROM {TABLE}
WHERE story_id IN (SELECT arrayJoin({{stories:Array(String)}}))
GROUP BY story_id, state, {_COLUMNS}
HAVING held != 0
"""


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
    newest: dict[str, Row] = {}  # each document's newest classification in the batch
    for row in classifications:
        kept = newest.get(row["document_id"])
        if kept is None or _order(row) > _order(kept):
            newest[row["document_id"]] = row
    batch = {
        "documents": list(newest),
        "versions": [str(r["classifier_version"]) for r in newest.values()],
        "classified": [_milliseconds(str(r["classified_at"])) for r in newest.values()],
    }
    fresh = warehouse.query(_FRESH, params={"stories": stories} | batch)
    held = warehouse.query(_HELD, params={"stories": stories})
    counts = {_key(r): int(r.pop("held")) for r in held}
    values = {_key(r): r for r in held} | {_key(r): r for r in fresh}
    wanted = {_key(r) for r in fresh}
    rows: list[Row] = []
    for key in sorted(values):
        change = int(key in wanted) - counts.get(key, 0)
        sign = 1 if change > 0 else -1
        rows.extend(values[key] | {"sign": sign} for _ in range(abs(change)))
    return rows


def _order(row: Row) -> tuple[str, str]:
    return str(row["classified_at"]), str(row["event_id"])


def _key(row: Row) -> tuple[str, str]:
    return str(row["story_id"]), str(row["state"])


def _milliseconds(stamp: str) -> int:
    """A row's ``YYYY-MM-DD HH:MM:SS.mmm`` UTC time as Unix milliseconds: a number is
    cheaper for the warehouse to read from a parameter than a date-time text."""
    when = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    return round(when.timestamp() * 1000)
