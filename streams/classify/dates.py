"""Date expressions ("early 2026", "by March", "来年前半") -> due windows.

A window is relative to the document date ``today``: "early 2026" is
2026-01-01..2026-04-30, "first half of 2026" 2026-01-01..2026-06-30, "mid-2026"
May-August, "late 2026" September-December, "next year" the whole next
calendar year, "later this month" today..end of month, a month without a year
its next occurrence on or after today's month; "by X" (also "before", "until",
"まで", "年内") runs from today to the end of X. Fiscal years run April to March
and are named by the year they start in ("fiscal 2026", 2026年度); "this fiscal
year", 今年度, 年度内 run from today to the coming 31 March, "next fiscal year",
来年度 is the one after the current one, and a part of a fiscal year is that part
of a calendar year three months on ("the end of fiscal 2026", 2026年度末:
January-March 2027). Seasons: "this autumn", 今秋, "next spring", 来春. Vague
phrases ("in the coming months", "soon") are not dates. Invariant:
``due_from <= due_to``; windows that cannot be computed (out of range) are
dropped. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Final

from streams.classify.date_patterns import (
    BY_PREPS,
    DECADE_PARTS,
    LEADING,
    MONTH_PARTS,
    MONTHS,
    NUMBERS,
    YEAR_PARTS,
)
from streams.classify.date_search import expression_matches
from streams.classify.normalise import Normalised, normalise
from streams.classify.values import ByValue

__all__ = ["DueWindow", "days_in_month", "find_due_windows"]


class DueWindow(ByValue):
    """A date expression at ``text[start:end]`` and the window it means; ``relative``:
    it needed the document date to resolve (no year written in it). A plain class with
    value semantics: built in a C call when compiled (a dataclass's ``__init__`` is
    interpreted, and a document has dozens of date expressions)."""

    __slots__ = ("due_from", "due_to", "end", "kind", "relative", "start")

    def __init__(  # noqa: PLR0917 (the dataclass's positional signature, kept)
        self,
        start: int,
        end: int,
        due_from: date,
        due_to: date,
        relative: bool = True,
        kind: str = "",
    ) -> None:
        self.start = start
        self.end = end
        self.due_from = due_from
        self.due_to = due_to
        self.relative = relative
        self.kind = kind

    def _fields(self) -> tuple[int, int, date, date, bool, str]:
        return self.start, self.end, self.due_from, self.due_to, self.relative, self.kind

    def __repr__(self) -> str:
        fields = "start={}, end={}, due_from={!r}, due_to={!r}, relative={}, kind={!r}"
        return f"DueWindow({fields.format(*self._fields())})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return DueWindow, self._fields()  # (compiled, the class has no __setstate__)


_MONTH_DAYS: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# what joins the two ends of one span: "to", "through", a dash, から (and "and" after "between")
# "from tomorrow, January 10, to January 18": an appositive date closed by its comma
_RANGE_TO: Final = re.compile(
    r"\s*(?:,?\s*(?:to|through|till|until)|[-–—~〜～]|から)\s*", re.IGNORECASE
)
_RANGE_AND: Final = re.compile(r"\s*and\s*", re.IGNORECASE)
_BETWEEN: Final = re.compile(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE)


def days_in_month(year: int, month: int) -> int:
    """``calendar.monthrange(year, month)[1]``, compiled (that one is interpreted and
    also computes the weekday)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, days_in_month(year, month))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def _year_window(year: int, part: str | None) -> tuple[date, date]:
    m1, d1, m2, _ = YEAR_PARTS.get(part or "", (1, 1, 12, 0))
    return date(year, m1, d1), _end_of_month(year, m2)


def _decade_window(g: dict[str, str | None]) -> tuple[date, date]:
    """ "the 2030s", 2030年代: 2030-2039; "the early 2030s", 2030年代初頭 2030-2033,
    "mid-2030s", 2030年代半ば 2033-2036, 2030年代前半 2030-2034, 後半 2035-2039, "the late
    2030s", "the end of the 2030s", 2030年代末 2037-2039; "before the 2030s" ends in 2029."""
    decade = int(str(g["year"]))
    if (g.get("by") or "").lower() == "before":
        return date(decade, 1, 1), date(decade - 1, 12, 31)  # from is replaced by today
    part = "end" if g.get("end") else (g.get("part") or "").lower()
    first, last = DECADE_PARTS.get(part, (0, 9))
    return date(decade + first, 1, 1), date(decade + last, 12, 31)


def _fiscal_year_of(today: date) -> int:
    """The fiscal year (April to March, as Japan and India count it) holding ``today``,
    named by the year it starts in."""
    return today.year if today.month >= 4 else today.year - 1


def _fiscal_window(year: int, part: str | None) -> tuple[date, date]:
    """Fiscal ``year`` (April ``year`` to March ``year + 1``) or a part of it: the same part
    of a calendar year, three months on ("the end of fiscal 2026" is January-March 2027)."""
    start, end = _year_window(year, part)
    if part in _SEASONS:  # a season is the calendar's
        return start, end
    last = _add_months(end.replace(day=1), 3)
    return _add_months(start, 3), _end_of_month(last.year, last.month)


_SEASONS: Final = frozenset({"spring", "summer", "autumn", "fall", "春", "夏", "秋"})


def _month_window(year: int, month: int, part: str | None) -> tuple[date, date]:
    d1, d2 = MONTH_PARTS.get(part or "", (1, 0))
    end = _end_of_month(year, month)
    return date(year, month, d1), end if d2 == 0 else date(year, month, d2)


def _part_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = " ".join(raw.lower().replace("the ", "").replace(" of", "").split())
    return {"1st quarter": "first quarter"}.get(key, key)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBERS[text.lower()]


def _year_of(groups: dict[str, str | None], today: date) -> int | None:
    if groups.get("year"):
        return int(str(groups["year"]))
    rel = (groups.get("rel") or "").lower()
    if rel in ("next", "the coming", "来年"):
        return today.year + 1
    if rel == "再来年":
        return today.year + 2
    if rel in ("this", "the current", "the", "今年", "本年"):
        return today.year
    return None


def _year_span(opening: int, closing: int) -> tuple[date, date] | None:
    """ "between 2026 and 2027": a plan's span runs forward, for at most a decade."""
    if not opening < closing <= opening + 10:
        return None
    return date(opening, 1, 1), date(closing, 12, 31)


def _window(kind: str, g: dict[str, str | None], today: date) -> tuple[date, date] | None:
    """The window of one match, before "by" is applied; None when it is no date."""
    if kind in ("year_part", "later_year"):
        year = _year_of(g, today)
        if year is None:
            return None
        if kind == "later_year":
            return max(today, date(year, 1, 1)), date(year, 12, 31)
        return _year_window(year, _part_key(g.get("part")))
    if kind == "year_end":
        return _year_window(today.year, "end")
    if kind in ("decade", "ja_decade"):
        return _decade_window(g)
    if kind in ("month", "day_month"):
        month = MONTHS[str(g["month"]).lower().rstrip(".")]
        has_context = any(g.get(k) for k in ("by", "prep", "part", "year", "rel", "day"))
        if not has_context:
            return None
        year = _year_of(g, today)
        if year is None:
            year = today.year if month >= today.month else today.year + 1
        if g.get("day"):
            day = date(year, month, int(str(g["day"])))
            return day, day
        return _month_window(year, month, _part_key(g.get("part")))
    if kind == "year":
        year = int(str(g["year"]))
        if g.get("end"):  # "by 2028-end"
            return _year_window(year, "end")
        if str(g["prep"]).lower() == "before":
            return today, date(year - 1, 12, 31)
        return date(year, 1, 1), date(year, 12, 31)
    if kind == "year_span":
        return _year_span(int(str(g["year"])), int(str(g["year2"])))
    if kind == "relative":
        return _relative(g, today)
    if kind == "range":
        return _range(g, today)
    if kind == "weekday":
        return _weekday(g, today)
    if kind == "fiscal":  # April to March, as Japan and India count it
        return _fiscal_window(int(str(g["year"])), _part_key(g.get("part")))
    if kind == "fiscal_span":  # "2026-27": India's financial year, April 2026 to March 2027
        year = int(str(g["year"]))
        if int(str(g["yy"])) != (year + 1) % 100:
            return None
        return _fiscal_window(year, None)
    if kind == "fiscal_rel":  # "this fiscal year", "by the end of the fiscal year"
        ahead = str(g["rel"]).lower() in ("next", "the coming")
        part = _part_key(g.get("part"))
        start, end = _fiscal_window(_fiscal_year_of(today) + ahead, part)
        return (start if ahead or part else today), end
    if kind == "season":  # "this autumn"; "next spring": the next one to begin
        m1, _, _, _ = YEAR_PARTS[str(g["part"]).lower()]
        year = today.year
        if str(g["which"]).lower() != "this" and date(year, m1, 1) <= today:
            year += 1
        return _year_window(year, str(g["part"]).lower())
    if kind == "the_year":
        year = int(str(g["year"]))
        return date(year, 1, 1), date(year, 12, 31)
    if kind == "end_of_month":
        return _month_window(today.year, today.month, "end")
    if kind in ("within", "from_now"):  # "within 30 days" up to that day, "30 days from now" on it
        n, unit = _number(str(g.get("n2") or g.get("n") or "1")), str(g["unit"]).lower()
        if unit == "decade":
            n, unit = n * 10, "year"
        if not 0 < n <= 120:
            return None
        if unit in ("day", "week"):
            last = today + timedelta(days=n * (7 if unit == "week" else 1))
        else:
            last = _add_months(today, n * (12 if unit == "year" else 1))
        return (today if kind == "within" else last), last
    return _japanese(kind, g, today)


RECENT_PAST_DAYS: Final = 180


def _next_on_or_after(today: date, month: int, day: int, year: int | None) -> date | None:
    """``month``/``day`` in ``year``, else its next occurrence on or after ``today``; None
    for a day of the last six months, which a report names as past, not as next year's."""
    if year is not None:
        return date(year, month, day)
    found = date(today.year, month, min(day, days_in_month(today.year, month)))
    if found >= today:
        return found
    if (today - found).days <= RECENT_PAST_DAYS:
        return None
    return date(today.year + 1, month, day)


def _month_number(raw: str | None) -> int | None:
    if raw is None:
        return None
    text = raw.lower().rstrip(".")
    return MONTHS.get(text) or int(unicodedata.normalize("NFKC", raw))


def _range(g: dict[str, str | None], today: date) -> tuple[date, date] | None:
    """ "November 5-6", "from July 28-30, 2024", "February 24 to March 9", "7-10 September"."""
    month = _month_number(g["month"])
    if month is None:
        return None
    year = int(str(g["year"])) if g.get("year") else None
    start = _next_on_or_after(today, month, int(unicodedata.normalize("NFKC", str(g["day"]))), year)
    if start is None:
        return None
    end_month = _month_number(g.get("month2")) or month
    end = date(start.year, end_month, int(unicodedata.normalize("NFKC", str(g["day2"]))))
    if end < start:
        end = date(start.year + 1, end_month, end.day)
    return start, end


_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(g: dict[str, str | None], today: date) -> tuple[date, date]:
    """ "on Tuesday": the next Tuesday on or after ``today``; "next Tuesday": next week's."""
    target = _WEEKDAYS.index(str(g.get("weekday") or g.get("weekday2")).lower())
    ahead = (target - today.weekday()) % 7
    if (g.get("wprep") or "").lower() == "next":
        ahead = 7 - today.weekday() + target
    day = today + timedelta(days=ahead)
    return day, day


def _relative(g: dict[str, str | None], today: date) -> tuple[date, date] | None:
    which, unit = str(g["which"]).lower(), str(g["unit"]).lower()
    # "the coming weekend" is the nearest one, "the coming week" the next
    ahead = which == "next" or (which == "the coming" and unit != "weekend")
    part = _part_key(g.get("part"))
    if unit in ("week", "weekend"):  # a weekend is the week's Saturday and Sunday
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7 if ahead else 0)
        sunday = monday + timedelta(days=6)
        if unit == "weekend":
            return max(today, sunday - timedelta(days=1)), sunday
        return (monday if ahead else today), sunday
    if unit == "month":
        first = _add_months(today.replace(day=1), 1 if ahead else 0)
        start, end = _month_window(first.year, first.month, part)
        return (start if ahead or part else today), end
    year = today.year + (1 if ahead else 0)
    start, end = _year_window(year, part)
    return (start if ahead or part else today), end


def _japanese(kind: str, g: dict[str, str | None], today: date) -> tuple[date, date] | None:
    if kind == "ja_range":
        return _range(g, today)
    if kind == "ja_month_day":
        month, day = _month_number(g["month"]), int(unicodedata.normalize("NFKC", str(g["day"])))
        found = _next_on_or_after(today, month or 0, day, None)
        return None if found is None else (found, found)
    if kind == "ja_day":  # "24日に": the next 24th on or after the document date
        day = int(unicodedata.normalize("NFKC", str(g["day"])))
        first = today.replace(day=1)
        for ahead in range(2):
            month_start = _add_months(first, ahead)
            if day <= days_in_month(month_start.year, month_start.month):
                found = month_start.replace(day=day)
                if found >= today:
                    return found, found
        return None
    if kind == "ja_within":
        unit = g["unit"]
        if unit in ("年度内", "年度中", "年度末"):  # the current fiscal year
            start, end = _fiscal_window(_fiscal_year_of(today), "末" if unit == "年度末" else None)
            return (start if unit == "年度末" else today), end
        if unit == "年末":
            return _year_window(today.year, "末")
        if unit == "月末":
            return _month_window(today.year, today.month, "末")
        if unit == "年内":
            return today, date(today.year, 12, 31)
        return today, _end_of_month(today.year, today.month)
    if kind == "ja_rel_week":  # 来週 / 今週 (末: its weekend)
        week = _relative({"which": "next" if g["rel"] == "来週" else "this", "unit": "week"}, today)
        if week is not None and g.get("wpart") == "末":
            return max(week[0], week[1] - timedelta(days=1)), week[1]
        return week
    if kind == "ja_season":  # 今秋, 来春
        return _year_window(today.year + (g["rel"] == "来"), g["part"])
    if kind == "ja_rel_month":
        first = _add_months(today.replace(day=1), 1 if g["rel"] == "来月" else 0)
        return _month_window(first.year, first.month, g.get("mpart"))
    if g.get("month"):
        month = int(str(g["month"]))
        if not 1 <= month <= 12:
            return None
        year = _year_of(g, today)
        if year is None:
            year = today.year if month >= today.month else today.year + 1
        return _month_window(year, month, g.get("mpart"))
    if g.get("fy"):  # Japanese fiscal year: April to March
        return _japanese_fiscal(g, today)
    year = _year_of(g, today)
    if year is None:
        return None
    if g.get("within") or (g.get("rel") in ("今年", "本年") and g.get("part") in (None, "中")):
        return today, date(year, 12, 31)
    return _year_window(year, g.get("part"))


def _japanese_fiscal(g: dict[str, str | None], today: date) -> tuple[date, date] | None:
    """ "2026年度", "来年度前半", "今年度末", "今年度内": 今年度 is the fiscal year holding
    ``today`` (in February 2026 that is fiscal 2025), 来年度 the one after it."""
    if g.get("year"):
        year = int(unicodedata.normalize("NFKC", str(g["year"])))
    else:
        ahead = {"今年": 0, "本年": 0, "来年": 1, "再来年": 2}.get(str(g.get("rel")))
        if ahead is None:
            return None
        year = _fiscal_year_of(today) + ahead
    part = None if g.get("part") == "中" else g.get("part")  # 今年度中: within it
    start, end = _fiscal_window(year, part)
    this_year = g.get("rel") in ("今年", "本年") and part is None
    return (today if g.get("within") or this_year else start), end


def find_due_windows(
    text: str,
    today: date,
    norm: Normalised | None = None,
    regions: Sequence[tuple[int, int]] | None = None,
    folded: str | None = None,
    *,
    undated: bool = False,
) -> list[DueWindow]:
    """Date expressions in ``text`` whose window ends on or after ``today``, in text order.

    ``norm`` is ``normalise(text)`` and ``folded`` is ``lowered(text)`` when the caller
    already has them; with
    ``regions`` (sorted original offsets) only expressions near them are found. An
    ``undated`` text (its publication date unknown, ``today`` a stand-in) keeps a window
    with its year written that ended before ``today``: "will be held in the first half of
    2026" was a plan when it was written, whenever that was.
    """
    found: dict[tuple[int, int], DueWindow | None] = {}
    norm = normalise(text) if norm is None else norm
    for kind, match_start, end, groups in expression_matches(text, norm, regions, folded):
        month = groups.get("month")
        if month and not unicodedata.normalize("NFKC", month).isdigit() and month.islower():
            continue  # "may", "march" as words
        start = match_start
        if not groups.get("by") and kind != "within":
            start += len(LEADING.match(text, start, end).group())  # type: ignore[union-attr]
        found.setdefault((start, end), _due_window(kind, groups, today, start, end, undated))
    # leftmost-longest over every expression, valid or not: "5月" inside a past "5月23日"
    # is no date of its own
    ordered_all = sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][0] - kv[0][1]))
    kept: list[DueWindow] = []
    reach = 0
    for (start, end), window in ordered_all:
        if start >= reach:
            reach = end
            if window is not None:
                kept.append(window)
    if len(kept) < 2:  # most texts: nothing to join
        return kept
    return _joined_ranges(text, _named_days(text, kept))


# between a weekday and the date it names: "Monday, December 14", "Tuesday (July 23)"
_DAY_AND_DATE: Final = re.compile(r"\s*[,(]?\s*")


def _named_days(text: str, windows: list[DueWindow]) -> list[DueWindow]:
    """A weekday followed by its date ("on Monday, December 14") is that date: the date is
    kept, not the weekday read as the next one on its own."""
    kept: list[DueWindow] = []
    for i, window in enumerate(windows):
        after = windows[i + 1] if i + 1 < len(windows) else None
        if not (
            window.kind == "weekday"
            and after is not None
            and after.due_from == after.due_to
            and _DAY_AND_DATE.fullmatch(text, window.end, after.start)
        ):
            kept.append(window)
    return kept


def _joined_ranges(text: str, windows: list[DueWindow]) -> list[DueWindow]:
    """Two expressions written as one span ("between late June and early July", "from
    April 2026 to March 2027", "late June-early July") are one window from the start of the
    first to the end of the second; "in June and in September" stays two."""
    out: list[DueWindow] = []
    for window in windows:
        last = out[-1] if out else None
        if (
            last is not None
            and last.due_from <= window.due_from
            and last.due_to <= window.due_to
            and _spans_to(text, last.start, last.end, window.start)
        ):
            out[-1] = DueWindow(
                last.start,
                window.end,
                last.due_from,
                window.due_to,
                last.relative or window.relative,  # one end resolved by the document date
                last.kind,
            )
        else:
            out.append(window)
    return out


def _spans_to(text: str, first_start: int, first_end: int, second_start: int) -> bool:
    between = text[first_end:second_start]
    if _RANGE_TO.fullmatch(between):
        return True
    return bool(_RANGE_AND.fullmatch(between)) and bool(
        _BETWEEN.search(text, max(0, first_start - 9), first_start)
    )


def _due_window(  # noqa: PLR0917 (private, one call site)
    kind: str,
    groups: dict[str, str | None],
    today: date,
    start: int,
    end: int,
    undated: bool = False,
) -> DueWindow | None:
    """The window of one expression from ``today``, or None when it is none or past (a
    past one with its year written counts in an ``undated`` text)."""
    try:
        computed = _window(kind, groups, today)
    except (ValueError, OverflowError, KeyError):
        return None
    if computed is None:
        return None
    due_from, due_to = computed
    # an undated text's "by fall 2025" seen after it: from when is unknown, so the
    # expression's own span stands (today is no day of that text)
    seen_after = undated and bool(groups.get("year")) and due_to < today
    if (groups.get("by") or (groups.get("prep") or "").lower() in BY_PREPS) and not seen_after:
        due_from = today
    if due_to < due_from or (due_to < today and not (undated and groups.get("year"))):
        return None
    return DueWindow(start, end, due_from, due_to, not groups.get("year"), kind)
