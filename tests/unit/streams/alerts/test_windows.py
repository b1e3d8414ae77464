"""Volume and spike windows: distinct documents, once per window, observed time, pruning."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.subscriptions import SpikeTrigger, VolumeTrigger
from streams.alerts.windows import (
    HOUR,
    Observation,
    WindowPolicy,
    WindowState,
    observe,
    z_score,
)
from tests.unit.streams.alerts.factories import T0

VOLUME = VolumeTrigger(threshold=3, window_minutes=15)
SPIKE = SpikeTrigger(baseline_hours=24, z_score=3.0, min_documents=3)


def seen(doc: str, at: datetime, published: datetime | None = None) -> Observation:
    return Observation(doc, {"document_id": doc}, at, published)


def test_volume_fires_once_when_the_window_reaches_the_threshold() -> None:
    state = WindowState()
    fired = []
    for i, doc in enumerate(["a", "b", "a", "c", "d"]):
        _, out = observe(state, VOLUME, seen(doc, T0 + timedelta(minutes=i)))
        fired += out
    assert len(fired) == 1
    assert (fired[0].kind, fired[0].count) == ("volume", 3)
    assert fired[0].start == T0 and fired[0].end == T0 + timedelta(minutes=15)
    assert [d["document_id"] for d in fired[0].documents] == ["a", "b", "c"]


def test_volume_windows_are_tumbling_and_aligned_to_the_epoch() -> None:
    state = WindowState()
    start = T0 + timedelta(minutes=14)  # the 06:00-06:15 window ends a minute later
    out = [
        observe(state, VOLUME, seen(d, start + timedelta(seconds=30 * i)))[1]
        for i, d in enumerate("abcd")
    ]
    assert [len(o) for o in out] == [0, 0, 0, 0]
    assert sorted(state.volume) == [int(T0.timestamp()), int(T0.timestamp()) + 900]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=40),
    st.lists(st.integers(0, 14 * 60 - 1), min_size=40, max_size=40),
    st.integers(1, 4),
)
def test_volume_fires_exactly_once_per_window_however_documents_are_replayed(
    docs: list[str], seconds: list[int], replays: int
) -> None:
    state = WindowState()
    fired = 0
    for _ in range(replays):
        for doc, second in zip(docs, seconds, strict=False):
            fired += len(observe(state, VOLUME, seen(doc, T0 + timedelta(seconds=second)))[1])
    assert fired == (1 if len(set(docs)) >= VOLUME.threshold else 0)


def test_state_survives_a_json_round_trip_and_keeps_what_fired() -> None:
    state = WindowState()
    for doc in "abc":
        observe(state, VOLUME, seen(doc, T0))
    restored = WindowState.from_json(state.to_json())
    assert restored == state
    assert observe(restored, VOLUME, seen("d", T0)) == ("counted", [])


def test_backfill_and_replay_raise_nothing() -> None:
    state = WindowState()
    observe(state, VOLUME, seen("now", T0))
    old = T0 - timedelta(days=30)
    assert observe(state, VOLUME, seen("a", T0, published=old)) == ("stale", [])
    for doc in "bcd":  # a replay: observed long ago, far behind the watermark
        assert observe(state, VOLUME, seen(doc, T0 - timedelta(hours=5))) == ("late", [])


def test_late_documents_within_the_lateness_still_count() -> None:
    state = WindowState()
    observe(state, VOLUME, seen("now", T0))
    fired = [observe(state, VOLUME, seen(d, T0 - timedelta(minutes=30)))[1] for d in "abc"]
    assert [len(f) for f in fired] == [0, 0, 1]


def test_old_windows_are_pruned() -> None:
    state = WindowState()
    for i, doc in enumerate("abcdefgh"):
        observe(state, VOLUME, seen(doc, T0 + timedelta(hours=i)))
    horizon = state.watermark - int(WindowPolicy().lateness.total_seconds())
    assert all(start + 900 > horizon for start in state.volume)
    assert len(state.volume) <= 3
    assert state.open_hours == {} and state.closed_hours == {}


def hourly(state: WindowState, counts: list[int]) -> None:
    """Feed ``counts[i]`` distinct documents in hour i."""
    for hour, count in enumerate(counts):
        for n in range(count):
            doc = f"h{hour}-{n}"
            observe(state, SPIKE, seen(doc, T0 + timedelta(hours=hour, minutes=n % 60)))


def test_spike_fires_once_in_the_hour_the_count_stands_out() -> None:
    state = WindowState()
    hourly(state, [1, 2, 1, 2, 1, 2, 1, 2])
    now = T0 + timedelta(hours=8)
    results = [observe(state, SPIKE, seen(f"x{i}", now + timedelta(minutes=i))) for i in range(9)]
    fired = [f for _, out in results for f in out]
    assert len(fired) == 1
    spike = fired[0]
    assert spike.kind == "spike" and spike.start == now and spike.baseline == 1.5
    assert spike.count == 6  # mean 1.5, sigma floored at sqrt(1.5): z(6) = 3.67 >= 3
    assert spike.z is not None and spike.z >= SPIKE.z_score


def test_no_spike_without_enough_history_or_below_min_documents() -> None:
    state = WindowState()
    hourly(state, [0, 0, 0])  # nothing tracked before the first document
    assert state.first_hour is None
    hourly(state, [1, 0, 0, 40])  # 3 hours of history only
    assert not any("spike" in key for key in state.fired)
    quiet = WindowState()
    hourly(quiet, [1, 0, 0, 0, 0, 0, 0, 2])  # z of 2 over mean ~0 is 2: below 3
    assert not quiet.fired


def test_zero_variance_is_floored_at_poisson_noise() -> None:
    assert z_score(3, [0] * 24) == (0.0, 3.0)
    mean, z = z_score(11, [10] * 24)
    assert mean == 10 and round(z, 3) == round(1 / 10**0.5, 3)


def test_spike_hours_beyond_the_baseline_are_dropped() -> None:
    state = WindowState()
    hourly(state, [1] * 40)
    oldest = state.watermark // HOUR * HOUR - SPIKE.baseline_hours * HOUR
    assert min(state.closed_hours) >= oldest
    assert len(state.open_hours) <= 3
