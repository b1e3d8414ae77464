"""Dates, candidates, occurrences, fulfilment and stories in the warehouse: classified events
through the real sink (Tansu -> chDB), replayed, and read back by the views and reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.topics import TopicNames
from sinks.read_model.analyst_queries import run_query
from sinks.read_model.report_filters import QueryFilters
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from tests.conftest import Broker
from tests.discovery_events import (
    DIALOGUE,
    DIALOGUE_NAME,
    at,
    classified,
    discovery_events,
    discovery_records,
)
from tests.integration.test_sink import count, make_sink, run_in_thread
from tests.waiting import wait_for

TODAY = date(2026, 6, 1)


def _publish(broker: Broker, topic: str, records: list[bytes]) -> None:
    publisher = Publisher(broker.bootstrap)
    try:
        outgoing = [Outgoing(topic, f"k{i}".encode(), raw) for i, raw in enumerate(records)]
        assert publisher.publish(outgoing).failed == 0
    finally:
        publisher.close()


def _stored_offsets(warehouse: ChdbWarehouse) -> int:
    """Records the sink has written and recorded (every topic's next offsets summed)."""
    rows = warehouse.query(
        "SELECT sum(next_offset) AS n FROM (SELECT topic, partition, "
        "argMax(next_offset, updated_at) AS next_offset FROM sink_offsets "
        "GROUP BY topic, partition)"
    )
    return int(rows[0]["n"] or 0)


@pytest.fixture()
def warehouse(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> Iterator[ChdbWarehouse]:
    """The sample events written by the sink, twice (a replay), and a re-classification."""
    migrate(fresh_database, MIGRATIONS_DIR)
    records = discovery_records()
    _publish(broker, topics.classified, records + records)
    sink = make_sink(broker, topics, fresh_database)
    thread = run_in_thread(sink)
    wait_for(lambda: _stored_offsets(fresh_database) == len(records) * 2)
    # A newer classifier version of one report no longer finds the candidate.
    reclassified = classified(
        "d-news-en",
        published=at(2026, 3, 2, 12),
        observed=at(2026, 7, 1),
        initiatives=("in-jp.sspg",),
        story_id="story-launch",
        classifier_version="c2",
    )
    _publish(broker, topics.classified, [encode(reclassified)])
    wait_for(lambda: _stored_offsets(fresh_database) == len(records) * 2 + 1)
    sink.stop()
    thread.join(10)
    yield fresh_database


def test_candidates_are_idempotent_rows_and_one_summary_per_key(warehouse: ChdbWarehouse) -> None:
    stored = count(warehouse, "SELECT count() AS n FROM initiative_candidates FINAL")
    assert stored == sum(len(e.candidates) for e in discovery_events())  # the replay collapsed
    [row] = warehouse.query("SELECT * FROM new_initiatives")
    assert row["key"] == DIALOGUE
    assert row["name"] == DIALOGUE_NAME  # the spelling of most documents
    assert row["variants"][0] == DIALOGUE_NAME
    assert set(row["variants"]) == {DIALOGUE_NAME, "日印半導体サプライチェーン対話"}  # en one gone
    assert row["documents"] == 4  # d-news-en's latest classification has no candidate
    assert row["sources"] == 3  # mea-press, news-ja, news-b
    assert row["parties"] == ["IN", "JP"]
    assert row["actors"] == ["in.s-jaishankar", "jp.toshimitsu-motegi"]
    assert row["languages"] == ["en", "ja"]
    assert row["first_seen"].startswith("2026-03-02 09:00")
    assert row["first_document"] == "d-statement"
    assert 1 <= len(row["evidence"]) <= 3


def test_commitments_are_open_met_or_overdue_with_the_fulfilling_evidence(
    warehouse: ChdbWarehouse,
) -> None:
    rows = run_query(warehouse, "commitments", QueryFilters(today=TODAY))
    by_action = {r["action"]: r for r in rows}
    met = by_action["hold its first meeting"]
    assert (met["status"], met["commitment_of"]) == ("met", DIALOGUE)
    assert (met["fulfilled_on"], met["fulfilled_by"]) == ("2026-04-14", "d-first-meeting")
    assert "first time in New Delhi" in met["evidence"]
    assert met["documents"] == 1  # d-news-en reported it too, but its latest version does not
    assert by_action["review the maritime awareness programme"]["status"] == "overdue"
    late = by_action["meet in Tokyo"]
    assert (late["status"], late["fulfilled_on"]) == ("overdue", None)  # it met after the grace
    assert by_action["publish a joint stockpiling study"]["status"] == "open"

    generous = run_query(warehouse, "commitments", QueryFilters(today=TODAY, grace_days=30))
    assert {r["action"]: r["status"] for r in generous}["meet in Tokyo"] == "met"
    only_met = run_query(warehouse, "commitments", QueryFilters(today=TODAY, status="met"))
    assert [r["action"] for r in only_met] == ["hold its first meeting"]
    in_grace = run_query(warehouse, "commitments", QueryFilters(today=date(2026, 2, 5)))
    assert {r["action"]: r["status"] for r in in_grace}[
        "review the maritime awareness programme"
    ] == "open"  # due 31 January, and the grace runs to 7 February


def test_the_status_view_agrees_with_the_report_for_seven_days_of_grace(
    warehouse: ChdbWarehouse,
) -> None:
    view = {r["action"]: r["status"] for r in warehouse.query("SELECT * FROM commitment_status")}
    report = run_query(warehouse, "commitments", QueryFilters(today=date.today()))
    assert view == {r["action"]: r["status"] for r in report}


def test_stories_have_a_title_sources_languages_and_first_seen(warehouse: ChdbWarehouse) -> None:
    summaries = {r["story_id"]: r for r in warehouse.query("SELECT * FROM story_summaries")}
    launch = summaries["story-launch"]
    assert launch["title"] == "Joint Statement on the Semiconductor Supply Chain Dialogue"
    assert launch["title_document"] == "d-statement"  # the official statement's
    assert (launch["documents"], launch["sources"]) == (4, 4)
    assert launch["languages"] == ["en", "ja"]
    assert launch["first_seen"].startswith("2026-03-02 09:00")
    assert launch["last_seen"].startswith("2026-05-20")  # the undated report, seen then
    quad = summaries["story-quad"]
    # no statement: the report sharing the most labels with the others (the earlier on a tie)
    assert quad["title"] == "What the Quad review could change"
    rows = run_query(warehouse, "stories", QueryFilters(initiative="quad"))
    assert [r["story_id"] for r in rows] == ["story-quad"]
    assert rows[0]["languages"] == "en" and rows[0]["sources"] == 3


PERIODS = [
    ("1970-01-01 00:00:00", "2099-12-31 00:00:00"),  # every story
    ("2026-03-01 00:00:00", "2026-03-03 00:00:00"),  # the launch's first day
    ("2026-04-01 00:00:00", "2026-04-30 00:00:00"),  # inside stories' spans
    ("2026-05-20 00:00:00", "2026-05-20 23:59:59"),  # the undated report's day only
    ("2026-05-21 00:00:00", "2026-12-31 00:00:00"),  # after every story
]


def test_stories_of_a_period_are_those_the_view_over_all_stories_gives(
    warehouse: ChdbWarehouse,
) -> None:
    for since, until in PERIODS:
        params = {"since": since, "until": until}
        expected = warehouse.query(
            "SELECT * FROM story_summaries WHERE first_seen <= {until:DateTime64(3, 'UTC')} "
            "AND last_seen >= {since:DateTime64(3, 'UTC')} ORDER BY story_id",
            params=params,
        )
        got = warehouse.query(
            "SELECT * FROM story_summaries_between(since = {since:DateTime64(3, 'UTC')}, "
            "until = {until:DateTime64(3, 'UTC')}) ORDER BY story_id",
            params=params,
        )
        assert got == expected, (since, until)


def test_a_period_keeps_only_the_stories_seen_in_it(warehouse: ChdbWarehouse) -> None:
    every = warehouse.query("SELECT story_id FROM story_summaries ORDER BY story_id")
    march = warehouse.query(
        "SELECT story_id FROM story_summaries_between(since = '2026-03-01 00:00:00', "
        "until = '2026-03-02 23:59:59.999') ORDER BY story_id"
    )
    assert march and len(march) < len(every)  # the comparison above is not between empties
    rows = run_query(warehouse, "stories", QueryFilters(since=date(2026, 5, 21)))
    assert rows == []  # nothing was seen after 20 May
    period = QueryFilters(since=date(2026, 3, 1), until=date(2026, 3, 2))
    rows = run_query(warehouse, "stories", period)
    assert {r["story_id"] for r in rows} == {r["story_id"] for r in march}


def test_trends_leave_observed_only_dates_out_unless_asked(warehouse: ChdbWarehouse) -> None:
    def months(include: bool) -> dict[str, int]:
        filters = QueryFilters(initiative="in-jp.sspg", interval="month", include_observed=include)
        return {r["period"]: r["documents"] for r in run_query(warehouse, "trends", filters)}

    assert months(include=False) == {"2026-03-01": 2}
    assert months(include=True) == {"2026-03-01": 2, "2026-05-01": 1}
    by_source = warehouse.query(
        "SELECT date_source, toUInt64(sum(sign)) AS n FROM label_changes "
        "WHERE label_type = 'initiative' AND label_id = 'in-jp.sspg' "
        "GROUP BY date_source HAVING n > 0 ORDER BY date_source"
    )
    assert by_source == [{"date_source": "observed", "n": 1}, {"date_source": "record", "n": 2}]


def test_candidates_report_filters_by_documents_and_party(warehouse: ChdbWarehouse) -> None:
    rows = run_query(warehouse, "candidates", QueryFilters(min_documents=4, country="jp"))
    assert [r["key"] for r in rows] == [DIALOGUE]
    assert run_query(warehouse, "candidates", QueryFilters(min_documents=5)) == []
    assert run_query(warehouse, "candidates", QueryFilters(country="US")) == []
    assert run_query(warehouse, "candidates", QueryFilters(since=date(2026, 3, 3))) == []
