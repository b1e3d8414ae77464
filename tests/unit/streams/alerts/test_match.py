"""Filters: OR within a field, AND across fields, empty matches all, confidence per label."""

from __future__ import annotations

import pytest

from schemas.classification import Snippet
from schemas.subscriptions import Filter
from streams.alerts.match import alert_document, match_document
from tests.unit.streams.alerts.factories import classified


def test_an_empty_filter_matches_any_document_with_all_its_labels() -> None:
    match = match_document(classified(), Filter())
    assert match is not None
    assert [lab.id for lab in match.initiatives] == ["quad"]
    assert [lab.id for lab in match.actors] == ["jaishankar"]


@pytest.mark.parametrize(
    ("flt", "matches"),
    [
        (Filter(initiatives=("quad",)), True),
        (Filter(initiatives=("other", "quad")), True),
        (Filter(initiatives=("other",)), False),
        (Filter(actors=("jaishankar",)), True),
        (Filter(initiatives=("quad",), actors=("modi",)), False),
        (Filter(countries=("jp",)), True),
        (Filter(countries=("AU",)), False),
        (Filter(source_kinds=("official_statement",)), False),
        (Filter(source_kinds=("news",)), True),
        (Filter(languages=("EN",)), True),
        (Filter(languages=("ja",)), False),
        (Filter(initiatives=("quad",), min_confidence=0.95), False),
        (Filter(actors=("jaishankar",), min_confidence=0.7), False),
        (Filter(initiatives=("quad",), min_confidence=0.9), True),
    ],
)
def test_filter_fields(flt: Filter, matches: bool) -> None:
    assert (match_document(classified(), flt) is not None) is matches


def test_min_confidence_drops_weak_labels_from_what_is_reported() -> None:
    match = match_document(classified(), Filter(initiatives=("quad",), min_confidence=0.8))
    assert match is not None
    assert match.actors == ()  # the actor's 0.6 is below 0.8


def test_keywords_match_on_the_hits_the_classify_stage_found() -> None:
    doc = classified(
        keyword_hits=("supply chain",),
        snippets=(Snippet(kind="keyword", about="supply chain", text="A supply chain deal."),),
    )
    match = match_document(doc, Filter(keywords=("Supply  Chain",)))
    assert match is not None
    assert match.keywords == ("supply chain",)
    assert match.snippets[0] == "A supply chain deal."
    assert match_document(doc, Filter(keywords=("semiconductors",))) is None
    assert match_document(classified(), Filter(keywords=("supply chain",))) is None


def test_snippets_put_what_the_filter_asked_for_first() -> None:
    match = match_document(classified(), Filter(actors=("jaishankar",)))
    assert match is not None
    assert match.snippets == ("Jaishankar spoke for India.", "The Quad leaders met in Tokyo.")
    assert all(len(s) <= 300 for s in match.snippets)


def test_without_snippets_the_evidence_spans_are_shown() -> None:
    match = match_document(classified(snippets=()), Filter(initiatives=("quad",)))
    assert match is not None
    assert match.snippets == ("Quad", "Jaishankar")


def test_alert_document_links_and_labels() -> None:
    doc = classified()
    match = match_document(doc, Filter())
    assert match is not None
    shown = alert_document(doc, match)
    assert shown.url == "https://news.example/quad"
    assert shown.revision == "r1"
    assert shown.initiatives[0].name == "Quad"
