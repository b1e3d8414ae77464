"""Backoff bounds, Retry-After, and which HTTP answers are retried."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from schemas.retry_after import retry_after_seconds
from sinks.delivery.retry import backoff_delay, http_verdict, next_delay


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 10, 40, 100])
def test_full_jitter_stays_within_the_exponential_ceiling_and_the_cap(attempt: int) -> None:
    rng = random.Random(attempt)
    ceiling = min(30.0, 0.5 * 2 ** (attempt - 1))
    delays = [backoff_delay(attempt, 0.5, 30.0, rng) for _ in range(500)]
    assert all(0.0 <= d <= ceiling for d in delays)
    # full jitter spreads over the whole range, not just near the ceiling
    assert min(delays) < ceiling * 0.1 and max(delays) > ceiling * 0.9


def test_retry_after_wins_when_longer_but_never_passes_the_cap() -> None:
    rng = random.Random(1)
    assert next_delay(1, 1.0, 600.0, retry_after=120.0, rng=rng) == 120.0
    assert next_delay(1, 1.0, 60.0, retry_after=3600.0, rng=rng) == 60.0
    assert next_delay(1, 1.0, 60.0, retry_after=None, rng=rng) <= 1.0


def test_retry_after_parses_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("30", now) == 30.0
    assert (
        retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    )
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, "delivered"),
        (204, "delivered"),
        (301, "final"),
        (400, "final"),
        (401, "final"),
        (404, "final"),
        (410, "final"),
        (408, "retry"),
        (425, "retry"),
        (429, "retry"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
    ],
)
def test_http_verdicts(status: int, verdict: str) -> None:
    assert http_verdict(status) == verdict
