"""Sentence boundaries of a body, computed once per document.

A sentence ends at ``.``, ``!`` or ``?`` (with closing quotes or brackets)
before whitespace, at ``。！？``, or at a line break; a full stop after an
initial or a common abbreviation ("Mr.", "U.S.", "Jan.") does not end one.
Paragraphs are the text between blank lines. Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["Sentences"]

# One character class first, so the engine skips ahead fast; the same matches as
# [.!?]+["'”’)\]]*(?=\s|$) | [。！？]+ | \n
_BOUNDARY = re.compile(
    r"[.!?。！？\n](?:(?<=[.!?])[.!?]*[\"'”’)\]]*(?=\s|$)|(?<=[。！？])[。！？]*|(?<=\n))"
)
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|Gen|Lt|Col|Sen|Rep|Gov|vs|etc|Inc|Ltd|Co|"
    r"approx|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)
_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n")


class Sentences:
    """Sentence and paragraph spans of one body (offsets into it)."""

    def __init__(self, body: str) -> None:
        self.body = body
        self.ends: list[int] = []
        after_abbreviation = _ABBREVIATION.search
        for match in _BOUNDARY.finditer(body):
            start = match.start()
            if body[start] == "." and after_abbreviation(body, max(0, start - 8), start):
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
        if self._paragraphs is None:
            self._paragraphs = [m.end() for m in _PARAGRAPH.finditer(self.body)]
        k = bisect_right(self._paragraphs, position)
        return self._paragraphs[k - 1] if k > 0 else 0
