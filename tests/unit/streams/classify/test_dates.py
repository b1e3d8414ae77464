"""Date expressions -> due windows relative to the document date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.classify.dates import find_due_windows

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
        ("on March 15, 2026", "March 15, 2026", "2026-03-15", "2026-03-15"),
        ("Q3 2026", "Q3 2026", "2026-07-01", "2026-09-30"),
        ("before 2030", "before 2030", "2025-12-15", "2029-12-31"),
        ("2026年前半に開催", "2026年前半", "2026-01-01", "2026-06-30"),
        ("来年に開催", "来年", "2026-01-01", "2026-12-31"),
        ("来年前半", "来年前半", "2026-01-01", "2026-06-30"),
        ("3月末までに", "3月末まで", "2025-12-15", "2026-03-31"),
        ("年内に", "年内", "2025-12-15", "2025-12-31"),
        ("2026年度", "2026年度", "2026-04-01", "2027-03-31"),
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
