"""Lenient parsing of publication dates found in files and records. Pure: no I/O."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from schemas.documents import DateSource

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?")
_JA = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """ISO 8601 first, then '12 March 2026', 'March 12, 2026', '2026年3月12日'; UTC."""
    value = text.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError:
        pass
    found = find_date(value)
    return None if found is None else datetime(found.year, found.month, found.day, tzinfo=UTC)


def find_date(text: str) -> date | None:
    """The first calendar date written in ``text``, if any."""
    if m := _ISO.search(text):
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.search(text):
        month = _MONTHS.get(m[2].lower())
        if month:
            return _safe(int(m[3]), month, int(m[1]))
    if m := _MDY.search(text):
        month = _MONTHS.get(m[1].lower())
        if month:
            return _safe(int(m[3]), month, int(m[2]))
    if m := _JA.search(text):
        return _safe(int(m[1]), int(m[2]), int(m[3]))
    return None


def first_dated(
    *options: tuple[datetime | None, DateSource],
) -> tuple[datetime | None, DateSource]:
    """The first known publication time and where it came from; ``observed`` when none is.

    Readers list their sources in order of trust: the input record (feed entry, listing
    line, JSONL field) before the page's HTML metadata.
    """
    for when, source in options:
        if when is not None:
            return when, source
    return None, "observed"
