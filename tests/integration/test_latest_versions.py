"""The views and read models that keep each document's latest classification only compute
it for the documents of the table they join (migration 027, sinks.read_model.latest_versions):
their answers must be the ones the whole-warehouse view gave."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from schemas.codec import encode
from sinks.projection import TableRows
from sinks.read_model.latest_versions import latest_versions_of
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.writer import write_rows
from tests.discovery_events import classified, discovery_records
from tests.warehouse_fixture import fixture_rows, migrate_before

# what each view answers that does not depend on the order rows are read in (the view's
# sample of evidence sentences and its first document among equally early ones do)
READS = {
    "new_initiatives": "SELECT key, name, variants, first_seen, last_seen, documents, sources, "
    "parties, actors, languages, confidence FROM new_initiatives",
    "commitment_status": "SELECT * FROM commitment_status",
}


def _answers(warehouse: ChdbWarehouse) -> dict[str, list[dict[str, Any]]]:
    return {name: sorted(warehouse.query(sql), key=repr) for name, sql in READS.items()}


def _insert_events(warehouse: ChdbWarehouse, rows: TableRows) -> None:
    """The events' own rows, without the sink's derived ones (the change tables and story
    rows, whose shape later migrations change): what these views read."""
    for table, table_rows in rows.tables.items():
        warehouse.insert_rows(table, table_rows)


def _reclassify_one_of_each(warehouse: ChdbWarehouse) -> list[str]:
    """A later classification, under another classifier version, of one document with a
    candidate and one with a commitment: it names neither, so their rows must drop out."""
    documents = [
        str(warehouse.query(f"SELECT min(document_id) AS d FROM {table}")[0]["d"])
        for table in ("initiative_candidates", "commitments")
    ]
    later = TableRows()
    for document in documents:
        event = classified(
            document,
            published=datetime(2026, 5, 1, tzinfo=UTC),
            observed=datetime(2030, 1, 1, tzinfo=UTC),
            initiatives=("quad",),
            classifier_version="c-later",
        )
        later.add_record(encode(event))
    _insert_events(warehouse, later)
    return documents


def test_the_views_answer_as_before_the_migration(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    migrate_before(fresh_database, tmp_path / "migrations", "027")
    rows = fixture_rows()
    for raw in discovery_records():
        rows.add_record(raw)
    _insert_events(fresh_database, rows)
    with_all = _answers(fresh_database)
    _reclassify_one_of_each(fresh_database)
    before = _answers(fresh_database)
    assert all(before.values()) and before != with_all  # the re-classification counts
    migrate(fresh_database, MIGRATIONS_DIR)
    assert _answers(fresh_database) == before


def test_latest_versions_of_a_table_are_the_views_for_its_documents(
    fresh_database: ChdbWarehouse,
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    rows = fixture_rows()
    for raw in discovery_records():
        rows.add_record(raw)
    write_rows(fresh_database, rows)
    _reclassify_one_of_each(fresh_database)
    for table in ("initiative_candidates", "commitments", "occurrences"):
        ours = fresh_database.query(
            f"SELECT * FROM {latest_versions_of(table)} ORDER BY document_id"
        )
        view = fresh_database.query(
            "SELECT * FROM latest_classifications "
            f"WHERE document_id IN (SELECT document_id FROM {table}) ORDER BY document_id"
        )
        assert ours and ours == view, table
        if table != "occurrences":  # the re-classified documents are among them
            assert "c-later" in {r["classifier_version"] for r in ours}, table
