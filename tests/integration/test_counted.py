"""Additive counts stay exact: retries, replays, re-ingested copies and revisions (real chDB).

Each case writes batches the way the sink does (sinks.counted.change_rows read back,
then inserted), then compares the pre-summed tables with the same counts computed from
the classifications themselves (each document's newest classification).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schemas.codec import encode
from sinks.counted import TABLES, change_rows
from sinks.projection import TableRows
from sinks.read_model.analyst_queries import QUERIES, actors_over_mentions
from sinks.read_model.report_filters import QueryFilters
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from tests.discovery_events import classified as classified_event
from tests.warehouse_fixture import migrate_before

DAY = datetime(2026, 1, 10, 8, tzinfo=UTC)


def classified(
    doc: str,
    initiatives: tuple[str, ...],
    actors: tuple[str, ...],
    *,
    published: datetime = DAY,
    classified_at: datetime = DAY,
    version: str = "c1",
    story: str | None = None,
    source: str = "s",
    roles: dict[str, str] | None = None,
) -> bytes:
    """One classification; its event id names when it was made (two of one version differ)."""
    return encode(
        classified_event(
            doc,
            published=published,
            observed=classified_at,
            event_id=f"e-{doc}-{version}-{classified_at.timestamp()}",
            classifier_version=version,
            source_id=source,
            relevant=bool(initiatives or actors),
            initiatives=initiatives,
            actors=actors,
            countries=("JP",) if initiatives else (),
            story_id=story,
            actor_countries={a: a.partition(".")[0].upper() for a in actors},
            actor_roles=roles,
        )
    )


def write(warehouse: ChdbWarehouse, *events: bytes, only: tuple[str, ...] = ()) -> None:
    """One sink batch: the change tables (or ``only`` some, as a crash part-way would
    leave them), then the classifications and their mentions."""
    batch = TableRows()
    for raw in events:
        batch.add_record(raw)
    for table, rows in change_rows(warehouse, batch.tables["classifications"]).items():
        if not only or table in only:
            warehouse.insert_rows(table, rows)
    if not only:
        warehouse.insert_rows("classifications", batch.tables["classifications"])
        warehouse.insert_rows("mentions", batch.tables["mentions"])


LATEST = """
    (SELECT document_id,
            argMax(tuple(occurred_at, source_kind, date_source, initiatives, actors, countries,
                         story_id, source_id, relevant,
                         JSONExtract(labels, 'actors', 'Array(Tuple(id String, country String))')),
                   tuple(classified_at, event_id)) AS c
     FROM classifications GROUP BY document_id)
"""
LABEL_TYPES = ("actor", "country", "initiative")


def labels_fast(warehouse: ChdbWarehouse, *types: str) -> list[dict[str, object]]:
    """What the change tables count per key (of ``types``, or all)."""
    return warehouse.query(
        "SELECT label_type, label_id, country, toString(day) AS day, sum(sign) AS documents "
        "FROM label_changes WHERE label_type != '' "
        "AND (length({types:Array(String)}) = 0 OR has({types:Array(String)}, label_type)) "
        "GROUP BY label_type, label_id, country, day "
        "HAVING documents != 0 ORDER BY label_type, label_id, country, day",
        params={"types": list(types)},
    )


def rows(result: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in result]


def labels_exact(warehouse: ChdbWarehouse) -> list[dict[str, object]]:
    """The same from each document's latest classification: its labels (an actor with its
    country), its actors' countries, its source, its source if relevant, and once each
    whether it names an initiative and whether it is in a story."""
    actor_country = "arrayFirst(p -> p.1 = x, c.10).2"
    return warehouse.query(
        "SELECT key.1 AS label_type, key.2 AS label_id, key.3 AS country, "
        "toString(toDate(c.1)) AS day, count() AS documents FROM " + LATEST + " ARRAY JOIN "
        "arrayConcat(arrayMap(x -> tuple('initiative', x, ''), arrayDistinct(c.4)), "
        f"arrayMap(x -> tuple('actor', x, {actor_country}), arrayDistinct(c.5)), "
        "arrayMap(x -> tuple('country', x, x), arrayDistinct(c.6)), "
        "arrayMap(x -> tuple('actor_country', x, x), "
        "arrayDistinct(arrayFilter(x -> x != '', arrayMap(p -> p.2, c.10)))), "
        "[tuple('source', c.8, '')], "
        "if(c.9 = 1, [tuple('relevant_source', c.8, '')], []), "
        "if(notEmpty(c.4), [tuple('initiatives', '', '')], []), "
        "if(c.7 != '', [tuple('story', '', '')], [])) AS key "
        "GROUP BY label_type, label_id, country, day "
        "ORDER BY label_type, label_id, country, day"
    )


def pairs_fast(warehouse: ChdbWarehouse) -> list[dict[str, object]]:
    return warehouse.query(
        "SELECT initiative, actor, sum(sign) AS documents FROM co_mention_changes "
        "WHERE initiative != '' GROUP BY initiative, actor HAVING documents != 0 "
        "ORDER BY initiative, actor"
    )


def pairs_exact(warehouse: ChdbWarehouse) -> list[dict[str, object]]:
    return warehouse.query(
        "SELECT i AS initiative, a AS actor, count() AS documents FROM " + LATEST + " "
        "ARRAY JOIN c.4 AS i ARRAY JOIN c.5 AS a GROUP BY initiative, actor "
        "ORDER BY initiative, actor"
    )


def assert_exact(warehouse: ChdbWarehouse) -> None:
    assert labels_fast(warehouse) == labels_exact(warehouse)
    assert pairs_fast(warehouse) == pairs_exact(warehouse)


@pytest.fixture
def warehouse(fresh_database: ChdbWarehouse) -> ChdbWarehouse:
    migrate(fresh_database, MIGRATIONS_DIR)
    return fresh_database


def test_retries_replays_and_copies_add_nothing(warehouse: ChdbWarehouse) -> None:
    a = classified("d1", ("quad",), ("jp.motegi",), story="s1")
    b = classified("d2", ("quad", "aid"), ("in.jaishankar",), story="s1", source="other")
    write(warehouse, a, b)
    write(warehouse, a, b)  # the batch retried
    write(warehouse, b)  # a copy re-ingested later, alone
    write(warehouse, a, a, b)  # the whole topic replayed, with a duplicate
    assert rows(labels_fast(warehouse, *LABEL_TYPES)) == [
        ("actor", "in.jaishankar", "IN", "2026-01-10", 1),
        ("actor", "jp.motegi", "JP", "2026-01-10", 1),
        ("country", "JP", "JP", "2026-01-10", 2),
        ("initiative", "aid", "", "2026-01-10", 1),
        ("initiative", "quad", "", "2026-01-10", 2),
    ]
    assert_exact(warehouse)


def test_a_newer_classification_moves_the_document_and_an_older_one_does_not(
    warehouse: ChdbWarehouse,
) -> None:
    later = DAY + timedelta(hours=5)
    first = classified("d1", ("quad",), ("jp.motegi",), story="s1")
    revised = classified(
        "d1",
        ("aid",),
        ("jp.motegi", "in.modi"),
        published=DAY - timedelta(days=3),  # the new classifier read an earlier date
        classified_at=later,
        version="c2",
        story="s2",
    )
    write(warehouse, first)
    write(warehouse, revised)
    write(warehouse, first)  # an old classification replayed after the newer one
    assert rows(labels_fast(warehouse, *LABEL_TYPES)) == [
        ("actor", "in.modi", "IN", "2026-01-07", 1),
        ("actor", "jp.motegi", "JP", "2026-01-07", 1),
        ("country", "JP", "JP", "2026-01-07", 1),
        ("initiative", "aid", "", "2026-01-07", 1),
    ]
    assert pairs_fast(warehouse) == [
        {"initiative": "aid", "actor": "in.modi", "documents": 1},
        {"initiative": "aid", "actor": "jp.motegi", "documents": 1},
    ]
    assert_exact(warehouse)


def test_both_in_one_batch_count_the_newer_once(warehouse: ChdbWarehouse) -> None:
    later = DAY + timedelta(minutes=1)
    write(
        warehouse,
        classified("d1", ("aid",), (), classified_at=later, version="c2"),
        classified("d1", ("quad",), ()),
    )
    assert [(r["label_id"], r["documents"]) for r in labels_fast(warehouse, *LABEL_TYPES)] == [
        ("JP", 1),
        ("aid", 1),
    ]
    assert_exact(warehouse)


def test_a_write_cut_short_is_completed_by_the_retry(warehouse: ChdbWarehouse) -> None:
    events = [classified(f"d{i}", ("quad",), ("jp.motegi",), story=f"s{i % 3}") for i in range(9)]
    write(warehouse, *events, only=("label_changes",))  # the process died after one table
    write(warehouse, *events[:4])  # the retry re-formed a smaller batch ...
    write(warehouse, *events)  # ... and then the rest
    assert sum(int(r["documents"]) for r in pairs_fast(warehouse)) == 9
    assert_exact(warehouse)


def test_a_document_that_loses_every_label_leaves_no_count(warehouse: ChdbWarehouse) -> None:
    write(warehouse, classified("d1", ("quad",), ("jp.motegi",), story="s1"))
    write(warehouse, classified("d1", (), (), classified_at=DAY + timedelta(hours=1)))
    assert labels_fast(warehouse, *LABEL_TYPES) == [] and pairs_fast(warehouse) == []
    assert_exact(warehouse)


def test_trend_queries_read_the_pre_summed_projections(warehouse: ChdbWarehouse) -> None:
    write(warehouse, classified("d1", ("quad",), ("jp.motegi",), story="s1"))
    plans = {
        "trend": "SELECT toMonday(day) AS week, label_id, sum(sign) FROM label_changes "
        "WHERE label_type = 'initiative' GROUP BY week, label_id",
        "hourly": "SELECT hour, sum(sign) FROM label_changes WHERE label_type = 'actor' "
        "AND label_id = 'jp.motegi' GROUP BY hour",
        "top actors": "SELECT label_id, sum(sign) FROM label_changes WHERE label_type = 'actor' "
        "GROUP BY label_id",
        "co-mentions": "SELECT initiative, actor, sum(sign) FROM co_mention_changes "
        "GROUP BY initiative, actor",
    }
    for question, sql in plans.items():
        plan = " ".join(str(r["explain"]) for r in warehouse.query("EXPLAIN " + sql))
        # a pre-summed projection, this one or (on tiny data, marks tie) another that fits
        assert "ReadFromMergeTree (by_" in plan, (question, plan)
    assert [t.name for t in TABLES] == ["label_changes", "co_mention_changes"]


def test_document_ids_with_quotes_are_looked_up_as_written(warehouse: ChdbWarehouse) -> None:
    odd = "d'1\\x"
    write(warehouse, classified(odd, ("quad",), ()))
    write(warehouse, classified(odd, ("quad",), ()))
    assert [(r["label_id"], r["documents"]) for r in labels_fast(warehouse, *LABEL_TYPES)] == [
        ("JP", 1),
        ("quad", 1),
    ]


def test_an_upgraded_warehouse_counts_what_it_already_holds(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    """The migration that adds the change tables fills them from the classifications, and
    the one that adds keys (actors' countries, sources) counts them again with those."""
    migrate_before(fresh_database, tmp_path / "migrations", "024")
    batch = TableRows()
    for raw in (
        classified("d1", ("quad",), ("jp.motegi",), story="s1"),
        classified("d1", ("aid",), ("jp.motegi",), story="s1", classified_at=DAY + timedelta(1)),
        classified("d2", ("quad", "aid"), ("in.modi",), story="s1", source="other"),
        classified("d3", (), ()),
    ):
        batch.add_record(raw)
    fresh_database.insert_rows("classifications", batch.tables["classifications"])
    migrate_before(fresh_database, tmp_path / "before-keys", "028")
    columns = fresh_database.query("SELECT name FROM system.columns WHERE table = 'label_changes'")
    assert "country" not in {r["name"] for r in columns}
    assert fresh_database.query("SELECT count() AS n FROM label_changes")[0]["n"] > 0
    migrate(fresh_database, MIGRATIONS_DIR)
    assert labels_fast(fresh_database, "actor_country", "relevant_source")
    assert pairs_fast(fresh_database)
    assert_exact(fresh_database)
    again = classified("d2", ("quad", "aid"), ("in.modi",), story="s1", source="other")
    write(fresh_database, again)  # a replay after the upgrade adds nothing
    assert_exact(fresh_database)
    later = DAY + timedelta(days=2)  # a newer classification moves the document
    write(fresh_database, classified("d2", ("quad",), (), story="s2", classified_at=later))
    assert_exact(fresh_database)


def test_sources_relevance_and_actors_countries_follow_the_latest_classification(
    warehouse: ChdbWarehouse,
) -> None:
    """A document counts once per country its actors speak for, and for its source; for
    its source again while relevant. A re-classification moves all of them."""
    later = DAY + timedelta(hours=2)
    write(
        warehouse,
        classified("d1", ("quad",), ("jp.motegi", "in.modi", "in.jaishankar")),
        classified("d2", (), (), source="other"),
    )
    assert rows(labels_fast(warehouse, "actor_country", "source", "relevant_source")) == [
        ("actor_country", "IN", "IN", "2026-01-10", 1),
        ("actor_country", "JP", "JP", "2026-01-10", 1),
        ("relevant_source", "s", "", "2026-01-10", 1),
        ("source", "other", "", "2026-01-10", 1),
        ("source", "s", "", "2026-01-10", 1),
    ]
    write(warehouse, classified("d1", (), ("in.modi",), classified_at=later, version="c2"))
    assert rows(labels_fast(warehouse, "actor_country", "source", "relevant_source")) == [
        ("actor_country", "IN", "IN", "2026-01-10", 1),
        ("relevant_source", "s", "", "2026-01-10", 1),  # still relevant: it names an actor
        ("source", "other", "", "2026-01-10", 1),
        ("source", "s", "", "2026-01-10", 1),
    ]
    write(warehouse, classified("d1", (), (), classified_at=later + timedelta(1), version="c3"))
    assert ("relevant_source", "s") not in {
        (r["label_type"], r["label_id"]) for r in labels_fast(warehouse)
    }
    assert_exact(warehouse)


def test_documents_naming_initiatives_and_in_stories_count_once_each(
    warehouse: ChdbWarehouse,
) -> None:
    """A document naming two initiatives counts once among the documents naming any; a
    re-classification out of its story and its initiatives takes both back."""
    later = DAY + timedelta(hours=2)
    write(
        warehouse,
        classified("d1", ("quad", "aid"), ("jp.motegi",), story="s1"),
        classified("d2", ("quad",), (), story="s1"),
        classified("d3", (), ("in.modi",)),
    )
    assert rows(labels_fast(warehouse, "initiatives", "story")) == [
        ("initiatives", "", "", "2026-01-10", 2),
        ("story", "", "", "2026-01-10", 2),
    ]
    write(warehouse, classified("d1", (), ("jp.motegi",), classified_at=later, version="c2"))
    assert rows(labels_fast(warehouse, "initiatives", "story")) == [
        ("initiatives", "", "", "2026-01-10", 1),
        ("story", "", "", "2026-01-10", 1),
    ]
    assert_exact(warehouse)


def initiative_actors(warehouse: ChdbWarehouse) -> list[dict[str, object]]:
    """`query initiative` for quad as it runs (from the pairs), checked against the same
    report over each document's latest mentions."""
    filters = QueryFilters(initiative="quad", limit=50)
    sql, params = QUERIES["initiative"](filters)
    summed = warehouse.query(sql, params=params)
    sql, params = actors_over_mentions(filters)
    assert summed == warehouse.query(sql, params=params)
    return summed


def test_an_initiatives_actors_are_listed_with_their_latest_details(
    warehouse: ChdbWarehouse,
) -> None:
    """Who speaks for an initiative: each actor's name, role, country and last mention in
    the documents naming it, as their latest classifications say; a re-classification
    that changes a role, drops an actor or moves a document's date moves them."""
    motegi, modi = "jp.motegi", "in.modi"
    write(
        warehouse,
        classified("d1", ("quad",), (motegi, modi), roles={motegi: "FM", modi: "PM"}),
        classified("d2", ("quad", "aid"), (motegi,), published=DAY + timedelta(days=1)),
        classified("d3", ("aid",), (motegi,), published=DAY + timedelta(2), roles={motegi: "M"}),
    )
    listed = initiative_actors(warehouse)
    assert [(r["actor"], r["role"], r["country"], r["documents"]) for r in listed] == [
        (motegi, "FM", "JP", 2),  # d3's role is not in a document naming quad
        (modi, "PM", "IN", 1),
    ]
    assert str(listed[0]["last_seen"]).startswith("2026-01-11")
    later = DAY + timedelta(days=5)
    write(
        warehouse,
        classified(
            "d2",
            ("quad",),
            (motegi,),
            published=DAY + timedelta(hours=2),  # a day earlier, after d1
            roles={motegi: "Foreign Minister"},
            classified_at=later,
            version="c2",
        ),
        classified("d1", ("quad",), (motegi,), classified_at=later, version="c2"),
    )
    listed = initiative_actors(warehouse)
    assert [(r["actor"], r["role"], r["documents"]) for r in listed] == [
        (motegi, "Foreign Minister", 2)
    ]
    assert str(listed[0]["last_seen"]).startswith("2026-01-10 10:00")
    assert_exact(warehouse)


def test_an_upgraded_warehouse_lists_an_initiatives_actors_with_details(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    """The migration that adds the pairs' details counts the pairs again with them."""
    migrate_before(fresh_database, tmp_path / "migrations", "030")
    batch = TableRows()  # held before the upgrade: the classifications and their mentions
    for raw in (
        classified("d1", ("quad",), ("jp.motegi", "in.modi"), roles={"in.modi": "PM"}),
        classified(
            "d1",
            ("quad",),
            ("in.modi",),
            roles={"in.modi": "Prime Minister"},
            classified_at=DAY + timedelta(1),
            version="c2",
        ),
        classified("d2", ("quad", "aid"), ("jp.motegi",), roles={"jp.motegi": "FM"}),
    ):
        batch.add_record(raw)
    for table in ("classifications", "mentions"):
        fresh_database.insert_rows(table, batch.tables[table])
    migrate(fresh_database, MIGRATIONS_DIR)
    listed = initiative_actors(fresh_database)
    assert [(r["actor"], r["role"], r["documents"]) for r in listed] == [
        ("in.modi", "Prime Minister", 1),  # its latest classification's
        ("jp.motegi", "FM", 1),
    ]
    assert pairs_fast(fresh_database) == pairs_exact(fresh_database)
    write(
        fresh_database,
        classified("d2", ("quad",), (), classified_at=DAY + timedelta(2), version="c2"),
    )
    assert [r["actor"] for r in initiative_actors(fresh_database)] == ["in.modi"]
