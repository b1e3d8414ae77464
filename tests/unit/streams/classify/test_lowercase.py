"""Patterns on lower-cased text find exactly what the case-insensitive ones find."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.classify import story_signals
from streams.classify.date_patterns import PATTERNS
from streams.classify.date_search import Expression, expression_matches
from streams.classify.lowercase import Folded, lowered
from streams.classify.normalise import normalise
from streams.classify.undertakings import cue_in, names_an_action

EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


Found = set[tuple[str, int, int, tuple[tuple[str, str | None], ...]]]


def _as_set(expressions: list[Expression]) -> Found:
    return {(e.kind, e.start, e.end, tuple(sorted(e.groups.items()))) for e in expressions}


def _reference(text: str) -> Found:
    """Every pattern over the whole text, case-insensitively, as the patterns are written."""
    return _as_set(
        [
            Expression(kind, m.start(), m.end(), m.groupdict())
            for kind, _, pattern in PATTERNS
            for m in pattern.finditer(text)
        ]
    )


def _searched(text: str) -> Found:
    return _as_set(list(expression_matches(text, normalise(text))))


def test_lowered_keeps_every_offset() -> None:
    assert len(lowered(EVERY_CHARACTER) or "") == len(EVERY_CHARACTER)


@pytest.mark.parametrize("letter", "abcdefghijklmnopqrstuvwxyz0123456789")
def test_a_case_insensitive_letter_matches_what_lowered_turns_into_it(letter: str) -> None:
    folded = lowered(EVERY_CHARACTER)
    assert folded is not None
    insensitive = {m.start() for m in re.finditer(letter, EVERY_CHARACTER, re.IGNORECASE)}
    assert insensitive == {m.start() for m in re.finditer(letter, folded)}


@pytest.mark.parametrize("klass", [r"\w", r"\s", r"\d", r"[\s-]", r"[\d/–-]", r"[\w’'-]", "’"])
def test_lowered_keeps_every_character_class(klass: str) -> None:
    folded = lowered(EVERY_CHARACTER)
    assert folded is not None
    before = {m.start() for m in re.finditer(klass, EVERY_CHARACTER, re.IGNORECASE)}
    assert before == {m.start() for m in re.finditer(klass, folded)}


@pytest.mark.parametrize(
    "text",
    [
        "The JWG will meet in Early 2026 and again BY MARCH 2027.",
        "İn the FİRST HALF of 2026 the sides will sign; ſpring 2026 talks; LATER THIS YEAR.",
        "日印両政府は2026年前半に会合を開催する予定で、来月下旬までに合意を目指す。",
        "Within the next SIX MONTHS, and by the Year-End, talks resume on 3 April 2026.",
        "They may march in May; Mar. 5 is set; the end of the month; mid-2026.",
    ],
)
def test_the_same_expressions_as_the_case_insensitive_patterns(text: str) -> None:
    assert _searched(text) == _reference(text)


DATE_WORDS = [
    "by", "BY", "in", "İn", "early", "EARLY", "Mid", "2026", "2027", "next", "Next", "year",
    "YEAR", "month", "March", "MAY", "may", "ſpring", "the", "end", "of", "-", "later", "within",
    "six", "weeks", "年", "月", "来年", "3", "Q2", " ", "\n", ",",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(DATE_WORDS), max_size=30))
def test_any_mix_of_date_words_finds_the_same(words: list[str]) -> None:
    text = " ".join(words)
    assert _searched(text) == _reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "The sides WILL NOT meet. They AGREED at the summit on Monday TO launch talks.",
        "İt İS EXPECTED TO convene; ſhall we? Officials were DIRECTED to SUBMIT a report.",
        "They won’t sign. No plans to hold a SESSION. 両国は会合を開催する予定だ。",
        "Tokyo Looked Forward to the Dialogue; the deal Is Not Expected To close.",
    ],
)
def test_cues_and_actions_on_lowered_text(text: str) -> None:
    folded = lowered(text)
    for start in range(0, len(text), 7):
        for end in (len(text), start + 40):
            assert cue_in(text, start, end, folded) == cue_in(text, start, end)
            assert names_an_action(text, start, end, folded) == names_an_action(text, start, end)


FOLDED = [
    Folded.of(pattern)
    for pattern in (
        story_signals._SIDE,
        story_signals._FUTURE,
        story_signals._PAST,
        story_signals._SAID_BEFORE,
        story_signals._HEADLINE_PRESENT,
        story_signals._HEADLINE_FUTURE,
        story_signals._EN_DAY,
        story_signals._TRANCHE_WORD,
        story_signals._EN_ORDINAL,
    )
]
LEAD_WORDS = [
    "Will", "WILL", "met", "MET", "Signs", "to", "To Host", "said", "SAID", "on", "Monday",
    "MONDAY", "July", "JULY", "29th", "2026", "today", "Today", "ahead", "of", "the", "Sidelines",
    "TRANCHE", "Phase", "ſeventh", "Fifth", "15th", "İs", "ſet", "予定", "した。", ".", " ", "\n",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LEAD_WORDS), max_size=30), st.integers(0, 40))
def test_a_folded_pattern_finds_what_the_case_insensitive_one_finds(
    words: list[str], pos: int
) -> None:
    text = " ".join(words)
    folded = lowered(text)
    for twin in FOLDED:
        spans = [m.span() for m in twin.pattern.finditer(text)]
        assert [m.span() for m in twin.finditer(text, folded)] == spans
        assert _span(twin.search(text, folded, pos)) == _span(twin.pattern.search(text, pos))


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


def test_a_pattern_with_capitals_has_no_folded_twin() -> None:
    """Its twin would never match the capitals on lowered text ("FY" in "fy2026")."""
    with pytest.raises(ValueError, match="capitals"):
        Folded.of(re.compile(r"\b(?:fiscal|FY)\s*\d{4}", re.IGNORECASE))
    twin = Folded.of(re.compile(r"\bFY\S", re.IGNORECASE), r"\bfy\S")
    assert twin.search("In FY2026", lowered("In FY2026")) is not None
