"""The lead's patterns, written for speed, start their matches where the plain
alternations (a word boundary on each alternative) start theirs: only that is read."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.classify import published, story_signals

_I = re.IGNORECASE
PLAIN = {
    "side": re.compile(
        r"on the (?:sidelines|margins) of|\bahead of (?:the|a|their)\b|"
        r"\b(?:after|following) (?:the|their) (?:summit|meeting|talks)|"
        r"のあと|の後に?|に先立|の合間|に際して|相次いで会談",
        _I,
    ),
    "future": re.compile(
        r"\bwill\b|\bis set to\b|\bare set to\b|scheduled to|\bslated\b|\bahead of\b|"
        r"\bis expected to\b|\bplans? to\b|\bupcoming\b|予定|見通し|方向で調整|へ$|します。|"
        r"する。|する方針",
        _I,
    ),
    "headline": re.compile(
        r"(?<!\bto )\b(?:signs?|meets?|holds?|launch(?:es)?|agrees?|inks?|concludes?|begins?|"
        r"opens?|unveils?|hosts?|welcomes?|reaffirms?|discuss(?:es)?|vows?|pledges?)\b",
        _I,
    ),
    "year": re.compile(r"(?:19|20)\d\d|[１２][０-９]{3}|令和|平成|昭和"),
}
FAST = {
    "side": story_signals._SIDE,
    "future": story_signals._FUTURE,
    "headline": story_signals._HEADLINE_PRESENT,
    "year": published._HAS_YEAR,
}
WORDS = [
    "will", "Will", "willing", "is set to", "are", "set", "to", "scheduled to", "slated",
    "ahead of", "ahead", "of", "the", "their", "a", "after", "following", "summit", "meeting",
    "talks", "on the", "sidelines", "margins", "is expected to", "plan to", "plans to",
    "upcoming", "signs", "to", "to sign", "meets", "launches", "discusses", "x", "_", "1",
    "2024", "1999", "２０２４", "令和", "予定", "へ", "します。", "する方針", "のあと", " ", "",
    "-", ".", "\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25), st.sampled_from([" ", ""]))
def test_matches_start_where_the_plain_alternations_start(words: list[str], joint: str) -> None:
    text = joint.join(words)
    for name, plain in PLAIN.items():
        for pos in range(0, len(text) + 1, 3):
            fast = FAST[name].search(text, pos)
            slow = plain.search(text, pos)
            assert (fast and fast.start()) == (slow and slow.start()), name
