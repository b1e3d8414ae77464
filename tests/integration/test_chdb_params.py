"""List query parameters reach chDB as arrays, quoted and escaped (real chDB)."""

from __future__ import annotations

from datetime import UTC, datetime

from sinks.projection import TableRows
from sinks.read_model.documents import classified_revisions
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from tests.integration.test_warehouse_schema import classified

ODD = ["plain", "it's", "back\\slash", "comma,inside", "[bracket]"]


def test_an_array_parameter_arrives_as_written(fresh_database: ChdbWarehouse) -> None:
    rows = fresh_database.query("SELECT arrayJoin({ids:Array(String)}) AS id", params={"ids": ODD})
    assert [r["id"] for r in rows] == ODD


def test_the_held_revisions_of_listed_documents_are_found(fresh_database: ChdbWarehouse) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    batch = TableRows()
    for doc in ("d1", "it's"):
        batch.add_record(classified(doc, "quad", datetime(2026, 1, 10, tzinfo=UTC)))
    fresh_database.insert_rows("classifications", batch.tables["classifications"])
    pairs = {("d1", "r1"), ("it's", "r1"), ("d2", "r1")}
    assert classified_revisions(fresh_database, pairs) == {("d1", "r1"), ("it's", "r1")}
