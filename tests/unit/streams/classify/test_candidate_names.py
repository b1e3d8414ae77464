"""Finding names fast finds what the plain reading finds: heads by ``str.find`` are the
regex's, and a name's start found in a short window is the whole window's."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from streams.classify.candidates import (
    _HEAD_ORDER,
    _MONTHS,
    _NEAR_CHARS,
    _SENTENCE_END,
    _WORD,
    MAX_TOKENS,
    WINDOW_CHARS,
    _heads,
    _name_start,
    _name_token,
)

HEAD_RE = re.compile(rf"\b(?:{'|'.join(_HEAD_ORDER)})\b")
PIECES = [
    "Dialogue", "Working Group", "Joint Working Group", "Group", "Joint", "Partnership",
    "Framework", "Framework Dialogue", "Task Force", "India", "Japan", "India-Japan", "the",
    "on", "of", "Critical", "Minerals", "2+2", "AI", "x", "é", "_", "Ｘ", "-", "–", " ", " ",
    "\n", ".", ",", "'", "s", "Xyzzyplughxyzzyplugh", "Delhi.", "said:", "U.S.", "NATO.",
    "September,", "May", "(EU)", "(Quad", "US)", "(2025)", "States'", "Ministers'", "(JDSC),",
]  # fmt: skip


def _reference_start(text: str, start: int) -> int:
    """The name's start as the whole window reads it, word by word."""
    window_start = max(0, start - WINDOW_CHARS)
    tokens = [(t.start(), t.group()) for t in _WORD.finditer(text, window_start, start)]
    if tokens and tokens[0][0] == window_start and window_start > 0:
        tokens = tokens[1:]
    first = max(0, len(tokens) - MAX_TOKENS)
    for k in range(len(tokens) - 1, first - 1, -1):
        at, token = tokens[k]
        if text[at + len(token) : start].strip(" -–—‐") != "":
            break
        if re.fullmatch(r"\([A-Z][A-Za-z0-9&+.]{0,9}\)", token):
            if k == 0 or not tokens[k - 1][1][:1].isupper():
                break  # it abbreviates no word of the name
            start = at  # an abbreviation in brackets is inside the name
            continue
        if token.rstrip(",;.").endswith(")") or token.endswith(("'s", "’s", "States'", "States’")):
            break  # the end of an aside in brackets, or the name's owner
        word = token.lstrip("'(")  # a quote or a bracket opens a name inside its first word
        if not _name_token(word) or text[at + len(token) : start].strip(" -–—‐") != "":
            break
        if _SENTENCE_END.search(word) or word.rstrip(",;").casefold() in _MONTHS:
            break
        start = at + len(token) - len(word)
        if word != token:
            break
    return start


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60), st.sampled_from(["", " ", "-"]))
# a bracketed abbreviation opening the near window: its word may lie before it
@example(["Dialogue", "(EU)", *["Dialogue"] * 2, *["Framework Dialogue"] * 2], " ")
def test_heads_and_name_starts_are_the_plain_readings(pieces: list[str], joint: str) -> None:
    text = joint.join(pieces)
    heads = _heads(text)
    assert heads == [(m.start(), m.end(), m.group()) for m in HEAD_RE.finditer(text)]
    for start, _, _ in heads:
        near = _name_start(text, start, _NEAR_CHARS)
        assert near is None or near == _reference_start(text, start)
        assert _name_start(text, start, WINDOW_CHARS) == _reference_start(text, start)


def test_a_bracketed_abbreviation_is_inside_a_name_and_an_aside_ends_one() -> None:
    text = "Japan-European Union (EU) Summit"
    assert _name_start(text, text.index("Summit"), WINDOW_CHARS) == 0
    text = "the Quad (Australia, India, Japan and the US) Summit"
    start = text.index("Summit")
    assert _name_start(text, start, WINDOW_CHARS) == start


def test_a_name_longer_than_the_near_window_is_read_in_the_whole_window() -> None:
    text = "said " + " ".join(["Alpha"] * 9) + " Dialogue"
    start = text.index("Dialogue")
    assert _name_start(text, start, 20) is None
    assert _name_start(text, start, WINDOW_CHARS) == text.index("Alpha")
