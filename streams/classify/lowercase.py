"""Lower-cased copies of a text with the same offsets, for faster case-insensitive regexes.

Python's regex engine matches case-insensitive patterns much more slowly than
case-sensitive ones. A pattern written in lower case with ``re.IGNORECASE``
finds exactly the same spans on ``text`` as its case-sensitive twin
(:func:`case_sensitive`) on ``lowered(text)``: lower-casing keeps every
character's class (word, space, digit), and the only non-ASCII characters the
engine takes for an ASCII letter (İ, ı, ſ and the Kelvin sign) are folded to
that letter. tests/unit/streams/classify/test_lowercase.py checks both claims over
every code point. Groups must still be read from the original text. Pure: no I/O.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

__all__ = ["ASCII_LOOKALIKES", "Folded", "case_sensitive", "lowered", "matches_at"]

_LOOKALIKES: Final = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin)
ASCII_LOOKALIKES: Final = str.maketrans(dict(zip(_LOOKALIKES, "iisk", strict=True)))
_SYNTAX: Final = re.compile(r"\\.|\(\?P(?:<\w+>|=\w+\))")  # escapes (\S, \W) and group names


def lowered(text: str) -> str | None:
    """``text`` lower-cased with the same offsets, look-alikes folded; None if offsets
    would move (no character does that today, but the caller must not rely on it)."""
    if not text.isascii() and any(c in text for c in _LOOKALIKES):
        text = text.translate(ASCII_LOOKALIKES)  # slow: a dict look-up per character
    folded = text.lower()
    return folded if len(folded) == len(text) else None


def case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The twin of a lower-case ``re.IGNORECASE`` pattern, to run on :func:`lowered` text."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Folded:
    """A lower-case ``re.IGNORECASE`` pattern and its twin: ``search``/``finditer`` run the
    twin on ``folded`` (``lowered(text)``) when the caller has it, else the pattern on
    ``text``. Same offsets either way; groups of a twin's match are in lower case."""

    pattern: re.Pattern[str]
    twin: re.Pattern[str]

    @classmethod
    def of(cls, pattern: re.Pattern[str], lower: str | None = None) -> Folded:
        """``lower``: the pattern's source with its letters in lower case, if it is not."""
        source = pattern.pattern if lower is None else lower
        written = _SYNTAX.sub("", source)
        if written != written.lower():
            raise ValueError(f"pattern {source!r} has capitals: its twin would miss them")
        return cls(pattern, re.compile(source, pattern.flags & ~re.IGNORECASE))

    def search(
        self, text: str, folded: str | None, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        if folded is None:
            return self.pattern.search(text, pos, endpos)
        return self.twin.search(folded, pos, endpos)

    def finditer(
        self, text: str, folded: str | None, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        if folded is None:
            return self.pattern.finditer(text, pos, endpos)
        return self.twin.finditer(folded, pos, endpos)

    def sub(self, repl: str, text: str, folded: str | None) -> str:
        """``pattern.sub`` on ``text``, else the twin's on ``folded`` (whose result is in
        lower case)."""
        if folded is None:
            return self.pattern.sub(repl, text)
        return self.twin.sub(repl, folded)


def matches_at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], end: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, end)`` for a pattern that opens with "\\b" and
    alternatives (the engine would try them all at every offset), when ``starts``
    (ascending, from ``pos`` on) holds every offset where a match can begin: the pattern is
    matched there only, and a start inside the last match is passed over, as finditer
    does."""
    reach = 0
    for start in starts:
        if start < reach:
            continue
        match = pattern.match(text, start, end)
        if match is not None:
            yield match
            reach = match.end()
