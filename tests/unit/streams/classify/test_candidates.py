"""Initiative candidates: named initiatives the taxonomy does not have yet."""

from __future__ import annotations

from datetime import date

import pytest

from streams.classify.classifier import Classifier, DocumentText

DAY = date(2025, 3, 3)


def _candidates(classifier: Classifier, body: str) -> dict[str, tuple[str, ...]]:
    result = classifier.classify(DocumentText("d", "", body, None, DAY))
    for candidate in result.candidates:
        name_evidence = candidate.evidence[0]
        assert body[name_evidence.start : name_evidence.end] == candidate.name
    return {c.name: c.parties for c in result.candidates}


def test_a_new_named_initiative_is_a_candidate_with_its_parties(default: Classifier) -> None:
    body = (
        "Foreign Minister Takeshi Iwaya and External Affairs Minister S. Jaishankar launched "
        "the India-Japan Semiconductor Policy Dialogue and a Joint Working Group on Rare Earth "
        "Processing in Tokyo on Monday."
    )
    assert _candidates(default, body) == {
        "India-Japan Semiconductor Policy Dialogue": ("IN", "JP"),
        "Joint Working Group on Rare Earth Processing": ("IN", "JP"),
    }


def test_japanese_names_and_english_names_of_one_initiative_share_a_key(
    default: Classifier,
) -> None:
    ja = default.classify(
        DocumentText("d", "", "日印は「日印半導体政策対話」を開いた。", "ja", DAY)
    )
    en = default.classify(
        DocumentText(
            "e", "", "India and Japan held the India-Japan Semiconductor Dialogue.", "en", DAY
        )
    )
    assert ja.candidates[0].name == "日印半導体政策対話"
    assert {c.key for c in en.candidates} == {"cand:IN JP semiconductor dialogue"}
    assert ja.candidates[0].key == "cand:IN JP semiconductor 政策 dialogue"


@pytest.mark.parametrize(
    "body",
    [
        "India and Japan agreed to deepen their Special Strategic and Global Partnership.",
        "The EU-China Strategic Dialogue met in Brussels with no Indian or Japanese presence.",
        "Jaishankar Meets Wong For Annual Framework Dialogue In Canberra Today",
        "Quad foreign ministers met under the Quad Critical Minerals Initiative on Monday.",
        "Japan and India signed an agreement; the Strategic Dialogue will follow.",
    ],
)
def test_known_generic_foreign_or_headline_names_are_no_candidates(
    default: Classifier, body: str
) -> None:
    assert _candidates(default, body) == {}
