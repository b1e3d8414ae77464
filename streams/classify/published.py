"""The publication date a careful reader takes from a page's text, and where datelines are.

A third of real pages come without a date in their record or metadata. A reader
then looks at the top of the page, where outlets put it, in this order:
1. a date in the title ("... (2022年5月23日)", "... (2018/10/01)");
2. a date line near the top: a line that is mostly one full date, with at most a
   weekday, a time, a time zone and a word or two ("Tuesday, November 05, 2024",
   "20:00 JST, July 29, 2024", "令和6年7月29日", "2023年3月29日 (水)", "29 March 2023");
3. a wire timestamp anywhere ("(2025/01/20-08:41)");
4. a dateline opening the story: "TOKYO, March 28, 2023 (Reuters) -", or without a
   year ("New Delhi [India], June 27 (ANI):", "TOKYO, Jan 16 (Reuters) -") when the
   year can be told from context (``year_hint``: the latest such date not after
   ``latest``), and Japanese 【ワシントン共同】 with the day of its first sentence;
5. a full date in the opening lines ("... on January 26, 2025 in Wichita"), unless its
   sentence announces it ("will visit Japan on July 29, 2024": an undertaking cue before
   it): that is the day of what is to come, after the page was written.
Dates after ``latest`` (a page cannot be published after it was seen) or before 1990
are not publication dates. ``header_spans`` are the body spans of every date line
and dateline found: they date the page, so they are never a commitment's due date.
Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, NamedTuple

from streams.classify.date_patterns import (
    DATELINE_PLACE,
    JA_DAY_NUMBER,
    JA_DIGIT,
    JA_MONTH_NUMBER,
    JA_YEAR_NUMBER,
)
from streams.classify.dates import days_in_month
from streams.classify.lowercase import Folded, lowered
from streams.classify.pickling import by_fields
from streams.classify.sentences import Sentences
from streams.classify.undertakings import cue_in

__all__ = [
    "PublicationDate",
    "header_reach",
    "header_spans",
    "read_publication_date",
    "wire_stamp_spans",
]

HEADER_LINES: Final = 10
HEADER_CHARS: Final = 700
OPENING_CHARS: Final = 320
DATE_LINE_SLACK: Final = 28  # characters of a date line that are not the date (time, zone, a word)
EARLIEST: Final = date(1990, 1, 1)

_MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ERAS: Final = {"令和": 2018, "平成": 1988, "昭和": 1925}  # era year 1 is this + 1
_MONTH: Final = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY: Final = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR: Final = r"(?P<year>(?:19|20)\d\d)"
_I: Final = re.IGNORECASE
_FULL_DATES: Final = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", _I),  # March 28, 2023 / Nov 11 2013
    # 29 March 2023 / 28.Oct.2025
    re.compile(rf"\b{_DAY}(?:\s+(?:of\s+)?|\.){_MONTH},?\s*{_YEAR}\b", _I),
    # the "\b" before the year is read after it (a literal opening is searched for faster)
    re.compile(r"(?P<year>(?:19|20)\d\d)(?<=\b\d{4})[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
    # 28.10.2025: with dots the day comes first
    re.compile(r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b"),
    # with slashes the order is the site's (9/13/2024 in the US, 13/09/2024 in India and
    # Britain): only a day past the 12th tells it
    re.compile(r"\b(?P<month>0?[1-9]|1[0-2])/(?P<day>1[3-9]|2\d|3[01])/(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<day>1[3-9]|2\d|3[01])/(?P<month>0?[1-9]|1[0-2])/(?P<year>(?:19|20)\d\d)\b"),
    # Japanese dates, in ASCII or full-width digits (２０２６年１月１６日)
    re.compile(rf"(?P<year>{JA_YEAR_NUMBER})\s*年\s*(?P<month>{JA_MONTH_NUMBER})\s*月\s*(?P<day>{JA_DAY_NUMBER})\s*日"),
    re.compile(rf"(?P<era>令和|平成|昭和)\s*(?P<year>元|{JA_DIGIT}{{1,2}})\s*年\s*(?P<month>{JA_MONTH_NUMBER})"
               rf"\s*月\s*(?P<day>{JA_DAY_NUMBER})\s*日"),
)  # fmt: skip
# run on lowered text (much faster, see streams.classify.lowercase; the others have no
# cased letter and find the same there); the first two need a month's name, and each needs
# its separator: a pattern opening with digits is tried at every offset, so one whose
# separator the text lacks is not run
_MONTH_LOWER: Final = "(?P<month>" + _MONTH.removeprefix("(?P<month>").lower()
_SEPARATORS: Final = ("", "", "", ".", "/", "/", "年", "年")
_FULL_DATES_FOLDED: Final = tuple(
    (Folded.of(p, p.pattern.replace(_MONTH, _MONTH_LOWER)), i < 2, separator)
    for i, (p, separator) in enumerate(zip(_FULL_DATES, _SEPARATORS, strict=True))
)
# a day and month without a year: "on 19 November", "on November 19" (not before a year)
_YEARLESS: Final = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w|,?\s*(?:19|20)\d\d)", _I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s*(?:19|20)\d\d)", _I),
)
_NAMED_MONTH: Final = Folded.of(re.compile("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", _I))
_PUNCTUATION: Final = re.compile(r"[\s,.;:|/()（）\[\]\-–—・|·]+")
# each alternative opens with a literal: the engine skips to them (same answer as
# (?:19|20)\d\d|[１２][０-９]{3}|令和|平成|昭和)
_HAS_YEAR: Final = re.compile(r"19\d\d|20\d\d|１[０-９]{3}|２[０-９]{3}|令和|平成|昭和")
_WIRE_STAMP: Final = re.compile(
    r"[(（](?P<year>(?:19|20)\d\d)/(?P<month>[01]\d)/(?P<day>[0-3]\d)[-\s][0-2]\d:[0-5]\d[)）]"
)
_NOT_DATE_WORDS: Final = re.compile(
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|"
    r"thurs|fri|sat|sun|updated|published|posted|last|on|at|am|pm|a\.m\.|p\.m\.|jst|ist|gmt|"
    r"utc|est|edt|pst|pdt|aest|aedt|cet|bst|hrs|ist|date|time|[0-2]?\d[:.][0-5]\d|[月火水木金土日]"
    r"|午前|午後|時|分|更新|公開|配信)",
    _I,
)
_NOT_DATE_WORDS_FOLDED: Final = Folded.of(_NOT_DATE_WORDS)
# "TOKYO, Jan 16 (Reuters) -", "New Delhi [India], September 7 (ANI):", "Canberra, Nov 5:",
# "Washington, DC [US], July 2 (ANI):", "WASHINGTON, D.C., July 1 (ANI):", "Gyeongju, South
# Korea, Oct. 31 (Jiji Press)--"; at the start of any line of the header (a wire stamp or
# a byline may come first)
_DATELINE: Final = re.compile(
    rf"[ \t]*{DATELINE_PLACE}\s*,\s*{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    # "(Reuters) -", "(ANI):", or the agency alone before the first sentence: "(PTI) The"
    rf"(?:\s*\((?P<agency>[^)\n]{{1,30}})\)(?:\s*[:\-–—]|\s+(?=[A-Z\"“]))|\s*[:\-–—])",
)
# an agency's (【ワシントン共同】, 【キャンベラ12日AAP】) or a paper's own correspondent's
# (【ニューデリー＝栗山紘尚】); 【写真＝ロイター】 is a photo credit
_JA_DATELINE: Final = re.compile(
    r"【(?!写真|画像|動画|図|表)(?P<place>[^】\n]{1,12}?)"
    r"(?:(?:共同|時事|ロイター|AFP|AP|発)[^】\n]{0,4}|[＝=][^】\n]{1,12})】"
)
_JA_DAY: Final = re.compile(rf"(?<![0-9０-９月年])(?P<day>{JA_DAY_NUMBER})日")


@dataclass(frozen=True, slots=True)
class PublicationDate:
    """A date read from the text, how it was found, and the body spans that date the page."""

    day: date | None
    how: str = ""
    header_spans: tuple[tuple[int, int], ...] = ()
    yearless: bool = False  # written without a year that the context told: a guess

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


def _int(text: str) -> int:
    return int(unicodedata.normalize("NFKC", text))


def _date_of(groups: dict[str, str | None]) -> date | None:
    try:
        month_text = str(groups["month"])
        month = _MONTHS.get(month_text.lower().rstrip(".")) or _int(month_text)
        year_text = str(groups["year"])
        era = groups.get("era")
        if era:
            year = _ERAS[era] + (1 if year_text == "元" else _int(year_text))
        else:
            year = _int(year_text)
        return date(year, month, _int(str(groups["day"])))
    except (ValueError, KeyError, TypeError):
        return None


def _full_dates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, date]]:
    """Every full date in ``text[start:end]``: (start, end, date), in order, not overlapping."""
    end = len(text) if end is None else end
    if not _HAS_YEAR.search(text, start, end):
        return []
    found: list[tuple[int, int, date]] = []
    folded = lowered(text)  # groups of a month name come lower case: _date_of lowers them
    named = _NAMED_MONTH.search(text, folded, start, end) is not None
    for pattern, needs_name, separator in _FULL_DATES_FOLDED:
        if (needs_name and not named) or (separator and text.find(separator, start, end) < 0):
            continue
        for match in pattern.finditer(text, folded, start, end):
            day = _date_of(match.groupdict())
            if day is not None:
                found.append((match.start(), match.end(), day))
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    out: list[tuple[int, int, date]] = []
    for item in found:
        if not out or item[0] >= out[-1][1]:
            out.append(item)
    return out


def _announced(body: str, at: int) -> bool:
    """Whether the sentence holding the date at ``at`` has an undertaking cue before it."""
    ends = Sentences(body[:at]).ends  # the text before the date is enough
    return cue_in(body, ends[-1] if ends else 0, at) is not None


def _plausible(day: date | None, latest: date) -> bool:
    return day is not None and EARLIEST <= day <= latest


def _is_date_line(line: str, start: int, end: int) -> bool:
    """Whether a line is mostly the date at ``line[start:end]`` (a header, not a sentence)."""
    rest = line[:start] + " " + line[end:]
    folded = lowered(rest)
    rest = _NOT_DATE_WORDS_FOLDED.sub(" ", rest, folded)  # lower case: its length is read
    rest = _PUNCTUATION.sub(" ", rest).strip()
    return len(rest) <= DATE_LINE_SLACK and rest.count(" ") <= 3


def _lines(body: str, limit_lines: int, limit_chars: int) -> list[tuple[int, str]]:
    """(offset, line) of the first non-blank lines, up to the limits (the rest is not split)."""
    out: list[tuple[int, str]] = []
    at = 0
    while at <= len(body) and len(out) < limit_lines and at <= limit_chars:
        end = body.find("\n", at)
        end = len(body) if end < 0 else end
        line = body[at:end]
        if line.strip():
            out.append((at, line))
        at = end + 1
    return out


def _in_title(title: str, latest: date) -> date | None:
    for _, _, day in _full_dates(title):
        if _plausible(day, latest):
            return day
    return None


def _yearless(
    month: int, day: int, latest: date, year_hint: Callable[[int, int], int | None]
) -> date | None:
    year = year_hint(month, day)
    if year is None:
        year = latest.year
        try:
            if date(year, month, day) > latest:
                year -= 1
        except ValueError:
            return None
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if _plausible(found, latest) else None


def _japanese_dateline(
    body: str, latest: date, year_hint: Callable[[int, int], int | None]
) -> tuple[date, tuple[int, int]] | None:
    """【ワシントン共同】 and the day of its sentence, or the day the dateline itself writes
    (【キャンベラ12日AAP】): the latest such day not after ``latest``."""
    match = _JA_DATELINE.search(body, 0, HEADER_CHARS)
    if match is None:
        return None
    day_match = _JA_DAY.search(body, match.start(), match.end())
    if day_match is None:
        sentence_end = body.find("。", match.end())
        end = sentence_end if sentence_end > 0 else len(body)
        day_match = _JA_DAY.search(body, match.end(), end)
    if day_match is None:
        return None
    day_of_month = int(day_match.group("day"))
    if not 1 <= day_of_month <= 31:
        return None
    cursor = latest
    for _ in range(13):  # the most recent month that has that day, within the year
        if day_of_month <= days_in_month(cursor.year, cursor.month):
            hinted = year_hint(cursor.month, day_of_month)
            year = hinted if hinted is not None else cursor.year
            try:
                found = date(year, cursor.month, day_of_month)
            except ValueError:
                found = None
            if found is not None and _plausible(found, latest):
                return found, (match.start(), match.end())
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return None


class _Header(NamedTuple):
    """A date line, wire stamp or dateline near the top: its body span and its date."""

    span: tuple[int, int]
    day: date
    how: str
    guessed: bool  # a dateline without a year, and no year from the context


def _wire_stamp(body: str, latest: date) -> _Header | None:
    """The body's first wire timestamp, "(2025/01/20-08:41)", if its date is plausible."""
    stamp = _WIRE_STAMP.search(body) if "/" in body else None  # (a slash: a quick no)
    if stamp is None:
        return None
    stamped = _date_of(stamp.groupdict())
    if stamped is None or not _plausible(stamped, latest):
        return None
    return _Header((stamp.start(), stamp.end()), stamped, "timestamp", False)


def _headers(body: str, latest: date, hint: Callable[[int, int], int | None]) -> Iterator[_Header]:
    """Every header of the body that dates the page, in the order a reader trusts them."""
    for at, line in _lines(body, HEADER_LINES, HEADER_CHARS):
        for start, end, day in _full_dates(line):
            if _is_date_line(line, start, end) and _plausible(day, latest):
                yield _Header((at, at + len(line)), day, "date line", False)
                break
    stamp = _wire_stamp(body, latest)
    if stamp is not None:
        yield stamp
    dateline = _dateline(body)
    if dateline is not None and dateline.start() < HEADER_CHARS:
        groups = dateline.groupdict()
        month = _MONTHS[str(groups["month"]).lower().rstrip(".")]
        day_of_month = int(str(groups["day"]))
        yearless = not groups.get("year")
        found = _yearless(month, day_of_month, latest, hint) if yearless else _date_of(groups)
        if found is not None and _plausible(found, latest):
            guessed = yearless and hint(month, day_of_month) is None
            yield _Header((dateline.start(), dateline.end()), found, "dateline", guessed)
    ja = _japanese_dateline(body, latest, hint)
    if ja is not None:
        yield _Header(ja[1], ja[0], "dateline", hint(ja[0].month, ja[0].day) is None)


def _dateline(body: str) -> re.Match[str] | None:
    """The first line of the header that opens with a dateline (tried at line starts only:
    most pages have none, and the pattern is long)."""
    at = 0
    while at < HEADER_CHARS:
        found = _DATELINE.match(body, at, HEADER_CHARS)
        if found is not None:
            return found
        at = body.find("\n", at, HEADER_CHARS) + 1
        if at == 0:
            return None
    return None


def header_spans(body: str, latest: date) -> tuple[tuple[int, int], ...]:
    """The ``header_spans`` of :func:`read_publication_date`, without choosing a date (for
    a page whose date was given: the title and the opening lines are not read)."""
    return tuple(sorted({header.span for header in _headers(body, latest, _no_hint)}))


def header_reach(body: str) -> int:
    """Where every header span but a wire stamp ends at the latest: the end of the line
    holding offset HEADER_CHARS (a date line starts there at the latest, a dateline ends
    before it). A span that starts after it dates the page only if it is the wire stamp."""
    end = body.find("\n", HEADER_CHARS)
    return len(body) if end < 0 else end


def wire_stamp_spans(body: str, latest: date) -> tuple[tuple[int, int], ...]:
    """The wire stamp's span among :func:`header_spans`, alone (none or one)."""
    stamp = _wire_stamp(body, latest)
    return () if stamp is None else (stamp.span,)


def _no_hint(month: int, day: int) -> int | None:
    return None


class _SameDayInText:
    """A year hint from the body itself: the year of a full date in it with the same month
    and day, when there is one such year ("New Delhi, Nov 27 (PTI) ... on November 27,
    2024"). Read on first use: most pages have no yearless dateline."""

    def __init__(self, body: str, latest: date) -> None:
        self._body = body
        self._latest = latest
        self._years: dict[tuple[int, int], set[int]] | None = None

    def __call__(self, month: int, day: int) -> int | None:
        if self._years is None:
            self._years = {}
            for _, _, found in _full_dates(self._body):
                if _plausible(found, self._latest):
                    self._years.setdefault((found.month, found.day), set()).add(found.year)
        years = self._years.get((month, day), set())
        return next(iter(years)) if len(years) == 1 else None


def read_publication_date(
    title: str,
    body: str,
    latest: date,
    year_hint: Callable[[int, int], int | None] | None = None,
    *,
    within: tuple[date, date] | None = None,
) -> PublicationDate:
    """The publication date of a page from its title and the top of its body.

    ``latest`` is the day the page was seen; ``year_hint(month, day)`` names the year of
    a date written without one when the rest of the document tells (None: the latest
    year that keeps it on or before ``latest``); with ``within`` (first, last) only a
    date in that span counts (a stale site stamp above the article's own date).
    """
    lo, hi = within or (date.min, date.max)
    same_day = _SameDayInText(body, latest)  # read on first use, once for both below
    headers = list(_headers(body, latest, year_hint or same_day))
    spans = tuple(sorted({header.span for header in headers}))
    in_title = _in_title(title, latest)
    if in_title is not None and lo <= in_title <= hi:
        return PublicationDate(in_title, "title", spans, False)
    for header in headers:
        if lo <= header.day <= hi:
            return PublicationDate(header.day, header.how, spans, header.guessed)
    opening = sorted([*_full_dates(body, 0, OPENING_CHARS), *_written_later(body, same_day)])
    for start, end, day in opening:
        if _plausible(day, latest) and lo <= day <= hi and not _announced(body, start):
            # the date taken for the page's dates it: it is no due date either
            spans = tuple(sorted({*spans, (start, end)}))
            return PublicationDate(day, "opening lines", spans, False)
    return PublicationDate(None, "", spans)


def _written_later(body: str, same_day: _SameDayInText) -> list[tuple[int, int, date]]:
    """Dates of the opening lines written without their year that the page writes with
    it further on ("held the summit in Rio on 19 November" ... "on 19 November 2024"), so
    that the day of the page's own event comes before an older one named with its year
    ("The 1st Annual Summit was held on 10 March 2023")."""
    found = []
    for pattern in _YEARLESS:
        for match in pattern.finditer(body, 0, OPENING_CHARS):
            month = _MONTHS[match["month"].lower().rstrip(".")]
            day_of_month = int(match["day"])
            year = same_day(month, day_of_month)
            if year is not None and day_of_month <= days_in_month(year, month):
                found.append((match.start(), match.end(), date(year, month, day_of_month)))
    return found
