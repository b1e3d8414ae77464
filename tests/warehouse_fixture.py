"""Fixture data for warehouse tests: the demo corpus and the seeds, classified in-process,
and the discovery sample (tests.discovery_events: a new initiative, promises kept and
broken, stories with an official statement), which the demo corpus does not contain.

The same pure code the stream runs (parse -> process_document -> projection), with
no broker: fast, and realistic enough that every documented query returns rows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ops.cli.demo import DEMO_CORPUS
from producers.files import FileDefaults, expand_paths, parse_path
from producers.ingest import ingest_deadletter
from schemas.codec import encode
from schemas.envelope import Producer
from sinks.projection import TableRows
from sinks.warehouse.base import Warehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.writer import write_rows
from streams.classify.classifier import Classifier
from streams.classify.stories import StoryIndex
from streams.pipeline import Classified, RecordRef, process_document
from streams.taxonomy import load_taxonomy
from tests.conftest import SHARED
from tests.discovery_events import discovery_records

PRODUCER = Producer(name="fixture", version="1")


def fixture_rows(paths: list[Path] | None = None) -> TableRows:
    classifier = Classifier(load_taxonomy())
    stories = StoryIndex()
    rows = TableRows()
    files = list(expand_paths(paths or [DEMO_CORPUS, SHARED / "seeds"]))
    for offset, item in enumerate(i for f in files for i in parse_path(f, FileDefaults(), 10**7)):
        if item.event is None:
            assert item.error is not None
            rows.add_deadletter(ingest_deadletter(item, item.error, FileDefaults()))
            continue
        raw = encode(item.event)
        rows.add_record(raw)
        outcome = process_document(
            raw,
            RecordRef("fixture", 0, offset, None),
            classifier=classifier,
            seen_marker=None,
            stories=stories,
            producer=PRODUCER,
        )
        assert isinstance(outcome, Classified), outcome
        rows.add_record(encode(outcome.event))
    return rows


def load_fixture(warehouse: Warehouse) -> TableRows:
    migrate(warehouse, MIGRATIONS_DIR)
    rows = fixture_rows()
    for raw in discovery_records():
        rows.add_record(raw)
    write_rows(warehouse, rows)  # as the sink writes them, with the additive counts
    return rows


def migrate_before(warehouse: Warehouse, scratch: Path, first_new: str) -> None:
    """Apply only the migrations numbered below ``first_new`` (e.g. "026"), copied into
    ``scratch``: a warehouse as it was before an upgrade."""
    scratch.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if path.name < first_new:
            shutil.copy(path, scratch / path.name)
    migrate(warehouse, scratch)
