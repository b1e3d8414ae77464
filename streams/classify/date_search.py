"""Where and how the date patterns run: near trigger words, on lower-cased text.

Trying the patterns of :mod:`streams.classify.date_patterns` at every position
of a body is slow, so the work is cut three ways, none of which changes what
is found:
- every expression contains a trigger (a digit, a month name, "year"/"month"/
  "week"/"day", a season, "fiscal", 年/月, or 来週/今秋-like words); one
  Aho-Corasick pass over the normalised text finds them, and each pattern runs
  only within reach of its triggers;
- a stretch that lacks a word an expression cannot do without ("later" for
  "later this year") is skipped;
- the case-insensitive patterns run case-sensitively on a lower-cased copy of
  the text with the same offsets (:mod:`streams.classify.lowercase`), which is
  much faster; the groups are read back from the original text.
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Final, NamedTuple, cast

from streams.classify.by_script import ScriptAutomata
from streams.classify.date_patterns import PATTERNS
from streams.classify.lowercase import case_sensitive, lowered
from streams.classify.normalise import Normalised

__all__ = ["Expression", "expression_matches"]

# every expression contains one of these words (see _ranges)
_TRIGGER_WORDS: Final = {
    "month": (
        "jan january feb february mar march apr april may jun june jul july aug august sep sept "
        "september oct october nov november dec december"
    ),
    "unit": "year years month months week weeks weekend day days decade decades",
    "digit": "0 1 2 3 4 5 6 7 8 9",
    "cjk": "年 月",
    "cjk_day": "日に 日には 日から 日まで 日ごろ 日頃 日の 日、 日にも",
    "weekday": "monday tuesday wednesday thursday friday saturday sunday",
    "season": "spring summer autumn fall",
    "fiscal": "fiscal",
    "cjk_rel": "来週 今週 今春 今夏 今秋 来春 来夏 来秋",
}
_BEFORE, _AFTER = 50, 30  # reach of an expression around its trigger
_YEAR_WORDS: Final = ("19", "20", "21", "year")
# Words an expression of a kind cannot do without (one of each group), lower case.
_NEEDS: Final[dict[str, tuple[tuple[str, ...], ...]]] = {
    "year_part": (
        (
            "early", "beginning", "start", "mid", "late", "end", "half", "quarter",
            "q1", "q2", "q3", "q4", "h1", "h2", "spring", "summer", "autumn", "fall",
        ),
        _YEAR_WORDS,
    ),
    "later_year": (("later",), _YEAR_WORDS),
    "decade": (("0s",),),
    "ja_decade": (("年代",),),
    "year_end": (("year",), ("end",)),
    "relative": (("next", "this", "coming", "current"),),
    "end_of_month": (("end",), ("month",)),
    "within": (("within", "next", "coming"),),
    "fiscal_span": (("-", "–"),),
    "fiscal": (("fiscal", "fy"),),
    "fiscal_rel": (("year",),),
    "season": (("this", "next", "coming"),),
}  # fmt: skip


class _Search(NamedTuple):
    kind: str
    triggers: tuple[str, ...]  # sorted: the key of their merged ranges
    pattern: re.Pattern[str]
    folded: re.Pattern[str] | None  # its case-sensitive form for the lowered text
    needs: tuple[re.Pattern[str], ...]  # one search per group of _NEEDS (lowered text)


_SEARCH: Final[tuple[_Search, ...]] = tuple(
    _Search(
        kind,
        tuple(sorted(triggers)),
        pattern,
        case_sensitive(pattern) if pattern.flags & re.IGNORECASE else None,
        tuple(re.compile("|".join(map(re.escape, group))) for group in _NEEDS.get(kind, ())),
    )
    for kind, triggers, pattern in PATTERNS
)


class Expression(NamedTuple):
    """A pattern match: ``text[start:end]``, its named groups as in the original text."""

    kind: str
    start: int
    end: int
    groups: dict[str, str | None]


def _trigger_automaton() -> ScriptAutomata:
    automaton = ScriptAutomata()
    for klass, words in _TRIGGER_WORDS.items():
        for word in words.split():
            padded = word if klass in ("digit", "cjk", "cjk_day", "cjk_rel") else f" {word} "
            automaton.add_word(padded, (klass, len(padded), padded.startswith(" ")))
    automaton.make_automaton()
    return automaton


_TRIGGERS: Final = _trigger_automaton()


def _ranges(
    norm: Normalised, regions: Sequence[tuple[int, int]] | None
) -> dict[str, list[tuple[int, int]]]:
    """Stretches of the original text around the triggers of each class.

    With ``regions`` (original offsets, sorted), only the parts of the text
    inside them are looked at.
    """
    padded_text = " " + norm.text + " "
    if regions is None:
        spans = [(0, len(padded_text))]
    else:
        spans = [(norm.index_at(lo), norm.index_at(hi) + 2) for lo, hi in regions]
    out: dict[str, list[tuple[int, int]]] = {}
    triggers = _TRIGGERS.for_text(norm.text)
    for lo_n, hi_n in spans:
        for hit in triggers.iter(padded_text, lo_n, hi_n):
            last, (klass, length, padded) = cast(tuple[int, tuple[str, int, bool]], hit)
            start = last - length + 1 + padded - 1
            end = last - padded
            o_start, o_end = norm.span(start, end)
            lo, hi = max(0, o_start - _BEFORE), o_end + _AFTER
            ranges = out.setdefault(klass, [])
            if ranges and lo <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(hi, ranges[-1][1]))
            else:
                ranges.append((lo, hi))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def expression_matches(
    text: str,
    norm: Normalised,
    regions: Sequence[tuple[int, int]] | None = None,
    folded: str | None = None,
) -> Iterator[Expression]:
    """Every pattern match near a trigger (inside ``regions`` if given), by kind; may overlap.

    ``folded`` is ``lowered(text)`` when the caller already has it.
    """
    ranges = _ranges(norm, regions)
    folded = lowered(text) if folded is None else folded
    spans_of: dict[tuple[str, ...], list[tuple[int, int]]] = {}  # patterns share triggers
    for kind, triggers, insensitive, sensitive, needs in _SEARCH:
        spans = spans_of.get(triggers)
        if spans is None:
            spans = spans_of[triggers] = _merged([s for t in triggers for s in ranges.get(t, ())])
        if not spans:
            continue
        on_folded = folded is not None and sensitive is not None
        pattern = sensitive if on_folded else insensitive
        haystack = folded if on_folded else text
        for lo, hi in spans:
            if folded is not None and not all(need.search(folded, lo, hi) for need in needs):
                continue  # a word the expression needs is missing
            for match in pattern.finditer(haystack, lo, hi):  # type: ignore[union-attr, arg-type]
                yield Expression(kind, match.start(), match.end(), _groups(match, text))


def _groups(match: re.Match[str], text: str) -> dict[str, str | None]:
    """``match.groupdict()``, read from ``text`` (the match may be on its lowered copy)."""
    out: dict[str, str | None] = {}
    for name in match.re.groupindex:
        start, end = match.span(name)
        out[name] = None if start < 0 else text[start:end]
    return out
