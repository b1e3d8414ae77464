"""Date expressions -> due windows relative to the document date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.classify.date_patterns import PATTERNS
from streams.classify.dates import find_due_windows
from streams.classify.published import _FULL_DATES
from tests.unit.streams.classify.own_texts import own_texts

DAY = date(2025, 12, 15)


@pytest.mark.parametrize(
    ("text", "due_text", "due_from", "due_to"),
    [
        ("convene in early 2026", "early 2026", "2026-01-01", "2026-04-30"),
        ("scheduled for the first half of 2026", "first half of 2026", "2026-01-01", "2026-06-30"),
        ("by March", "by March", "2025-12-15", "2026-03-31"),
        ("by March 2027", "by March 2027", "2025-12-15", "2027-03-31"),
        ("next year", "next year", "2026-01-01", "2026-12-31"),
        ("later this month", "later this month", "2025-12-15", "2025-12-31"),
        ("mid-2026", "mid-2026", "2026-05-01", "2026-08-31"),
        ("in 2027", "2027", "2027-01-01", "2027-12-31"),
        ("in the second half of 2026", "second half of 2026", "2026-07-01", "2026-12-31"),
        ("by the end of the year", "by the end of the year", "2025-12-15", "2025-12-31"),
        ("in January", "January", "2026-01-01", "2026-01-31"),
        ("in December", "December", "2025-12-01", "2025-12-31"),
        ("next month", "next month", "2026-01-01", "2026-01-31"),
        ("early next year", "early next year", "2026-01-01", "2026-04-30"),
        ("within two weeks", "within two weeks", "2025-12-15", "2025-12-29"),
        ("30 days from now", "30 days from now", "2026-01-14", "2026-01-14"),
        ("three months from today", "three months from today", "2026-03-15", "2026-03-15"),
        ("on March 15, 2026", "March 15, 2026", "2026-03-15", "2026-03-15"),
        ("Q3 2026", "Q3 2026", "2026-07-01", "2026-09-30"),
        ("before 2030", "before 2030", "2025-12-15", "2029-12-31"),
        ("delivered in the early 2030s", "early 2030s", "2030-01-01", "2033-12-31"),
        ("to follow in the mid-2040s", "mid-2040s", "2043-01-01", "2046-12-31"),
        ("retired by the late 2040s", "by the late 2040s", "2025-12-15", "2049-12-31"),
        ("by the end of the 2030s", "by the end of the 2030s", "2025-12-15", "2039-12-31"),
        ("fielded in the 2030s", "2030s", "2030-01-01", "2039-12-31"),
        ("before the 2030s", "before the 2030s", "2025-12-15", "2029-12-31"),
        ("2030年代前半に配備", "2030年代前半", "2030-01-01", "2034-12-31"),
        ("2030年代半ばまでに完成", "2030年代半ばまで", "2025-12-15", "2036-12-31"),
        ("２０４０年代後半に退役", "２０４０年代後半", "2045-01-01", "2049-12-31"),
        ("2030年代に実現", "2030年代", "2030-01-01", "2039-12-31"),
        ("2026年前半に開催", "2026年前半", "2026-01-01", "2026-06-30"),
        ("来年に開催", "来年", "2026-01-01", "2026-12-31"),
        ("来年前半", "来年前半", "2026-01-01", "2026-06-30"),
        ("3月末までに", "3月末まで", "2025-12-15", "2026-03-31"),
        ("年内に", "年内", "2025-12-15", "2025-12-31"),
        ("2026年度", "2026年度", "2026-04-01", "2027-03-31"),
        ("over the next decade", "over the next decade", "2025-12-15", "2035-12-15"),
        ("within two decades", "within two decades", "2025-12-15", "2045-12-15"),
        ("attend the summit this weekend", "this weekend", "2025-12-20", "2025-12-21"),
        ("next weekend", "next weekend", "2025-12-27", "2025-12-28"),
        # India's financial years
        ("the outlay for 2026-27", "2026-27", "2026-04-01", "2027-03-31"),
        ("for seven years till 2030-31", "till 2030-31", "2025-12-15", "2031-03-31"),
        # two ends written as one span are one window
        (
            "between late January and early February",
            "late January and early February",
            "2026-01-21",
            "2026-02-10",
        ),
        ("from April 2026 to March 2027", "April 2026 to March 2027", "2026-04-01", "2027-03-31"),
        ("set for late June-early July", "late June-early July", "2026-06-21", "2026-07-10"),
        ("1月下旬から2月上旬に開く", "1月下旬から2月上旬", "2026-01-21", "2026-02-10"),
    ],
)
def test_expressions_normalise_to_windows(
    text: str, due_text: str, due_from: str, due_to: str
) -> None:
    windows = find_due_windows(text, DAY)
    assert len(windows) == 1, windows
    window = windows[0]
    assert text[window.start : window.end] == due_text
    assert (window.due_from.isoformat(), window.due_to.isoformat()) == (due_from, due_to)


# The fiscal year runs April to March (Japan, India); DAY (15 Dec 2025) is in fiscal 2025.
@pytest.mark.parametrize(
    ("text", "due_text", "due_from", "due_to"),
    [
        ("to be finished by the end of the fiscal year", "by the end of the fiscal year",
         "2025-12-15", "2026-03-31"),
        ("approved within this fiscal year", "this fiscal year", "2025-12-15", "2026-03-31"),
        ("funded in the current fiscal year", "current fiscal year", "2025-12-15", "2026-03-31"),
        ("launch next fiscal year", "next fiscal year", "2026-04-01", "2027-03-31"),
        ("in the first half of the next fiscal year", "first half of the next fiscal year",
         "2026-04-01", "2026-09-30"),
        ("by the end of fiscal 2027", "by the end of fiscal 2027", "2025-12-15", "2028-03-31"),
        ("at the end of fiscal 2026", "end of fiscal 2026", "2027-01-01", "2027-03-31"),
        ("by FY2027", "by FY2027", "2025-12-15", "2028-03-31"),
        ("年度内に策定", "年度内", "2025-12-15", "2026-03-31"),
        ("今年度内に", "今年度内", "2025-12-15", "2026-03-31"),
        ("今年度中に", "今年度中", "2025-12-15", "2026-03-31"),
        ("今年度", "今年度", "2025-12-15", "2026-03-31"),
        ("年度末までに", "年度末まで", "2025-12-15", "2026-03-31"),
        ("今年度末に", "今年度末", "2026-01-01", "2026-03-31"),
        ("2027年度末", "2027年度末", "2028-01-01", "2028-03-31"),
        ("来年度前半", "来年度前半", "2026-04-01", "2026-09-30"),
        ("来年度から", "来年度", "2026-04-01", "2027-03-31"),
    ],
)  # fmt: skip
def test_fiscal_years_and_their_parts(text: str, due_text: str, due_from: str, due_to: str) -> None:
    test_expressions_normalise_to_windows(text, due_text, due_from, due_to)


def test_this_and_next_fiscal_year_follow_april_not_january() -> None:
    """In February the current fiscal year began last April: 来年度 is the one from April."""
    february = date(2026, 2, 10)
    for text, want in (
        ("来年度", ("2026-04-01", "2027-03-31")),
        ("今年度内", ("2026-02-10", "2026-03-31")),
        ("next fiscal year", ("2026-04-01", "2027-03-31")),
        ("by the end of this fiscal year", ("2026-02-10", "2026-03-31")),
    ):
        (window,) = find_due_windows(text, february)
        assert (window.due_from.isoformat(), window.due_to.isoformat()) == want, text


@pytest.mark.parametrize(
    ("text", "due_text", "due_from", "due_to"),
    [
        ("will open this autumn", "this autumn", "2026-09-01", "2026-11-30"),
        ("talks next spring", "next spring", "2026-03-01", "2026-05-31"),
        ("in the coming summer", "coming summer", "2026-06-01", "2026-08-31"),
        ("in the latter half of 2026", "latter half of 2026", "2026-07-01", "2026-12-31"),
        ("operational by 2028-end", "by 2028-end", "2025-12-15", "2028-12-31"),
        ("completed in 2027-end", "2027-end", "2027-10-01", "2027-12-31"),
        ("来春にも", "来春", "2026-03-01", "2026-05-31"),
        ("今秋", "今秋", "2026-09-01", "2026-11-30"),
        ("来週訪問", "来週", "2025-12-22", "2025-12-28"),
        ("今週末", "今週末", "2025-12-20", "2025-12-21"),
        ("年末までに", "年末まで", "2025-12-15", "2025-12-31"),
        ("今年中に", "今年中", "2025-12-15", "2025-12-31"),
        ("月末に", "月末", "2025-12-21", "2025-12-31"),
        (
            "sealed before the close of calendar 2026",
            "before the close of calendar 2026",
            "2025-12-15",
            "2026-12-31",
        ),
        ("talks starting Friday", "starting Friday", "2025-12-19", "2025-12-19"),
    ],
)
def test_seasons_weeks_and_ends_of_periods(
    text: str, due_text: str, due_from: str, due_to: str
) -> None:
    # DAY is in December: this autumn has passed, so "this autumn" and 今秋 are read in March
    day = date(2026, 3, 2) if text in ("will open this autumn", "今秋") else DAY
    windows = find_due_windows(text, day)
    assert [
        (text[w.start : w.end], w.due_from.isoformat(), w.due_to.isoformat()) for w in windows
    ] == [(due_text, due_from, due_to)]


@pytest.mark.parametrize(
    "text", ["the fall of the government", "年末年始の休暇", "前年度末の残高", "this autumn"]
)
def test_words_that_only_look_like_periods(text: str) -> None:
    assert find_due_windows(text, DAY) == []  # "this autumn" has passed by mid-December


@pytest.mark.parametrize(
    "text",
    [
        "in the coming months",
        "soon",
        "in early 2024",
        "by March 2025",
        "it may rain in may",
        "the march on the capital",
        "for the first time in 10 years",
        "in 2024-25",
        "studied in the late 1990s and early 2000s",
        "in the 2010s",
    ],
)
def test_vague_past_and_non_dates_are_not_windows(text: str) -> None:
    assert find_due_windows(text, DAY) == []


_PHRASES = st.sampled_from(
    [
        "early", "mid", "late", "the end of", "the first half of", "the second half of",
        "Q1", "Q4", "H2", "spring", "by", "in", "by the end of", "later this", "next",
        "this", "within", "by early", "until", "before", "the beginning of",
    ]
)  # fmt: skip
_ANCHORS = st.sampled_from(
    [
        "2024", "2025", "2026", "2099", "2199", "1900", "year", "month", "week", "March",
        "December", "Jan", "May 31", "31 February", "February 29", "3 months", "two weeks",
        "来年", "今年", "2026年前半", "12月末まで", "2月中旬", "年内", "来月", "13月",
        "fiscal year", "fiscal 2026", "summer", "2026-end", "年度末", "今年度末", "来年度前半",
        "今秋", "来週", "2030s", "2190s", "the 1990s", "2030年代前半", "2040年代末まで",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(_PHRASES, _ANCHORS), min_size=1, max_size=4),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
def test_windows_are_ordered_and_never_end_before_the_document_date(
    parts: list[tuple[str, str]], today: date
) -> None:
    text = " and ".join(f"{p} {a}" for p, a in parts)
    for window in find_due_windows(text, today):
        assert window.due_from <= window.due_to
        assert window.due_to >= today
        assert 0 <= window.start < window.end <= len(text)


def test_an_editions_year_is_its_window_without_the_space_after_it() -> None:
    """ "the 2027 Summit": the due text is the year, not the space before the name."""
    text = "Leaders will meet at the 2027 Summit in Delhi."
    (window,) = find_due_windows(text, date(2026, 5, 1))
    assert text[window.start : window.end] == "2027"
    assert (window.due_from, window.due_to) == (date(2027, 1, 1), date(2027, 12, 31))


_OPENINGS = [
    *("the 2024 Summit", "bathe 2024 Summit", "the\n2031 Plan", "THE 2024 X", "the 2024 x"),
    *("2025-01-02", "12025-01-02", "x2025/1/2", "_2025.1.2", "é2025-1-2", "(2025/12/31)"),
]


@pytest.mark.parametrize(
    ("rewritten", "plain"),
    [
        (
            dict((kind, p) for kind, _, p in PATTERNS)["the_year"],
            r"\bthe\s+(?P<year>(?:19|20)\d\d)(?=\s+[A-Z])"
            r"(?!\s+(?:Vision|Roadmap|Agenda|Strategy|Action\s+Plan)\b)",
        ),
        (
            _FULL_DATES[2],
            r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)\b",
        ),
    ],
)
def test_a_boundary_read_after_the_opening_finds_what_it_did_before(
    rewritten: re.Pattern[str], plain: str
) -> None:
    """Patterns open with a literal so the engine searches for it; the "\\b" it had at its
    start is read in a look-behind after it, which must find the same."""
    before = re.compile(plain, rewritten.flags)
    for text in [*_OPENINGS, *own_texts()]:
        expected = [(m.span(), m.groupdict()) for m in before.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in rewritten.finditer(text)] == expected, text[:60]


def test_a_span_whose_first_date_is_an_appositive_is_one_window() -> None:
    """ "from tomorrow, January 10, to January 18": the comma closing the appositive."""
    windows = find_due_windows("visits from tomorrow, January 10, to January 18", DAY)
    assert [(w.due_from.isoformat(), w.due_to.isoformat()) for w in windows] == [
        ("2026-01-10", "2026-01-18")
    ]


def test_two_dates_joined_by_and_stay_two_without_between() -> None:
    """ "in June and in September" names two times, not the months between them."""
    windows = find_due_windows("talks in June and in September", DAY)
    assert [(w.due_from.isoformat(), w.due_to.isoformat()) for w in windows] == [
        ("2026-06-01", "2026-06-30"),
        ("2026-09-01", "2026-09-30"),
    ]


def test_a_span_written_between_two_years_runs_from_the_first_to_the_last() -> None:
    windows = find_due_windows("trial runs between 2026 and 2027, then service", DAY)
    assert [(w.due_from.isoformat(), w.due_to.isoformat()) for w in windows] == [
        ("2026-01-01", "2027-12-31")
    ]
    assert find_due_windows("a framework from 2026 to 2036", DAY)[0].due_to == date(2036, 12, 31)
    # backwards, or longer than a decade: no plan's span
    assert find_due_windows("between 2027 and 2026", DAY) == []
    assert find_due_windows("between 2026 and 2045", DAY) == []


def test_a_span_of_years_that_is_no_financial_year_is_no_window() -> None:
    """ "the period 2022-27" is five years, not India's financial year 2022-23."""
    assert find_due_windows("investment in the period 2026-30", DAY) == []


def test_a_weekday_followed_by_its_date_is_that_date() -> None:
    """ "on Monday, December 14" is 14 December, not also the next Monday."""
    text = "The minister is scheduled to visit Hiroshima on Monday, December 22, and then Tokyo."
    windows = find_due_windows(text, DAY)
    assert [(text[w.start : w.end], w.due_from.isoformat()) for w in windows] == [
        ("December 22", "2025-12-22")
    ]


def test_a_text_without_dates_has_no_windows() -> None:
    assert find_due_windows("No date here.", DAY) == []


def test_a_plan_from_a_weekday_starts_that_day() -> None:
    text = "Motegi will visit Britain for four days from Wednesday."
    assert [w.due_from.isoformat() for w in find_due_windows(text, DAY)] == ["2025-12-17"]


def test_an_undated_text_seen_after_a_deadline_keeps_the_expressions_own_span() -> None:
    """'by fall 2025' in a page of unknown date read in 2026: it was written before the
    fall, when is unknown, so the window is the fall itself, not one from today (which
    would end before it starts). A dated text, or a deadline still ahead, runs from today."""
    text = "Both sides aim to conclude the first tranche by fall 2025."
    late = date(2026, 12, 5)
    [window] = find_due_windows(text, late, undated=True)
    assert (window.due_from, window.due_to) == (date(2025, 9, 1), date(2025, 11, 30))
    assert find_due_windows(text, late) == []
    [ahead] = find_due_windows("They will finish by 2030.", late, undated=True)
    assert (ahead.due_from, ahead.due_to) == (late, date(2030, 12, 31))


def test_a_stays_nights_and_days_are_no_date() -> None:
    """「１泊２日の日程」 is a two-day stay: no 2nd of any month; 「２日に」 alone is."""
    day = date(2025, 12, 8)
    assert find_due_windows("来月中旬、１泊２日の日程で訪問する予定だ。", day)[1:] == []
    [stay_window] = find_due_windows("来月中旬、１泊２日の日程で訪問する予定だ。", day)
    assert (stay_window.due_from, stay_window.due_to) == (date(2026, 1, 11), date(2026, 1, 20))
    [second] = find_due_windows("１月２日に訪問する予定だ。", day)
    assert (second.due_from, second.due_to) == (date(2026, 1, 2), date(2026, 1, 2))
