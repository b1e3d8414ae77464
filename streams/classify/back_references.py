"""Dates a sentence takes from an earlier one: "the same day", "during the visit".

Announcements often date one act and then add others without a date of their own:
- "同日" / "on the same day" / "later that day": the day named last before it (within
  its paragraph, at most ``REACH`` characters back), past or future; "翌日" / "the
  following day" / "the next day": the day after it. A day written in brackets is a
  conversion ("21日(日本時間22日)"), not the one meant; a day without a year is the
  occurrence nearest the document date, a weekday the one within three days of it.
- "during the visit" / "during his four-day trip" / 訪問中 / 訪問の機会に / 滞在中 and
  "on the sidelines of the summit" / 会議の際 / 首脳会議に合わせて: the window of the last
  dated sentence before it that speaks of the same kind of thing (a visit; a meeting),
  if there is one ("will visit Australia from September 4 to 6").
Only candidate sentences without a date expression of their own are read; the caller
applies the usual commitment rules (cue, anchor, not past) to what is returned, and keeps
these apart from the commitment they borrow from: they date another act. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from streams.classify.date_patterns import MONTHS
from streams.classify.dates import DueWindow
from streams.classify.lowercase import Folded
from streams.classify.sentences import Sentences

__all__ = ["REACH", "REFERRING", "may_refer_back", "referred_windows", "with_referred_windows"]

REACH: Final = 400  # how far back "the same day" looks for its day
REFERRING: Final = frozenset({"same_day", "visit"})  # the kinds of the windows returned here

_SAME_DAY: Final = Folded.of(
    re.compile(
        r"同日|翌日|\b(?:the\s+same|that|the\s+following|the\s+next)\s+day\b|\bthe\s+day\s+after\b",
        re.I,
    )
)
_VISIT_NOUNS: Final = r"visit|trip|tour|stay"
_EVENT_NOUNS: Final = r"summit|meeting|conference|dialogue"
_JA_VISIT: Final = r"訪問|訪日|訪米|訪印|訪豪|訪中|滞在"
_JA_EVENT: Final = r"首脳会議|首脳会談|サミット|会議|会合"
_DURING: Final = Folded.of(
    re.compile(
        r"\b(?:during|on\s+the\s+(?:sidelines|margins)\s+of|in\s+the\s+margins\s+of)\s+"
        r"(?:the\s+course\s+of\s+)?(?:the|his|her|their|this|that|its)\s+(?:[\w-]+\s+){0,3}?"
        rf"(?:(?P<visit>{_VISIT_NOUNS})|(?P<event>{_EVENT_NOUNS}))\b"
        rf"|(?:(?P<ja_visit>{_JA_VISIT})|(?P<ja_event>{_JA_EVENT}))(?:期間)?"
        r"(?:中|の際|の機会|に際し|に合わせ|の合間|の場)",
        re.I,
    )
)
_VISIT: Final = Folded.of(
    re.compile(rf"\b(?:visit|visits|visiting|trip|travel|tour)\b|{_JA_VISIT}|訪れ", re.I)
)
_MONTH: Final = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MENTION: Final = Folded.of(
    re.compile(
        r"(?:(?P<jy>[0-9０-９]{4})年)?(?:(?P<jm>[0-9０-９]{1,2})月)?(?<![0-9０-９])"
        r"(?P<jd>[0-9０-９]{1,2})日(?!間)"
        rf"|\b(?P<em>{_MONTH})\.?\s+(?P<ed>[0-3]?\d)(?:st|nd|rd|th)?\b"
        r"(?:,?\s+(?P<ey>(?:19|20)\d\d)\b)?"
        rf"|\b(?P<dd>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH})\b"
        r"(?:,?\s+(?P<dy>(?:19|20)\d\d)\b)?"
        r"|\b(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        re.I,
    )
)
_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NEXT_DAY: Final = ("翌日", "following", "next", "after")


# every match of _SAME_DAY / _DURING holds one of these (lower case): a quick no for the
# many sentences that hold none, where the patterns would be tried at every offset
_SAME_DAY_WORDS: Final = ("day", "同日", "翌日")
_DURING_WORDS: Final = ("during", "sidelines", "margins", "訪", "滞在", "サミット", "会")


def _has_any(body: str, folded: str | None, start: int, end: int, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` is in ``body[start:end]``, in any case (on ``folded``, the
    lowered body, when there is one; else the patterns decide)."""
    if folded is None:
        return True
    return any(folded.find(word, start, end) >= 0 for word in words)


def may_refer_back(body: str, folded: str | None) -> bool:
    """A cheap test: whether ``body`` may hold a back reference at all."""
    text = body.lower() if folded is None else folded
    return (
        " day" in text
        or "during" in text
        or "margins of" in text
        or "sidelines of" in text
        or (not body.isascii() and ("日" in body or "訪" in body or "滞在" in body or "会" in body))
    )


def with_referred_windows(
    body: str,
    today: date,
    sentences: Sentences,
    candidates: Sequence[tuple[int, int]],
    windows: list[DueWindow],
    *,
    folded: str | None,
) -> list[DueWindow]:
    """``windows`` and, in text order among them, those :func:`referred_windows` finds."""
    if not may_refer_back(body, folded):
        return windows
    referred = referred_windows(body, today, sentences, candidates, windows, folded=folded)
    return sorted([*windows, *referred], key=lambda w: w.start) if referred else windows


def referred_windows(
    body: str,
    today: date,
    sentences: Sentences,
    candidates: Sequence[tuple[int, int]],
    windows: Sequence[DueWindow],
    *,
    folded: str | None = None,
) -> list[DueWindow]:
    """Windows for the ``candidates`` (sentence spans) that have no date expression of
    their own but refer back to one, each at the words that refer; none ends before
    ``today``."""
    out: list[DueWindow] = []
    starts = sorted(w.start for w in windows)
    for s_start, s_end in candidates:
        if any(s_start <= w < s_end for w in starts):
            continue  # dated in its own words
        same = (
            _SAME_DAY.search(body, folded, s_start, s_end)
            if _has_any(body, folded, s_start, s_end, _SAME_DAY_WORDS)
            else None
        )
        if same is not None:
            found = _day_before(body, folded, sentences, same.start(), today)
            if found is not None:
                day, relative = found
                if any(word in same.group() for word in _NEXT_DAY):
                    day += timedelta(days=1)
                if day >= today:
                    out.append(DueWindow(same.start(), same.end(), day, day, relative, "same_day"))
            continue
        if not _has_any(body, folded, s_start, s_end, _DURING_WORDS):
            continue
        during = _DURING.search(body, folded, s_start, s_end)
        if during is None:
            continue
        if during.group("visit") or during.group("ja_visit"):
            about = _VISIT  # "the trip" after "will visit"
        else:  # "the summit" after a sentence about the summit, not about another meeting
            noun = during.group("event") or during.group("ja_event")
            word = rf"\b{noun.lower()}s?\b" if noun.isascii() else noun
            about = Folded.of(re.compile(word, re.I))
        source = _last_window_about(
            windows, s_start, about, body=body, folded=folded, sentences=sentences, spans=candidates
        )
        if source is not None:
            out.append(
                DueWindow(
                    during.start(),
                    during.end(),
                    source.due_from,
                    source.due_to,
                    source.relative,
                    "visit",
                )
            )
    return out


def _last_window_about(
    windows: Sequence[DueWindow],
    before: int,
    about: Folded,
    *,
    body: str,
    folded: str | None,
    sentences: Sentences,
    spans: Sequence[tuple[int, int]],
) -> DueWindow | None:
    """The last window before ``before`` in one of the candidate sentences ``spans`` (one
    that may promise) that ``about`` finds words in."""
    for window in sorted(windows, key=lambda w: w.start, reverse=True):
        if window.start >= before:
            continue
        start, end = sentences.around(window.start)
        if (start, end) in spans and about.search(body, folded, start, end) is not None:
            return window
    return None


def _day_before(
    body: str, folded: str | None, sentences: Sentences, at: int, today: date
) -> tuple[date, bool] | None:
    """The day named last before ``at`` and whether it needed ``today`` (no year)."""
    lo = max(sentences.paragraph_start(at), at - REACH)
    last = None
    for match in _DAY_MENTION.finditer(body, folded, lo, at):
        if match.group("em") and body[match.start()].islower():
            continue  # "may", "march" as words
        if not _in_brackets(body, lo, match.start()):
            last = match
    if last is None:
        return None
    groups = {
        name: (None if last.start(name) < 0 else body[last.start(name) : last.end(name)])
        for name in last.re.groupindex
    }
    day = _day_of(groups, today)
    if day is None:
        return None
    return day, not (groups["jy"] or groups["ey"] or groups["dy"])


def _in_brackets(body: str, lo: int, at: int) -> bool:
    opened = max(body.rfind("(", lo, at), body.rfind("（", lo, at))
    closed = max(body.rfind(")", lo, at), body.rfind("）", lo, at))
    return opened > closed


def _day_of(groups: dict[str, str | None], today: date) -> date | None:
    """The day a mention names, read at ``today``; None if it names no valid day."""
    try:
        if groups["jd"] is not None:
            day = _int(groups["jd"])
            if groups["jm"] is None:  # "21日": of last month, this month or next month
                index = today.year * 12 + today.month - 1
                firsts = (_first_of(index + k) for k in (-1, 0, 1))
                return _nearest([f.replace(day=day) for f in firsts if _fits(f, day)], today)
            year = groups["jy"]
            return _dated(None if year is None else _int(year), _int(str(groups["jm"])), day, today)
        if groups["wd"] is not None:
            target = _WEEKDAYS.index(groups["wd"].lower())
            return next(
                today + timedelta(days=k)
                for k in range(-3, 4)
                if (today + timedelta(days=k)).weekday() == target
            )
        month_name, day_text, year = (
            (groups["em"], groups["ed"], groups["ey"])
            if groups["em"] is not None
            else (groups["dm"], groups["dd"], groups["dy"])
        )
        month = MONTHS[str(month_name).lower()]
        return _dated(None if year is None else int(year), month, int(str(day_text)), today)
    except (ValueError, KeyError):
        return None


def _int(raw: str) -> int:
    return int(unicodedata.normalize("NFKC", raw))


def _first_of(month_index: int) -> date:
    """The first day of the month numbered ``year * 12 + month - 1``."""
    year, month = divmod(month_index, 12)
    return date(year, month + 1, 1)


def _fits(first: date, day: int) -> bool:
    try:
        first.replace(day=day)
    except ValueError:
        return False
    return True


def _nearest(days: Sequence[date], today: date) -> date | None:
    """The day nearest ``today`` (the later of two as near)."""
    if not days:
        return None
    return min(days, key=lambda d: (abs((d - today).days), d < today))


def _dated(year: int | None, month: int, day: int, today: date) -> date | None:
    if year is not None:
        return date(year, month, day)
    options = []
    for candidate in (today.year - 1, today.year, today.year + 1):
        try:
            options.append(date(candidate, month, day))
        except ValueError:
            continue
    return _nearest(options, today)
