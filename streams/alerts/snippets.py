"""Evidence in context: the sentence around a span, at most 300 characters. Pure: no I/O.

Alerts carry snippets instead of bodies; an analyst reads the sentence that
mentions the label before deciding to open the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from schemas.classification import ActorLabel, InitiativeLabel, Snippet

SNIPPET_CHARS = 300
_ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?。！？]\s|[。！？]|\n\s*\n")
_WS = re.compile(r"\s+")


def _sentence_bounds(text: str, start: int, end: int, limit: int) -> tuple[int, int]:
    """The sentence holding ``text[start:end]``, searched at most ``limit`` characters away."""
    lo = max(0, start - limit)
    left = lo
    for found in _SENTENCE_END.finditer(text, lo, start):
        left = found.end()
    right_match = _SENTENCE_END.search(text, end, min(len(text), end + limit))
    right = right_match.start() + 1 if right_match else min(len(text), end + limit)
    return left, right


def snippet_around(text: str, start: int, end: int, limit: int = SNIPPET_CHARS) -> str:
    """The sentence around ``text[start:end]``; if longer than ``limit``, a window centred
    on the span, cut at word boundaries and marked with ellipses."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end < start:
        start, end = end, start
    left, right = _sentence_bounds(text, start, end, limit)
    sentence = _WS.sub(" ", text[left:right]).strip()
    if len(sentence) <= limit:
        return sentence
    if end - start >= limit - 2:
        return _WS.sub(" ", text[start:end]).strip()[: limit - 1] + _ELLIPSIS
    room = limit - 2 - (end - start)  # context besides the span and two ellipses
    before = min(start - left, room // 2)
    after = min(right - end, room - before)
    before = min(start - left, room - after)
    lo, hi = start - before, end + after
    head, span, tail = text[lo:start], text[start:end], text[end:hi]
    if lo > left and " " in head:  # do not start or end inside a word
        head = head[head.index(" ") + 1 :]
    if hi < right and " " in tail:
        tail = tail[: tail.rindex(" ")]
    body = _WS.sub(" ", head + span + tail).strip()
    prefix = _ELLIPSIS if lo > left else ""
    suffix = _ELLIPSIS if hi < right else ""
    return prefix + body + suffix


def label_snippets(
    body: str, labels: Iterable[InitiativeLabel | ActorLabel]
) -> tuple[Snippet, ...]:
    """The first evidence of each label, in its sentence (evidence offsets index the body)."""
    out = []
    for label in labels:
        if not label.evidence:
            continue
        first = label.evidence[0]
        kind: Literal["initiative", "actor"] = (
            "initiative" if isinstance(label, InitiativeLabel) else "actor"
        )
        out.append(
            Snippet(kind=kind, about=label.id, text=snippet_around(body, first.start, first.end))
        )
    return tuple(out)
