"""Story summaries stay exact: retries, replays, re-ingested copies, revisions and a write cut
short (real chDB).

Each case writes batches the way the sink does (sinks.writer.write_rows), then compares
``story_summaries`` (the live rows of ``story_ranks``) with every story computed from its
rows (``sinks.story_ranks.summaries_of``), and checks each story holds exactly one live row.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from schemas.codec import encode
from sinks.projection import TableRows
from sinks.story_ranks import _ROWS, story_rank_rows, summaries_of
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.writer import write_rows
from tests.discovery_events import classified as classified_event
from tests.discovery_events import discovery_records
from tests.warehouse_fixture import fixture_rows, migrate_before

DAY = datetime(2026, 1, 10, 8, tzinfo=UTC)


def classified(
    doc: str,
    story: str | None,
    *,
    source: str = "news-a",
    kind: str = "news",
    language: str = "en",
    published: datetime = DAY,
    classified_at: datetime = DAY,
    version: str = "c1",
    initiatives: tuple[str, ...] = ("quad",),
    dated: bool = True,
) -> bytes:
    return encode(
        classified_event(
            doc,
            published=published,
            observed=classified_at,
            date_source="record" if dated else "observed",
            event_id=f"e-{doc}-{version}-{classified_at.timestamp()}",
            classifier_version=version,
            source_id=source,
            source_kind=kind,
            language=language,
            title=f"Report {doc} {version}",
            initiatives=initiatives,
            relevant=story is not None,
            story_id=story,
        )
    )


def batch(*events: bytes) -> TableRows:
    rows = TableRows()
    for raw in events:
        rows.add_record(raw)
    return rows


def write(warehouse: ChdbWarehouse, *events: bytes) -> None:
    write_rows(warehouse, batch(*events))


def summaries(warehouse: ChdbWarehouse) -> list[dict[str, Any]]:
    return warehouse.query("SELECT * FROM story_summaries ORDER BY story_id")


def computed(warehouse: ChdbWarehouse) -> list[dict[str, Any]]:
    """Every story summarised from its rows, as if nothing were pre-computed."""
    stories = [r["story_id"] for r in warehouse.query("SELECT DISTINCT story_id FROM stories")]
    return summaries_of(warehouse, stories)


def assert_exact(warehouse: ChdbWarehouse) -> None:
    assert summaries(warehouse) == computed(warehouse)
    states = warehouse.query(
        "SELECT story_id, state, countIf(sign = 1) AS written, countIf(sign = -1) AS cancelled "
        "FROM story_ranks GROUP BY story_id, state"
    )
    # each state written once and cancelled at most once; one live state per story
    assert all((r["written"], r["cancelled"]) in ((1, 0), (1, 1)) for r in states), states
    live = [r["story_id"] for r in states if r["cancelled"] == 0]
    assert sorted(live) == sorted(set(live)), live


@pytest.fixture
def warehouse(fresh_database: ChdbWarehouse) -> ChdbWarehouse:
    migrate(fresh_database, MIGRATIONS_DIR)
    return fresh_database


def test_retries_replays_and_copies_change_nothing(warehouse: ChdbWarehouse) -> None:
    a = classified("d1", "s1", kind="official_statement")
    b = classified("d2", "s1", source="news-b", language="ja", published=DAY + timedelta(days=1))
    c = classified("d3", "s2")
    undated = classified("d4", "s3", dated=False)  # a story no member dates
    write(warehouse, a, b, c, undated)
    rows_after_first = warehouse.query("SELECT count() AS n FROM story_ranks")
    write(warehouse, a, b, c, undated)  # the batch retried
    write(warehouse, b)  # a copy re-ingested later, alone
    write(warehouse, a, a, b, c, undated)  # the whole topic replayed, with a duplicate
    assert warehouse.query("SELECT count() AS n FROM story_ranks") == rows_after_first
    one = {r["story_id"]: r for r in summaries(warehouse)}["s1"]
    assert (one["documents"], one["sources"], one["languages"]) == (2, 2, ["en", "ja"])
    assert (one["title_document"], one["official"]) == ("d1", 1)
    assert one["last_seen"].startswith("2026-01-11")
    assert_exact(warehouse)


def test_a_revision_moves_the_document_and_an_emptied_story_goes(
    warehouse: ChdbWarehouse,
) -> None:
    write(warehouse, classified("d1", "s1"), classified("d2", "s1", source="news-b"))
    write(warehouse, classified("d3", "s2"))
    later = DAY + timedelta(hours=5)
    write(warehouse, classified("d3", "s1", classified_at=later, version="c2"))  # s2 is empty
    write(warehouse, classified("d1", None, classified_at=later, version="c2"))  # irrelevant now
    write(warehouse, classified("d3", "s2"))  # an old classification replayed: changes nothing
    got = {r["story_id"]: (r["documents"], r["sources"]) for r in summaries(warehouse)}
    assert got == {"s1": (2, 2)}
    assert_exact(warehouse)


def test_both_in_one_batch_count_the_newer_once(warehouse: ChdbWarehouse) -> None:
    later = DAY + timedelta(minutes=1)
    write(
        warehouse,
        classified("d1", "s2", classified_at=later, version="c2"),
        classified("d1", "s1"),
    )
    assert [r["story_id"] for r in summaries(warehouse)] == ["s2"]
    assert_exact(warehouse)


def test_a_write_cut_short_is_completed_by_the_retry(warehouse: ChdbWarehouse) -> None:
    events = [classified(f"d{i}", f"s{i % 3}", source=f"src{i % 2}") for i in range(9)]
    rows = batch(*events)
    # The process died after the stories rows and the ranks, before the classifications.
    warehouse.insert_rows("stories", rows.tables["stories"])
    warehouse.insert_rows("story_ranks", story_rank_rows(warehouse, rows.tables["classifications"]))
    write(warehouse, *events[:4])  # the retry re-formed a smaller batch ...
    write(warehouse, *events)  # ... and then the rest
    assert sorted(int(r["documents"]) for r in summaries(warehouse)) == [3, 3, 3]
    assert_exact(warehouse)


def test_a_period_reads_the_stories_seen_in_it(warehouse: ChdbWarehouse) -> None:
    write(
        warehouse,
        classified("d1", "early"),
        classified("d2", "span", published=DAY + timedelta(days=2)),
        classified("d3", "span", published=DAY + timedelta(days=40)),
        classified("d4", "late", published=DAY + timedelta(days=60)),
    )

    def between(since: datetime, until: datetime) -> list[str]:
        rows = warehouse.query(
            "SELECT story_id FROM story_summaries_between(since = {since:DateTime64(3, 'UTC')}, "
            "until = {until:DateTime64(3, 'UTC')}) ORDER BY story_id",
            params={"since": f"{since:%Y-%m-%d %H:%M:%S}", "until": f"{until:%Y-%m-%d %H:%M:%S}"},
        )
        return [r["story_id"] for r in rows]

    assert between(DAY + timedelta(days=10), DAY + timedelta(days=20)) == ["span"]
    assert between(DAY, DAY + timedelta(days=1)) == ["early"]
    assert between(DAY + timedelta(days=50), DAY + timedelta(days=90)) == ["late"]
    assert_exact(warehouse)


def test_an_upgraded_warehouse_summarises_the_stories_it_already_holds(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    """The migration that adds story_ranks fills it from the stories' rows."""
    migrate_before(fresh_database, tmp_path / "migrations", "026")
    old = batch(
        classified("d1", "s1", kind="official_statement"),
        classified("d2", "s1", source="news-b"),
        classified("d2", "s2", source="news-b", classified_at=DAY + timedelta(1), version="c2"),
        classified("d3", "s3"),
    )
    for table in ("stories", "classifications"):
        fresh_database.insert_rows(table, old.tables[table])
    migrate(fresh_database, MIGRATIONS_DIR)
    assert [r["story_id"] for r in summaries(fresh_database)] == ["s1", "s2", "s3"]
    assert_exact(fresh_database)
    write(fresh_database, classified("d3", "s1", classified_at=DAY + timedelta(2), version="c2"))
    assert [r["story_id"] for r in summaries(fresh_database)] == ["s1", "s2"]
    assert_exact(fresh_database)


def test_the_sink_looks_stories_up_by_their_projection(warehouse: ChdbWarehouse) -> None:
    """The table is ordered by size for readers; the sink's look-up by story reads the
    projection ordered by story instead of every row."""
    warehouse.command(  # more stories than one granule holds, in size order
        "INSERT INTO story_ranks (story_id, state, sign, documents, sources, last_seen) "
        "SELECT concat('s', toString(number)), number, 1, number % 7, number % 5, "
        "toDateTime64('2026-01-01 00:00:00', 3, 'UTC') FROM numbers(100000)"
    )
    plan = " ".join(
        str(r["explain"])
        for r in warehouse.query("EXPLAIN " + _ROWS, params={"stories": ["s1", "s77777"]})
    )
    assert "ReadFromMergeTree (by_story)" in plan, plan


def test_the_upgrade_and_the_sink_agree_on_every_story_of_the_corpus(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    """The rows the migration computes with the view it replaces (014) and the ones the sink
    computes are the same, over every story of the demo corpus, the seeds and the
    discovery sample: titles by statement and by centrality, sources, languages, dates."""
    migrate_before(fresh_database, tmp_path / "migrations", "026")
    rows = fixture_rows()
    for raw in discovery_records():
        rows.add_record(raw)
    for table in ("stories", "classifications"):
        fresh_database.insert_rows(table, rows.tables[table])
    migrate(fresh_database, MIGRATIONS_DIR)
    held = summaries(fresh_database)
    assert len(held) > 10 and any(r["official"] for r in held)
    assert any(not r["official"] and r["documents"] > 2 for r in held)  # a central report
    assert_exact(fresh_database)


def test_ids_with_quotes_and_backslashes_are_looked_up_as_written(
    warehouse: ChdbWarehouse,
) -> None:
    odd_story, odd_doc = "s'1\\x", "d'1\\x"
    write(warehouse, classified(odd_doc, odd_story), classified("d2", odd_story, source="b"))
    write(warehouse, classified(odd_doc, odd_story))  # a replay finds the row it wrote
    later = DAY + timedelta(hours=1)
    write(warehouse, classified(odd_doc, "s2", classified_at=later, version="c2"))
    got = {r["story_id"]: r["documents"] for r in summaries(warehouse)}
    assert got == {odd_story: 1, "s2": 1}
    assert_exact(warehouse)
