"""Normalisation: aliases and text normalise alike, and every span maps back to the original."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from streams.classify import normalise as normalisation
from streams.classify.normalise import Normalised, american_spelling, normalise


def _words(norm: Normalised) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(norm.text + " "):
        if ch == " ":
            if i > start:
                spans.append((start, i))
            start = i + 1
    return spans


def test_punctuation_quotes_dashes_and_apostrophes_become_single_spaces() -> None:
    assert normalise("Japan's Foreign Minister").text == "japan s foreign minister"
    assert normalise("Japan’s  Foreign\tMinister").text == "japan s foreign minister"
    assert normalise("India–Japan (AI) “Dialogue”").text == "india japan ai dialogue"
    assert normalise("  S. Jaishankar,\n").text == "s jaishankar"
    assert normalise("").text == ""
    assert normalise(" \n\t ").text == ""


def test_unicode_forms_fold_to_one_spelling() -> None:
    assert normalise("ＦＯＩＰ").text == "foip"  # full width
    assert normalise("Tô Lâm").text == normalise("To\u0302 La\u0302m").text == "to lam"
    assert normalise("Quad\u00adrilateral\u200b").text == "quadrilateral"  # soft hyphen, ZWSP
    assert normalise("ｶﾞｲﾑｼｮｳ").text == "ガイムショウ"  # half-width kana with voicing mark
    assert normalise("STRASSE").text == normalise("Straße").text


def test_british_and_american_spellings_of_one_length_fold_to_one() -> None:
    """An alias written in one spelling matches the other: the map stays the original's."""
    british = "Japan Maritime Self-Defence Force, the Centre for modernisation"
    american = "Japan Maritime Self-Defense Force, the Center for modernization"
    assert normalise(british).text == normalise(american).text
    norm = normalise(british)
    at = norm.text.index("defense")
    start, end = norm.span(at, at + len("defense"))
    assert british[start:end] == "Defence"
    assert normalise("defenceless").text == "defenseless"  # inside a word: still one form


def test_cjk_is_kept_and_separated_from_latin() -> None:
    assert normalise("日印AI対話を立ち上げ").text == "日印 ai 対話を立ち上げ"
    assert normalise("自由で開かれたインド太平洋（FOIP）").text == "自由で開かれたインド太平洋 foip"


def test_spans_map_back_to_the_original_text() -> None:
    text = "  Japan’s Foreign Minister — 茂木外務大臣 (ＦＯＩＰ)"
    norm = normalise(text)
    found = {norm.text[s:e]: text.__getitem__(slice(*norm.span(s, e))) for s, e in _words(norm)}
    assert found["japan"] == "Japan"
    assert found["foreign"] == "Foreign"
    assert found["茂木外務大臣"] == "茂木外務大臣"
    assert found["foip"] == "ＦＯＩＰ"
    start, end = norm.span(norm.text.index("foreign"), norm.text.index("minister") + 8)
    assert text[start:end] == "Foreign Minister"
    assert len(norm.offsets) == len(norm.text)


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("abcXYZ019 \t\n.,'’-–()日本インド茂木ｶﾞ½ßİﬁ\u0301\u00ad\u200b"),
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
@example("ISATION")
@example("the Defence Centre's organisation")
def test_offset_map_round_trips_on_arbitrary_text(text: str) -> None:
    norm = normalise(text)
    assert norm.text == norm.text.strip()
    assert "  " not in norm.text
    offsets = norm.offsets
    assert offsets == sorted(offsets)
    assert all(0 <= o < max(1, len(text)) for o in offsets)
    for start, end in _words(norm):
        o_start, o_end = norm.span(start, end)
        assert 0 <= o_start < o_end <= len(text)
        assert norm.text[start:end] in normalise(text[o_start:o_end]).text
    if text.isascii():
        for start, end in _words(norm):
            o_start, o_end = norm.span(start, end)
            # ASCII text normalises to its lower case, British spellings made American.
            assert american_spelling(text[o_start:o_end].lower()) == norm.text[start:end]


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once


_LATIN = st.text(
    alphabet=st.one_of(
        st.sampled_from("abcXYZ019 \t\n.,'-()"), st.sampled_from(sorted(normalisation._SIMPLE))
    ),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(_LATIN)
def test_latin_text_read_as_ascii_maps_as_read_character_by_character(text: str) -> None:
    """Curly quotes, dashes and accents take the ASCII path: the same text, the same map."""
    fast, slow = normalise(text), normalisation._normalise_any(text)
    assert fast.text == slow.text
    assert fast.offsets == slow.offsets
    assert [fast.original_end(i) for i in range(len(fast.text))] == [
        slow.original_end(i) for i in range(len(slow.text))
    ]
    for original in range(len(text) + 1):
        assert fast.index_at(original) == slow.index_at(original)
