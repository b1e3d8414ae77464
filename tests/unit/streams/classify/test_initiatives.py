"""Initiatives: aliases count, ambiguous aliases only in context."""

from __future__ import annotations

from datetime import date

import pytest

from streams.classify.classifier import Classification, Classifier, DocumentText

DAY = date(2025, 12, 15)


def _classify(classifier: Classifier, body: str, title: str = "") -> Classification:
    return classifier.classify(DocumentText("d1", title, body, "en", DAY))


def _ids(result: Classification) -> set[str]:
    return {label.id for label in result.initiatives}


@pytest.mark.parametrize("name", ["small", "default"])
@pytest.mark.parametrize(
    "body",
    [
        "Tourists in Japan and India rode quad bikes over the dunes near Jaisalmer.",
        "India's army tested a new quadcopter built with a Japanese partner.",
        "The Japanese firm sold quad-core chips and quadcopters to India.",
        "Riders on a quad ATV crossed the Indian desert on a Japan-made bike.",
    ],
)
def test_quad_bikes_and_quadcopters_are_not_the_quad(
    name: str, body: str, request: pytest.FixtureRequest
) -> None:
    assert "quad" not in _ids(_classify(request.getfixturevalue(name), body))


@pytest.mark.parametrize("name", ["small", "default"])
def test_the_quad_grouping_in_context_is_the_quad(
    name: str, request: pytest.FixtureRequest
) -> None:
    result = _classify(
        request.getfixturevalue(name),
        "Leaders of the Quad will meet in New Delhi to discuss the Indo-Pacific.",
    )
    label = next(lab for lab in result.initiatives if lab.id == "quad")
    assert [e.text for e in label.evidence] == ["Quad"]
    assert 0.5 <= label.confidence < 0.9


@pytest.mark.parametrize("name", ["small", "default"])
@pytest.mark.parametrize(
    "body",
    [
        "Japan and India will cooperate on AI, and AI safety institutes will talk.",
        "The Japanese AI industry held a dialogue with Indian start-ups on AI.",
        "An AI dialogue between the US and the EU opened in Brussels.",
    ],
)
def test_ai_alone_is_never_the_ai_dialogue(
    name: str, body: str, request: pytest.FixtureRequest
) -> None:
    assert "in-jp.ai-dialogue" not in _ids(_classify(request.getfixturevalue(name), body))


@pytest.mark.parametrize("name", ["small", "default"])
def test_the_ai_dialogue_needs_and_finds_its_context(
    name: str, request: pytest.FixtureRequest
) -> None:
    classifier = request.getfixturevalue(name)
    body = "India and Japan launched an AI Dialogue led by their foreign ministries."
    assert "in-jp.ai-dialogue" in _ids(_classify(classifier, body))
    assert "in-jp.ai-dialogue" in _ids(_classify(classifier, "日印両政府はAI対話を立ち上げた。"))


def test_unambiguous_aliases_score_by_shape(small: Classifier) -> None:
    result = _classify(small, "Japan backs FOIP and the Quadrilateral Security Dialogue.")
    conf = {label.id: label.confidence for label in result.initiatives}
    assert conf["quad"] == 0.9  # several words
    assert conf["foip"] == 0.75  # one acronym


def test_repeated_mentions_raise_confidence_a_little(small: Classifier) -> None:
    once = _classify(small, "Japan backs FOIP.")
    thrice = _classify(small, "Japan backs FOIP. FOIP matters. FOIP again.")
    assert once.initiatives[0].confidence == 0.75
    assert thrice.initiatives[0].confidence == 0.81
    assert len(thrice.initiatives[0].evidence) == 3


def test_a_title_only_mention_is_labelled_without_body_evidence(small: Classifier) -> None:
    result = _classify(small, "Ministers met in Tokyo on Monday.", title="Japan backs FOIP")
    label = result.initiatives[0]
    assert (label.id, label.evidence) == ("foip", ())
    assert label.confidence == pytest.approx(0.75 * 0.9)


def test_a_title_mention_may_take_its_context_from_the_body(small: Classifier) -> None:
    result = _classify(small, "Leaders from India and Japan attended.", title="Quad meets")
    assert "quad" in _ids(result)
