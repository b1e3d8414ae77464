"""Retry-After (RFC 9110, section 10.2.3) as seconds: the one parser of both HTTP clients.

The producers' fetcher and the delivery channels honour it. Pure: no I/O.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from ``now`` a Retry-After value asks for: delta-seconds or an HTTP date
    (a date without a zone is GMT, as HTTP dates are; one in the past is 0).
    None when there is no value or it is neither."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
