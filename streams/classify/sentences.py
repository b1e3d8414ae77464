"""Sentence boundaries of a body, computed once per document.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with closing quotes or brackets)
before whitespace, at an ellipsis run into a capital ("...Then"), at ``。！？``, or at a
line break; a full stop after an
initial or a common abbreviation ("Mr.", "U.S.", "Jan.") does not end one.
Paragraphs are the text between blank lines. Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

__all__ = ["Sentences", "is_word"]

# One character class first, so the engine skips ahead fast; the same matches as
# [.!?…]+["'”’)\]]*(?=\s|$) | (?:\.\.\.|…)(?=[A-Z]) | [。！？]+ | \n
# (an ellipsis run into a capital ends a sentence of transcribed speech: "...Then there is")
_BOUNDARY: Final = re.compile(
    r"[.!?。！？\n…](?:(?<=[.!?…])[.!?…]*[\"'”’)\]]*(?=\s|$)|(?:(?<=\.\.\.)|(?<=…))(?=[A-Z])"
    r"|(?<=[。！？])[。！？]*|(?<=\n))"
)
# A full stop after one of these words, or after a capital letter alone, ends no sentence
_ABBREVIATIONS: Final = frozenset(
    """Dr Mr Mrs Ms Prof St Jr Sr No Gen Lt Col Sen Rep Gov vs etc Inc Ltd Co approx
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec""".split()  # noqa: SIM905
)
_CAPITALS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DOTTED: Final = ("e.g", "i.e")  # abbreviations with a full stop inside
_PARAGRAPH: Final = re.compile(r"\n[ \t\r\f\v]*\n")


def is_word(char: str) -> bool:
    """Whether the regex engine takes ``char`` for a word character (``\\w``)."""
    return char.isalnum() or char == "_"


def _after_abbreviation(body: str, at: int) -> bool:
    """Whether the full stop at ``at`` follows an abbreviation ("Mr", "Jan", "e.g") or a
    capital letter alone ("U.S", "S. Jaishankar"): a whole word, a word boundary before it.
    A line break between the word and the stop counts as none (as "$" in a pattern)."""
    if at > 0 and body[at - 1] == "\n":
        at -= 1
    start = at
    while start > 0 and at - start <= 6 and is_word(body[start - 1]):
        start -= 1
    if start > 0 and is_word(body[start - 1]):
        return False  # longer than any abbreviation
    word = body[start:at]
    if word in _ABBREVIATIONS or (len(word) == 1 and word in _CAPITALS):
        return True
    dotted = body[at - 3 : at] if at >= 3 else ""
    return dotted in _DOTTED and (at == 3 or not is_word(body[at - 4]))


class Sentences:
    """Sentence and paragraph spans of one body (offsets into it)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.ends: list[int] = []
        for match in _BOUNDARY.finditer(body):
            start = match.start()
            if body[start] == "." and _after_abbreviation(body, start):
                continue
            self.ends.append(match.end())
        self._paragraphs: list[int] | None = None

    def around(self, position: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``position``, without surrounding whitespace."""
        body, ends = self.body, self.ends
        k = bisect_right(ends, position)
        start = ends[k - 1] if k > 0 else 0
        end = ends[k] if k < len(ends) else len(body)
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        return start, end

    def paragraph_start(self, position: int) -> int:
        """Offset where the paragraph holding ``position`` starts."""
        return self.paragraph(position)[0]

    def paragraph(self, position: int) -> tuple[int, int]:
        """(start, end) of the paragraph holding ``position``; the end is where the next
        one starts, or the end of the body."""
        if self._paragraphs is None:
            self._paragraphs = [m.end() for m in _PARAGRAPH.finditer(self.body)]
        k = bisect_right(self._paragraphs, position)
        start = self._paragraphs[k - 1] if k > 0 else 0
        end = self._paragraphs[k] if k < len(self._paragraphs) else len(self.body)
        return start, end
