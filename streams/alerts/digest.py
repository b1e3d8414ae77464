"""Digests: the matching documents of an hour or a day, told in one alert. Pure: no clock.

A subscription with ``digest`` hourly or daily gets no alert per document; its matches
are collected per period of observed time (UTC hours, UTC days) and one digest alert
is raised once the period has closed: when the clock passed its end plus ``grace``
(documents observed just before the end may still be on their way). A document for a
period already told, or observed more than ``lateness`` before the clock (a replay, a
long outage), is left out: the digest of a past period is never raised twice nor late.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson

from streams.alerts.windows import Observation

Period = Literal["hourly", "daily"]
_SECONDS = {"hourly": 3600, "daily": 86400}


@dataclass(frozen=True)
class DigestPolicy:
    grace: timedelta = timedelta(minutes=2)
    lateness: timedelta = timedelta(hours=2)
    documents: int = 50


@dataclass(frozen=True)
class ClosedDigest:
    period: Period
    start: datetime
    end: datetime
    count: int
    documents: tuple[dict[str, Any], ...]


Outcome = Literal["added", "duplicate", "late"]


@dataclass
class DigestState:
    """Open periods of one subscription; ``told_through`` is the last period start told."""

    partition: int = 0
    told_through: int = -1
    periods: dict[int, set[str]] = field(default_factory=dict)
    documents: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "partition": self.partition,
                "told_through": self.told_through,
                "periods": {str(k): sorted(v) for k, v in self.periods.items()},
                "documents": {str(k): v for k, v in self.documents.items()},
            }
        )

    @classmethod
    def from_json(cls, raw: bytes | None) -> DigestState:
        if not raw:
            return cls()
        data = orjson.loads(raw)
        return cls(
            partition=int(data["partition"]),
            told_through=int(data["told_through"]),
            periods={int(k): set(v) for k, v in data["periods"].items()},
            documents={int(k): list(v) for k, v in data["documents"].items()},
        )


def period_start(period: Period, at: datetime) -> int:
    width = _SECONDS[period]
    return int(at.timestamp()) // width * width


def add(
    state: DigestState,
    period: Period,
    seen: Observation,
    now: datetime,
    policy: DigestPolicy = DigestPolicy(),
) -> Outcome:
    """Put one matching document into the digest of the period it was observed in."""
    start = period_start(period, seen.observed)
    end = start + _SECONDS[period]
    if start <= state.told_through or end < (now - policy.lateness).timestamp():
        return "late"
    ids = state.periods.setdefault(start, set())
    if seen.document_id in ids:
        return "duplicate"
    ids.add(seen.document_id)
    kept = state.documents.setdefault(start, [])
    if len(kept) < policy.documents:
        kept.append(seen.document)
    return "added"


def close_due(
    state: DigestState, period: Period, now: datetime, policy: DigestPolicy = DigestPolicy()
) -> list[ClosedDigest]:
    """Remove and return every period whose end plus grace has passed, oldest first."""
    width = _SECONDS[period]
    cutoff = (now - policy.grace).timestamp()
    closed = []
    for start in sorted(s for s in state.periods if s + width <= cutoff):
        ids = state.periods.pop(start)
        documents = tuple(state.documents.pop(start, ()))
        state.told_through = max(state.told_through, start)
        if ids:
            closed.append(
                ClosedDigest(
                    period,
                    datetime.fromtimestamp(start, UTC),
                    datetime.fromtimestamp(start + width, UTC),
                    len(ids),
                    documents,
                )
            )
    return closed
