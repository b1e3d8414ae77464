"""Commitments: future-dated undertakings in the body, normalised to a due window.

A commitment is a date expression (see :mod:`streams.classify.dates`) in a
sentence that also has an undertaking cue ("will", "to be", "scheduled",
"agreed to", "decided to", "plans to", "is expected to", "shall", "予定") and
an anchor: a taxonomy label (initiative, actor or country) in the same
sentence, so "prices will ease by March" in an unrelated paragraph is not
one. It links to the initiative mentioned nearest to the date in that
sentence (or none). Evidence: the date expression and the sentence, both as
body offsets. Only windows ending on or after the document date count.
Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from schemas.classification import Commitment, Evidence
from streams.classify.dates import find_due_windows
from streams.classify.normalise import Normalised

__all__ = ["Anchor", "extract_commitments"]

ACTION_CHARS = 160

_CUE = re.compile(
    r"\b(?:will|shall|would|to be|scheduled|slated|set to|due to|agreed to|decided to|"
    r"plans? to|planning to|planned|intends? to|aims? to|aiming to|expected to|"
    r"committed to|commit to|pledged to|pledge to|is to|are to|upcoming)\b"
    r"|予定|方針|見通し|見込み|目指|目標|開催する|実施する|行う",
    re.IGNORECASE,
)
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|[。！？]+|\n")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|Gen|Lt|Col|Sen|Rep|Gov|vs|etc|Inc|Ltd|Co|"
    r"approx|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)
_LEAD = re.compile(r"^[\s\-–—•*·\"'“‘]+")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A label span in the body; ``initiative`` is set for initiative mentions."""

    start: int
    end: int
    initiative: str | None = None


def _sentence_ends(body: str) -> list[int]:
    ends: list[int] = []
    for match in _BOUNDARY.finditer(body):
        if match.group().startswith(".") and _ABBREVIATION.search(
            body, max(0, match.start() - 8), match.start()
        ):
            continue
        ends.append(match.end())
    return ends


def _sentence(body: str, ends: list[int], position: int) -> tuple[int, int]:
    k = bisect_right(ends, position)
    start = ends[k - 1] if k > 0 else 0
    end = ends[k] if k < len(ends) else len(body)
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _action(body: str, start: int, end: int, focus: int) -> str:
    """The sentence, or ~160 characters of it around ``focus`` (the cue)."""
    text = " ".join(body[start:end].split())
    text = _LEAD.sub("", text)
    if len(text) <= ACTION_CHARS:
        return text
    words = " ".join(body[max(start, focus - 60) : end].split()).split(" ")
    if focus - 60 > start:
        words = words[1:]  # the first word may be cut
    out: list[str] = []
    for word in words:
        if len(" ".join([*out, word])) > ACTION_CHARS - 1:
            break
        out.append(word)
    return " ".join(out) + "…"


def _nearest(anchors: Sequence[Anchor], start: int, end: int) -> str | None:
    best: tuple[int, str] | None = None
    for anchor in anchors:
        if anchor.initiative is None:
            continue
        distance = max(anchor.start - end, start - anchor.end, 0)
        if best is None or distance < best[0]:
            best = (distance, anchor.initiative)
    return None if best is None else best[1]


def extract_commitments(
    body: str, today: date, anchors: Sequence[Anchor], norm: Normalised | None = None
) -> list[Commitment]:
    """Commitments of ``body`` relative to ``today`` (the document date).

    ``norm`` is ``normalise(body)`` when the caller already has it.
    """
    windows = find_due_windows(body, today, norm)
    if not windows:
        return []
    ends = _sentence_ends(body)
    ordered = sorted(anchors, key=lambda a: a.start)
    starts = [a.start for a in ordered]
    merged: dict[tuple[str | None, date, date], Commitment] = {}
    for window in windows:
        s_start, s_end = _sentence(body, ends, window.start)
        cue = _CUE.search(body, s_start, s_end)
        if cue is None:
            continue
        lo, hi = bisect_right(starts, s_start - 1), bisect_right(starts, s_end)
        inside = [a for a in ordered[lo:hi] if a.end <= s_end]
        if not inside:
            continue
        initiative = _nearest(inside, window.start, window.end)
        evidence = (
            Evidence(start=window.start, end=window.end, text=body[window.start : window.end]),
            Evidence(start=s_start, end=s_end, text=body[s_start:s_end]),
        )
        key = (initiative, window.due_from, window.due_to)
        if key in merged:
            old = merged[key]
            merged[key] = old.model_copy(update={"evidence": old.evidence + evidence})
            continue
        merged[key] = Commitment(
            initiative=initiative,
            action=_action(body, s_start, s_end, cue.start()),
            due_from=window.due_from,
            due_to=window.due_to,
            due_text=body[window.start : window.end],
            evidence=evidence,
        )
    return list(merged.values())
