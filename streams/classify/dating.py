"""Which day a document is read at: its publication date, or the best stand-in for it.

Relative dates ("next month", "July 1") and office references ("Japan's foreign
minister") resolve at one day. It is the publication date given with the document
(``record`` or ``metadata``), else the one read from its text (``text``, see
:mod:`streams.classify.published`), else the day it was observed (``observed``).
An archive page without a date is not from today: when the people it names with
their offices held them only in some era ("Foreign Minister Yoko Kamikawa"), an
observed day outside that era is replaced by the era's last day (published stays
unknown), and a dateline written without a year ("Tokyo, July 29") takes the era's
year. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from schemas.documents import DateSource
from streams.classify.pickling import by_fields
from streams.classify.published import header_spans, read_publication_date

__all__ = ["Dating"]


@dataclass(frozen=True, slots=True)
class Dating:
    """``day``: what dates resolve at; ``published``: the publication date, if known."""

    day: date
    published: date | None
    source: DateSource
    header_spans: tuple[tuple[int, int], ...] | None  # None: not read (a date was given)
    yearless: bool
    seen: date

    def dateline_spans(self, body: str) -> tuple[tuple[int, int], ...]:
        """Spans that date the page (datelines, date lines), read now if not yet."""
        if self.header_spans is not None:
            return self.header_spans
        return header_spans(body, max(self.seen, self.day))

    @classmethod
    def of(
        cls,
        published: date | None,
        source: DateSource | None,
        seen: date,
        title: str,
        body: str,
    ) -> Dating:
        if published is not None:
            given: DateSource = source if source in ("record", "metadata", "text") else "record"
            return cls(published, published, given, None, False, seen)
        read = read_publication_date(title, body, seen)
        if read.day is not None:
            return cls(read.day, read.day, "text", read.header_spans, read.yearless, seen)
        return cls(seen, None, "observed", read.header_spans, False, seen)

    def within(self, era: tuple[date, date] | None, title: str, body: str) -> Dating:
        """The same document read in ``era`` (from its named office holders), if it is
        not already; a given publication date is never changed."""
        if era is None or self.source in ("record", "metadata"):
            return self
        lo, hi = era
        if lo <= self.day <= hi:
            return self
        latest = min(hi, self.seen)

        def year_hint(month: int, day: int) -> int | None:
            for year in range(latest.year, lo.year - 1, -1):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue
                if lo <= candidate <= latest:
                    return year
            return None

        if self.yearless:
            read = read_publication_date(title, body, latest, year_hint)
            if read.day is not None and lo <= read.day <= hi and not read.yearless:
                return replace(self, day=read.day, published=read.day, yearless=False)
            return self
        if self.source == "observed" and lo <= latest:
            return replace(self, day=latest)
        return self

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)
