"""Migrations and the warehouse schema on a real chDB: idempotent, duplicate-proof."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.classification import ActorLabel, DocumentClassified, Evidence, InitiativeLabel
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, applied_versions, discover, migrate

P = Producer(name="test", version="1")


def classified(doc_id: str, initiative: str, when: datetime) -> bytes:
    ev = Evidence(start=0, end=4, text="text")
    return encode(
        DocumentClassified(
            event_id=f"e-{doc_id}",
            occurred_at=when,
            observed_at=when,
            producer=P,
            trace_id="t",
            document_id=doc_id,
            revision="r1",
            classifier_version="c1",
            taxonomy_version="t1",
            source_id="s",
            source_kind="news",
            relevant=True,
            initiatives=(
                InitiativeLabel(
                    id=initiative, name=initiative.upper(), confidence=0.9, evidence=(ev,)
                ),
            ),
            actors=(
                ActorLabel(
                    id="jp.motegi", name="Toshimitsu Motegi", confidence=0.9, evidence=(ev,)
                ),
            ),
            countries=("IN", "JP"),
        )
    )


def test_migrations_apply_once_and_record_themselves(fresh_database: ChdbWarehouse) -> None:
    first = migrate(fresh_database, MIGRATIONS_DIR)
    assert [m.version for m in first] == [m.version for m in discover(MIGRATIONS_DIR)]
    assert migrate(fresh_database, MIGRATIONS_DIR) == []
    assert set(applied_versions(fresh_database)) == {m.version for m in first}
    tables = {
        r["name"]
        for r in fresh_database.query(
            "SELECT name FROM system.tables WHERE database = currentDatabase()"
        )
    }
    assert {
        "documents",
        "classifications",
        "mentions",
        "deadletter",
        "label_changes",
        "sink_offsets",
        "schema_migrations",
    } <= tables


def test_duplicates_and_retries_do_not_inflate_counts(fresh_database: ChdbWarehouse) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    day = datetime(2026, 1, 10, 8, tzinfo=UTC)
    doc = observe_document(
        document_id="d1",
        source=SourceRef(id="s", kind="news"),
        title="t",
        body="text",
        producer=P,
        published_at=day,
    )
    batch = TableRows()
    batch.add_record(encode(doc))
    batch.add_record(classified("d1", "quad", day))
    batch.add_record(classified("d2", "quad", day))
    for _ in range(2):  # the same batch, once as a token-deduplicated retry
        for table, rows in batch.tables.items():
            fresh_database.insert_rows(table, rows, dedup_token=f"tok-{table}")
    again = TableRows()  # the same events in a different batch (a replay)
    again.add_record(classified("d1", "quad", day))
    for table, rows in again.tables.items():
        fresh_database.insert_rows(table, rows, dedup_token=f"other-{table}")

    raw_rows = fresh_database.query("SELECT count() AS n FROM mentions WHERE label_id = 'quad'")
    assert raw_rows[0]["n"] == 3  # the retry was a no-op; the replay added a row
    daily = fresh_database.query(
        "SELECT toString(toDate(occurred_at)) AS day, uniqExact(document_id) AS docs "
        "FROM mentions WHERE label_type = 'initiative' AND label_id = 'quad' GROUP BY day"
    )
    assert daily == [{"day": "2026-01-10", "docs": 2}]
    docs = fresh_database.query("SELECT count() AS n FROM documents FINAL")
    assert docs[0]["n"] == 1


def test_one_batch_may_span_more_months_than_an_insert_may_touch_partitions(
    fresh_database: ChdbWarehouse,
) -> None:
    """A backfill of an archive reaches the sink in batches that span many years; mentions
    are partitioned by month, and an insert touching more than 100 partitions is refused
    by default, which would stop the sink on that batch for good."""
    from sinks.writer import write_rows

    migrate(fresh_database, MIGRATIONS_DIR)
    months = 150
    rows = TableRows()
    for m in range(months):
        when = datetime(2010 + m // 12, m % 12 + 1, 15, tzinfo=UTC)
        rows.add_record(classified(f"d{m}", "quad", when))
    write_rows(fresh_database, rows)
    [held] = fresh_database.query(
        "SELECT uniqExact(toYYYYMM(occurred_at)) AS months, uniqExact(document_id) AS docs "
        "FROM mentions"
    )
    assert (int(held["months"]), int(held["docs"])) == (months, months)
