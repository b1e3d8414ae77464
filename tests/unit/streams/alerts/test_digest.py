"""Digests: one alert per closed period, nothing for periods told or long past."""

from __future__ import annotations

from datetime import timedelta

from streams.alerts.digest import DigestState, add, close_due
from streams.alerts.windows import Observation
from tests.unit.streams.alerts.factories import T0


def seen(doc: str, minutes: float) -> Observation:
    return Observation(doc, {"document_id": doc}, T0 + timedelta(minutes=minutes))


def test_documents_of_an_hour_are_told_once_after_it_closed() -> None:
    state = DigestState()
    now = T0 + timedelta(minutes=30)
    assert [add(state, "hourly", seen(d, m), now) for d, m in [("a", 1), ("b", 5), ("a", 9)]] == [
        "added",
        "added",
        "duplicate",
    ]
    assert close_due(state, "hourly", T0 + timedelta(minutes=61)) == []  # within grace
    closed = close_due(state, "hourly", T0 + timedelta(minutes=63))
    assert len(closed) == 1
    assert (closed[0].start, closed[0].end, closed[0].count) == (T0, T0 + timedelta(hours=1), 2)
    assert close_due(state, "hourly", T0 + timedelta(hours=5)) == []
    assert add(state, "hourly", seen("c", 20), T0 + timedelta(minutes=64)) == "late"


def test_a_replay_of_old_documents_opens_no_past_digest() -> None:
    state = DigestState()
    now = T0 + timedelta(days=3)
    assert add(state, "daily", seen("a", 0), now) == "late"
    assert state.periods == {}


def test_daily_periods_and_json_round_trip() -> None:
    state = DigestState(partition=2)
    add(state, "daily", seen("a", 0), T0)
    add(state, "daily", seen("b", 600), T0 + timedelta(hours=10))
    restored = DigestState.from_json(state.to_json())
    assert restored == state
    closed = close_due(restored, "daily", T0 + timedelta(days=1))
    assert [c.count for c in closed] == [2]
    assert closed[0].start.hour == 0
