"""Volume and spike triggers over per-subscription windows. Pure: no I/O, no clock.

Time is the document's observed time (``document_observed_at``: when policywatch first
saw it), not its publication time and not the time of evaluation:

- a backfill of old articles must not raise "spikes" in the past: by publication time,
  ingesting last year's archive would fill last year's windows. Documents published
  more than ``stale_after`` before they were observed count in no window;
- a replay republishes stored documents with their original observed time, so they fall
  in windows that are closed (older than the watermark minus ``lateness``) and are ignored;
- a worker catching up after an outage still counts documents in the windows they were
  observed in, so a burst during the outage is reported late rather than never.

Counts are of distinct document ids: the same document observed twice, classified again
or replayed counts once, and each window (volume) or hour (spike) fires at most once.
The state is a plain value serialised to JSON, kept in a changelog-backed table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson

from schemas.subscriptions import SpikeTrigger, VolumeTrigger

HOUR = 3600
MIN_BASELINE_HOURS = 6


@dataclass(frozen=True)
class WindowPolicy:
    lateness: timedelta = timedelta(hours=2)
    stale_after: timedelta = timedelta(hours=48)
    samples: int = 10


@dataclass(frozen=True)
class Fired:
    """A window trigger that fired; ``documents`` are samples (JSON of AlertDocument)."""

    kind: Literal["volume", "spike"]
    start: datetime
    end: datetime
    count: int
    baseline: float | None
    z: float | None
    documents: tuple[dict[str, Any], ...]


Outcome = Literal["counted", "duplicate", "late", "stale"]


@dataclass(frozen=True)
class Observation:
    """One matching document as window and digest state see it."""

    document_id: str
    document: dict[str, Any]  # AlertDocument as JSON, kept as a sample
    observed: datetime
    published: datetime | None = None


@dataclass
class WindowState:
    """One subscription's buckets; keys are window or hour starts in epoch seconds."""

    watermark: int = 0
    first_hour: int | None = None
    open_hours: dict[int, set[str]] = field(default_factory=dict)
    closed_hours: dict[int, int] = field(default_factory=dict)
    volume: dict[int, set[str]] = field(default_factory=dict)
    fired: set[str] = field(default_factory=set)
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "watermark": self.watermark,
                "first_hour": self.first_hour,
                "open_hours": {str(k): sorted(v) for k, v in self.open_hours.items()},
                "closed_hours": {str(k): v for k, v in self.closed_hours.items()},
                "volume": {str(k): sorted(v) for k, v in self.volume.items()},
                "fired": sorted(self.fired),
                "samples": self.samples,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes | None) -> WindowState:
        if not raw:
            return cls()
        data = orjson.loads(raw)
        return cls(
            watermark=int(data["watermark"]),
            first_hour=data["first_hour"],
            open_hours={int(k): set(v) for k, v in data["open_hours"].items()},
            closed_hours={int(k): int(v) for k, v in data["closed_hours"].items()},
            volume={int(k): set(v) for k, v in data["volume"].items()},
            fired=set(data["fired"]),
            samples={k: list(v) for k, v in data["samples"].items()},
        )

    def hour_count(self, hour: int) -> int:
        ids = self.open_hours.get(hour)
        return len(ids) if ids is not None else self.closed_hours.get(hour, 0)


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _keep_sample(state: WindowState, key: str, document: dict[str, Any], limit: int) -> None:
    kept = state.samples.setdefault(key, [])
    if len(kept) < limit:
        kept.append(document)


def observe(
    state: WindowState,
    trigger: VolumeTrigger | SpikeTrigger,
    seen: Observation,
    policy: WindowPolicy = WindowPolicy(),
) -> tuple[Outcome, list[Fired]]:
    """Count one matching document; returns what happened and any trigger that fired."""
    if seen.published is not None and seen.observed - seen.published > policy.stale_after:
        return "stale", []
    ts = int(seen.observed.timestamp())
    if ts < state.watermark - int(policy.lateness.total_seconds()):
        return "late", []
    state.watermark = max(state.watermark, ts)
    hour = ts // HOUR * HOUR
    state.first_hour = hour if state.first_hour is None else min(state.first_hour, hour)
    if isinstance(trigger, VolumeTrigger):
        outcome, fired = _observe_volume(state, trigger, seen, ts, policy)
    else:
        outcome, fired = _observe_spike(state, trigger, seen, hour, policy)
    prune(state, trigger, policy)
    return outcome, fired


def _observe_volume(
    state: WindowState,
    trigger: VolumeTrigger,
    seen: Observation,
    ts: int,
    policy: WindowPolicy,
) -> tuple[Outcome, list[Fired]]:
    width = trigger.window_minutes * 60
    start = ts // width * width  # tumbling windows aligned to the epoch
    ids = state.volume.setdefault(start, set())
    if seen.document_id in ids:
        return "duplicate", []
    ids.add(seen.document_id)
    key = f"volume:{start}"
    _keep_sample(state, key, seen.document, policy.samples)
    if len(ids) < trigger.threshold or key in state.fired:
        return "counted", []
    state.fired.add(key)
    fired = Fired(
        "volume",
        _at(start),
        _at(start + width),
        len(ids),
        None,
        None,
        tuple(state.samples.get(key, ())),
    )
    return "counted", [fired]


def baseline_counts(state: WindowState, hour: int, baseline_hours: int) -> list[int]:
    """Hourly counts of the trailing hours before ``hour``, from the first hour tracked on."""
    first = state.first_hour if state.first_hour is not None else hour
    since = max(first, hour - baseline_hours * HOUR)
    return [state.hour_count(h) for h in range(since, hour, HOUR)]


def z_score(count: int, history: list[int]) -> tuple[float, float]:
    """(mean, z) of ``count`` against ``history``.

    The standard deviation is floored at max(1, sqrt(mean)), the noise of a Poisson count:
    with a flat history (zero variance) one document more is not an infinite z-score,
    and a quiet subscription (mean 0) needs ``z`` documents to spike.
    """
    mean = sum(history) / len(history)
    variance = sum((c - mean) ** 2 for c in history) / len(history)
    sigma = max(math.sqrt(variance), math.sqrt(mean), 1.0)
    return mean, (count - mean) / sigma


def _observe_spike(
    state: WindowState,
    trigger: SpikeTrigger,
    seen: Observation,
    hour: int,
    policy: WindowPolicy,
) -> tuple[Outcome, list[Fired]]:
    if hour in state.closed_hours:
        return "late", []
    ids = state.open_hours.setdefault(hour, set())
    if seen.document_id in ids:
        return "duplicate", []
    ids.add(seen.document_id)
    key = f"spike:{hour}"
    _keep_sample(state, key, seen.document, policy.samples)
    history = baseline_counts(state, hour, trigger.baseline_hours)
    if key in state.fired or len(ids) < trigger.min_documents:
        return "counted", []
    if len(history) < min(MIN_BASELINE_HOURS, trigger.baseline_hours):
        return "counted", []  # too little history to call anything a spike
    mean, z = z_score(len(ids), history)
    if z < trigger.z_score:
        return "counted", []
    state.fired.add(key)
    samples = tuple(state.samples.get(key, ()))
    return "counted", [Fired("spike", _at(hour), _at(hour + HOUR), len(ids), mean, z, samples)]


def prune(state: WindowState, trigger: VolumeTrigger | SpikeTrigger, policy: WindowPolicy) -> None:
    """Close what no document can reach any more (older than watermark - lateness)."""
    horizon = state.watermark - int(policy.lateness.total_seconds())
    for hour in [h for h in state.open_hours if h + HOUR <= horizon]:
        state.closed_hours[hour] = len(state.open_hours.pop(hour))
        state.samples.pop(f"spike:{hour}", None)
        state.fired.discard(f"spike:{hour}")
    baseline_hours = trigger.baseline_hours if isinstance(trigger, SpikeTrigger) else 0
    oldest = (state.watermark // HOUR - baseline_hours) * HOUR
    for hour in [h for h in state.closed_hours if h < oldest]:
        del state.closed_hours[hour]
    if isinstance(trigger, VolumeTrigger):
        width = trigger.window_minutes * 60
        for start in [s for s in state.volume if s + width <= horizon]:
            del state.volume[start]
            state.samples.pop(f"volume:{start}", None)
            state.fired.discard(f"volume:{start}")
    else:
        for start in list(state.volume):  # the trigger changed from volume to spike
            del state.volume[start]
    if not isinstance(trigger, SpikeTrigger):
        state.open_hours.clear()
        state.closed_hours.clear()
