"""Exact additive counts: the signed changes a batch's classifications make.

A count of distinct documents cannot be summed from parts unless each document is
counted once; a replayed, retried or re-ingested classification must add nothing, and
a newer one must move the document from its old keys to its new ones. The sink is
the one writer and reads back what it wrote, so before writing a batch it looks up
the change rows of the batch's documents (bounded: only their rows, by the tables'
sorting key) and writes, per document whose newest classification in the batch is
newer than the one counted: a marker row, -1 for each key no longer counted, +1 for
each new one. Written without a de-duplication token: a retry recomputes from what
was written, and a token would drop a retry that writes only the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from sinks.warehouse.base import ColumnRows, Warehouse

Row = dict[str, Any]
Key = tuple[str, ...]


@dataclass(frozen=True)
class ChangeTable:
    """One table of changes: its key columns, the keys a classification row counts, and
    its marker row's key (empty texts; the document's day and hour where the columns are
    dates, which cannot be empty)."""

    name: str
    columns: tuple[str, ...]
    keys_of: Callable[[Row], Iterable[Key]]
    marker_of: Callable[[Row], Key]


def _day(row: Row) -> str:
    return str(row["occurred_at"])[:10]


def _hour(row: Row) -> str:
    return str(row["occurred_at"])[:13] + ":00:00"


def _actor_labels(row: Row) -> dict[str, dict[str, Any]]:
    """Each actor's label (name, role, country) as the classification gives it; an actor
    named twice, its last label, as its mentions' details would."""
    return _actors_of(row["labels"]) if row.get("labels") else {}


@lru_cache(maxsize=256)
def _actors_of(labels: str) -> dict[str, dict[str, Any]]:
    """Parsed once for both tables' keys (read only: the cache hands out one dict)."""
    return {a["id"]: a for a in orjson.loads(labels).get("actors", ())}


def _actor_countries(row: Row) -> dict[str, str]:
    """Each actor's country, as the classification's labels give it ('' if none)."""
    return {actor: a.get("country") or "" for actor, a in _actor_labels(row).items()}


def _label_keys(row: Row) -> Iterable[Key]:
    """What a classification counts, each key once: its initiatives, actors (with the
    actor's country) and countries; the countries its actors speak for; its source, and
    its source again if it is relevant (so relevance by source is a sum too); whether it
    names any initiative, and whether it is in a story (documents, not labels: a document
    naming three initiatives counts once)."""
    day, hour = _day(row), _hour(row)
    tail = (row["source_kind"], row["date_source"])
    countries = _actor_countries(row)
    for initiative in dict.fromkeys(row["initiatives"]):
        yield day, hour, "initiative", initiative, "", *tail
    for actor in dict.fromkeys(row["actors"]):
        yield day, hour, "actor", actor, countries.get(actor, ""), *tail
    for country in dict.fromkeys(row["countries"]):
        yield day, hour, "country", country, country, *tail
    for country in dict.fromkeys(countries.get(a, "") for a in row["actors"]):
        if country:
            yield day, hour, "actor_country", country, country, *tail
    yield day, hour, "source", row["source_id"], "", *tail
    if row["relevant"]:
        yield day, hour, "relevant_source", row["source_id"], "", *tail
    if row["initiatives"]:
        yield day, hour, "initiatives", "", "", *tail
    if row["story_id"]:
        yield day, hour, "story", "", "", *tail


def _pair_keys(row: Row) -> Iterable[Key]:
    """Each initiative x actor pair once, with what a report of the initiative's actors
    lists beside the count (the actor's name, role and country in this document, and when
    it was published), so that report reads them from the pairs and not from every mention
    of the actors: a changed role or date moves the pair as a changed label would."""
    day, date_source, occurred_at = _day(row), row["date_source"], str(row["occurred_at"])
    labels = _actor_labels(row)
    actors = [(actor, labels.get(actor, {})) for actor in dict.fromkeys(row["actors"])]
    details = [
        (actor, str(a.get("role") or ""), str(a.get("name") or ""), str(a.get("country") or ""))
        for actor, a in actors
    ]
    for initiative in dict.fromkeys(row["initiatives"]):
        for actor, role, name, country in details:
            yield day, initiative, actor, date_source, occurred_at, role, name, country


LABELS = ChangeTable(
    "label_changes",
    ("day", "hour", "label_type", "label_id", "country", "source_kind", "date_source"),
    _label_keys,
    lambda row: (_day(row), _hour(row), "", "", "", "", ""),
)
PAIRS = ChangeTable(
    "co_mention_changes",
    (
        "day",
        "initiative",
        "actor",
        "date_source",
        "occurred_at",
        "role",
        "actor_name",
        "country",
    ),
    _pair_keys,
    lambda row: (_day(row), "", "", "", str(row["occurred_at"]), "", "", ""),
)
TABLES = (LABELS, PAIRS)


def _order(row: Row) -> tuple[str, str]:
    """Which classification is newer: when it was made, then its event id (fixed-width
    millisecond timestamps compare as text)."""
    return str(row["classified_at"]), str(row["event_id"])


def newest_per_document(classifications: Iterable[Row]) -> dict[str, Row]:
    """Each document's newest classification among ``classifications``."""
    newest: dict[str, Row] = {}
    for row in classifications:
        held = newest.get(row["document_id"])
        if held is None or _order(row) > _order(held):
            newest[row["document_id"]] = row
    return newest


@dataclass
class _Counted:
    order: tuple[str, str]
    keys: Counter[Key]


def _counted(
    warehouse: Warehouse, table: ChangeTable, documents: Sequence[str]
) -> dict[str, _Counted]:
    """What each document counts now in ``table``: its last marker and the keys whose
    signs sum above zero."""
    columns = ", ".join(f"toString({c}) AS {c}" for c in table.columns)
    rows = warehouse.query(
        f"SELECT document_id, toString(classified_at) AS classified_at, event_id, sign, {columns} "
        f"FROM {table.name} WHERE document_id IN (SELECT arrayJoin({{ids:Array(String)}})) "
        "ORDER BY document_id, classified_at, event_id",
        params={"ids": list(documents)},
    )
    out: dict[str, _Counted] = {}
    for row in rows:
        state = out.setdefault(row["document_id"], _Counted(("", ""), Counter()))
        if int(row["sign"]) == 0:
            state.order = max(state.order, _order(row))
        else:
            state.keys[tuple(str(row[c]) for c in table.columns)] += int(row["sign"])
    return out


def change_rows(warehouse: Warehouse, classifications: Sequence[Row]) -> dict[str, ColumnRows]:
    """Rows per change table for a batch's classification rows (as sinks.projection makes
    them); documents already counted at this classification or a newer one get none."""
    newest = newest_per_document(classifications)
    if not newest:
        return {}
    documents = sorted(newest)
    out: dict[str, ColumnRows] = {}
    for table in TABLES:
        counted = _counted(warehouse, table, documents)
        rows = ColumnRows(("document_id", "classified_at", "event_id", "sign", *table.columns))
        append = rows.values.append  # once per table, not per document
        for document_id in documents:
            row = newest[document_id]
            state = counted.get(document_id)
            if state is not None and state.order >= _order(row):
                continue  # counted already, at this classification or a newer one
            head = (document_id, row["classified_at"], row["event_id"])
            append((*head, 0, *table.marker_of(row)))
            if state is None:  # a new document: every key is a new one (keys_of gives each once)
                for key in sorted(table.keys_of(row)):
                    append((*head, 1, *key))
                continue
            old = {k for k, n in state.keys.items() if n > 0}
            new = set(table.keys_of(row))
            for sign, keys in ((-1, old - new), (1, new - old)):
                for key in sorted(keys):
                    append((*head, sign, *key))
        if rows:
            out[table.name] = rows
    return out
