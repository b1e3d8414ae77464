"""Snippets: the sentence around the evidence, never over 300 characters; keyword hits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from streams.alerts.keywords import KeywordIndex, normalise_keyword
from streams.alerts.snippets import snippet_around

TEXT = "First sentence here. The Quad leaders met in Tokyo on Monday. Another one follows."


def test_the_snippet_is_the_sentence_of_the_evidence() -> None:
    at = TEXT.index("Quad")
    assert snippet_around(TEXT, at, at + 4) == "The Quad leaders met in Tokyo on Monday."


def test_a_long_sentence_is_cut_around_the_evidence_at_word_boundaries() -> None:
    text = "word " * 200 + "Quad" + " word" * 200
    at = text.index("Quad")
    snippet = snippet_around(text, at, at + 4)
    assert len(snippet) <= 300
    assert "Quad" in snippet
    assert snippet.startswith("…word ") and snippet.endswith(" word…")


@given(st.text(min_size=1, max_size=2000), st.data())
def test_snippets_are_short_and_hold_the_evidence(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    snippet = snippet_around(text, start, end)
    assert len(snippet) <= 300
    assert " ".join(text[start:end].split()) in snippet


def test_keywords_are_case_and_space_insensitive_whole_words() -> None:
    index = KeywordIndex(["Quad", "supply  chain", "日本"])
    hits = index.find("A title", "The quadrant. Supply\nchain talks under the QUAD. 日本と印度")
    assert {h.keyword: h.snippet for h in hits} == {
        "quad": "Supply chain talks under the QUAD.",
        "supply chain": "Supply chain talks under the QUAD.",
        "日本": "日本と印度",
    }
    assert index.find("", "a quadrant of the quadrangle") == []


def test_keywords_are_found_in_the_title() -> None:
    hits = KeywordIndex(["semiconductor"]).find("Semiconductor talks", "Nothing here.")
    assert [h.keyword for h in hits] == ["semiconductor"]


def test_normalise_keyword() -> None:
    assert normalise_keyword("  Ｑｕａｄ   Summit ") == "quad summit"
    assert len(KeywordIndex(["Quad", "quad ", " "])) == 1
