"""When to try again: full-jitter exponential backoff, Retry-After, final HTTP answers.

Pure: no I/O, the random source and the clock are parameters.
"""

from __future__ import annotations

import random
from typing import Literal

Verdict = Literal["delivered", "retry", "final"]

#: Client errors that say "later", not "never".
RETRIABLE_4XX = frozenset({408, 425, 429})
#: Statuses whose Retry-After header is honoured.
RETRY_AFTER_STATUSES = frozenset({429, 503})


def backoff_delay(
    attempt: int, base_s: float, max_s: float, rng: random.Random | None = None
) -> float:
    """Full jitter: uniform in [0, min(max_s, base_s * 2**(attempt-1))] after ``attempt``."""
    ceiling = min(max_s, base_s * 2.0 ** min(max(attempt - 1, 0), 62))
    return (rng or random).uniform(0.0, ceiling)


def next_delay(
    attempt: int,
    base_s: float,
    max_s: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Backoff after ``attempt``; a Retry-After wins when longer, both capped at ``max_s``.

    The cap keeps one endpoint from parking an alert for hours with a large Retry-After.
    """
    delay = backoff_delay(attempt, base_s, max_s, rng)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(delay, max_s)


def http_verdict(status: int) -> Verdict:
    """2xx delivered; 408/425/429 and 5xx retried; other answers (3xx, 4xx) are final."""
    if 200 <= status < 300:
        return "delivered"
    if status in RETRIABLE_4XX or status >= 500:
        return "retry"
    return "final"
