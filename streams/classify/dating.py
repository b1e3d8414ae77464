"""Which day a document is read at: its publication date, or the best stand-in for it.

Relative dates ("next month", "July 1") and office references ("Japan's foreign
minister") resolve at one day. It is the publication date given with the document
(``record`` or ``metadata``), else the one read from its text (``text``, see
:mod:`streams.classify.published`), else the day it was observed (``observed``).
An archive page without a date is not from today: when the people it names with
their offices held them only in some era ("Foreign Minister Yoko Kamikawa"), an
observed day outside that era is replaced by the era's last day (published stays
unknown), and a dateline written without a year ("Tokyo, July 29") takes the era's
year. A date read from the page that those office holders contradict gives way to another
of its date lines inside their era (a stale site stamp above the article's own date).
Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from schemas.documents import DateSource
from streams.classify.pickling import by_fields
from streams.classify.published import (
    header_reach,
    header_spans,
    read_publication_date,
    wire_stamp_spans,
)

__all__ = ["Dating", "PageDates"]


@dataclass(frozen=True, slots=True)
class Dating:
    """``day``: what dates resolve at; ``published``: the publication date, if known."""

    day: date
    published: date | None
    source: DateSource
    header_spans: tuple[tuple[int, int], ...] | None  # None: not read (a date was given)
    yearless: bool
    seen: date

    def page_dates(self, body: str) -> PageDates:
        """What of ``body`` dates the page (datelines, date lines, a wire stamp)."""
        return PageDates(body, self.header_spans, max(self.seen, self.day))

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
        if self.source == "text" and not self.yearless:
            # a date read from the page that its office holders contradict: a stale site
            # stamp above the article's own date, perhaps
            read = read_publication_date(title, body, self.seen, within=era)
            if read.day is None or read.how == "opening lines":
                return self  # (a date in a sentence may be any event's)
            return replace(self, day=read.day, published=read.day, header_spans=read.header_spans)
        latest = min(hi, self.seen)
        fitting: list[int] = []  # the years of the era the last hinted day fits in

        def year_hint(month: int, day: int) -> int | None:
            fitting.clear()
            for year in range(latest.year, lo.year - 1, -1):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue
                if lo <= candidate <= latest:
                    fitting.append(year)
            return fitting[0] if fitting else None

        if self.yearless:
            read = read_publication_date(title, body, latest, year_hint)
            if read.day is not None and lo <= read.day <= hi and not read.yearless:
                # the era's latest year: still a guess when the era holds that day in more
                # than one year (a foreign minister in office since 2019)
                guessed = len(fitting) > 1
                return replace(self, day=read.day, published=read.day, yearless=guessed)
            return self
        if self.source == "observed" and lo <= latest:
            return replace(self, day=latest)
        return self

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


class PageDates:
    """Whether a span of a body dates the page (a date line, a dateline, a wire stamp): such a
    date is never a commitment's due date. Read on first need, and the top of the page only
    for a span that starts there: most due dates lie further down, where only the wire
    stamp can be."""

    def __init__(self, body: str, spans: tuple[tuple[int, int], ...] | None, latest: date):
        self._body = body
        self._latest = latest
        self._spans = spans  # every header span; None: not read yet
        self._stamp: tuple[tuple[int, int], ...] | None = None  # the wire stamp alone
        self._reach = -1  # where the spans but the stamp end; -1: not computed

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps a span that dates the page."""
        spans = self._spans
        if spans is None:
            if self._reach < 0:
                self._reach = header_reach(self._body)
            if start >= self._reach:
                if self._stamp is None:
                    self._stamp = wire_stamp_spans(self._body, self._latest)
                spans = self._stamp
            else:
                spans = self._spans = header_spans(self._body, self._latest)
        return any(lo < end and start < hi for lo, hi in spans)
