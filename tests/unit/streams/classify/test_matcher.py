"""Alias matching: whole words, CJK substrings, leftmost-longest, acronyms by case, speed."""

from __future__ import annotations

import random
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.classify.matcher import Matcher, Payload, _run_on_ends, _runs_on, payloads_of
from streams.classify.normalise import normalise
from streams.taxonomy.model import Taxonomy


def _matcher(*aliases: str) -> Matcher:
    return Matcher((a, Payload("initiative", a, "en", a)) for a in aliases)


def _found(matcher: Matcher, text: str) -> list[str]:
    norm = normalise(text)
    out = []
    for match in matcher.scan(norm, text):
        start, end = norm.span(match.start, match.end)
        out.append(text[start:end])
    return out


def test_latin_aliases_match_whole_words_only() -> None:
    matcher = _matcher("Quad", "AI Dialogue")
    assert _found(matcher, "The Quad met. A quadcopter flew; Quadrilateral talks.") == ["Quad"]
    assert _found(matcher, "an AI-Dialogue, the AI dialogues, (AI) Dialogue") == [
        "AI-Dialogue",
        "AI) Dialogue",
    ]


def test_cjk_aliases_match_inside_running_text_and_latin_inside_cjk() -> None:
    matcher = _matcher("外務大臣", "FOIP", "AI対話")
    found = _found(matcher, "茂木外務大臣は日印AI対話とFOIPを語った")
    assert found == ["外務大臣", "AI対話", "FOIP"]


def test_overlaps_resolve_leftmost_longest() -> None:
    matcher = _matcher("Strategic Dialogue", "India-Japan Strategic Dialogue", "Japan")
    assert _found(matcher, "the 18th India–Japan Strategic Dialogue in Japan") == [
        "India–Japan Strategic Dialogue",
        "Japan",
    ]


def test_short_capital_acronyms_need_capitals_in_the_text() -> None:
    matcher = _matcher("US", "MEA", "Quad")
    assert _found(matcher, "Let us meet the US team and MEA; mea culpa; quad and QUAD.") == [
        "US",
        "MEA",
        "quad",
        "QUAD",
    ]


def test_a_key_keeps_every_payload_and_adjacent_matches_all_count(
    small_taxonomy: Taxonomy,
) -> None:
    matcher = Matcher.for_taxonomy(small_taxonomy)
    text = "Japanese Foreign Minister Toshimitsu Motegi"
    norm = normalise(text)
    matches = matcher.scan(norm, text)
    assert [m.payloads[0].kind for m in matches] == ["country", "office_title", "actor"]
    assert {p.id for p in matches[1].payloads} == {
        "jp.foreign-minister",
        "in.external-affairs-minister",
    }


def test_empty_inputs() -> None:
    assert _matcher().scan(normalise("anything"), "anything") == []
    assert _matcher("x").scan(normalise(""), "") == []
    assert _matcher("...", "").size == 0


def test_ten_thousand_aliases_still_find_the_taxonomy_labels(
    default_taxonomy: Taxonomy, seeds: dict[str, str]
) -> None:
    """Speed is measured by `make bench`; here: a 10k-alias automaton stays correct."""
    rnd = random.Random(7)
    entries = payloads_of(default_taxonomy)
    names = {alias for alias, _ in entries}  # shared names (the 2+2s) are one alias
    while len(names) < 10_000:
        words = [
            "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(3, 9)))
            for _ in range(rnd.randint(1, 4))
        ]
        alias = " ".join(words)
        names.add(alias)
        entries.append((alias, Payload("initiative", f"x{len(entries)}", "en", alias)))
    matcher = Matcher(entries)
    assert matcher.size > 9_500
    text = "\n".join(seeds.values())
    ids = {p.id for m in matcher.scan(normalise(text), text) for p in m.payloads}
    assert {"in-jp.ai-dialogue", "in.s-jaishankar", "jp.toshimitsu-motegi"} <= ids


def test_a_word_running_on_through_an_apostrophe_is_one_word() -> None:
    matcher = _matcher("Xi", "Modi")
    assert _found(matcher, "Visitors to Xi'an and Xi’an.") == []
    assert _found(matcher, "Xi's visit, Xi’s remarks and Modi's speech.") == ["Xi", "Xi", "Modi"]


PIECES = [
    "Xi", "'an", "’s", "'", "’", " ", "  ", "\n", "Modi", "ﬁ", "Ｘｉ", "日本", "ｶﾞ", "é",
    "\u00ad", "\u200b", "-", "s", "S", "a", "İ", "Shi'ite", "O'Brien", "’n", ".",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25))
def test_run_on_ends_are_the_ends_whose_word_runs_on(pieces: list[str]) -> None:
    """Computed once per apostrophe, the same as asking at every normalised end."""
    text = "".join(pieces)
    norm = normalise(text)
    expected = {
        i + 1
        for i in range(len(norm.text))
        if text[norm.original_end(i) : norm.original_end(i) + 1] in "'’"
        and _runs_on(text, norm.original_end(i))
    }
    assert _run_on_ends(norm, text) == expected
