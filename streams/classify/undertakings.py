"""Undertaking cues: the words that make a dated sentence a promise rather than a report.

``CUE`` is the rule, tried on one sentence of the original text. It is slow
to run over a whole body (a case-insensitive alternation), so the words are
first found with one small Aho-Corasick pass over the normalised text
(:func:`cue_positions`), which finds a superset: every ``CUE`` match is a
hit there too (normalising only lowers case and turns punctuation into
spaces), so sentences without a hit need no further look. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick

from streams.classify.normalise import Normalised

__all__ = ["CUE", "cue_positions"]

_ENGLISH = (
    "will", "shall", "would", "to be", "scheduled", "slated", "set to", "due to", "agreed to",
    "decided to", "plan to", "plans to", "planning to", "planned", "intend to", "intends to",
    "aim to", "aims to", "aiming to", "expected to", "committed to", "commit to", "pledged to",
    "pledge to", "is to", "are to", "upcoming",
)  # fmt: skip
_JAPANESE = ("予定", "方針", "見通し", "見込み", "目指", "目標", "開催する", "実施する", "行う")

CUE = re.compile(
    r"\b(?:will|shall|would|to be|scheduled|slated|set to|due to|agreed to|decided to|"
    r"plans? to|planning to|planned|intends? to|aims? to|aiming to|expected to|"
    r"committed to|commit to|pledged to|pledge to|is to|are to|upcoming)\b"
    r"|" + "|".join(_JAPANESE),
    re.IGNORECASE,
)


def _automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for word in _ENGLISH:
        automaton.add_word(f" {word} ", (len(word) + 2, 1))
    for word in _JAPANESE:
        automaton.add_word(word, (len(word), 0))
    automaton.make_automaton()
    return automaton


_CUES = _automaton()


def cue_positions(norm: Normalised) -> list[int]:
    """Original offsets where a cue word may start, in order (a superset of ``CUE``'s)."""
    if not norm.text:
        return []
    # a key of ``length`` ends at padded index ``last``: normalised start below
    return [
        norm.original_start(last - length + padded)
        for last, (length, padded) in _CUES.iter(" " + norm.text + " ")
    ]
