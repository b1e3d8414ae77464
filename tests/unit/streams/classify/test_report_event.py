"""Occurrences: a report that an initiative's event took place, which fulfils a promise."""

from __future__ import annotations

from datetime import date

from streams.classify.classifier import Classifier, DocumentText

TUESDAY = date(2025, 3, 4)


def _occurrences(classifier: Classifier, title: str, body: str, day: date | None) -> set:
    result = classifier.classify(DocumentText("d", title, body, "en", day), today=TUESDAY)
    return {(o.initiative or o.candidate, o.kind, o.on) for o in result.occurrences}


def test_a_report_of_a_meeting_is_an_occurrence_on_the_day_it_names(default: Classifier) -> None:
    body = (
        "Quad foreign ministers met in Tokyo on Monday and issued a joint statement. "
        "Japanese Foreign Minister Takeshi Iwaya hosted the talks."
    )
    assert _occurrences(default, "", body, TUESDAY) == {("quad", "meeting", date(2025, 3, 3))}


def test_an_announcement_or_an_undated_report_is_no_occurrence(default: Classifier) -> None:
    announced = "Quad foreign ministers will meet in Tokyo on Friday, Takeshi Iwaya said."
    assert _occurrences(default, "", announced, TUESDAY) == set()
    undated = "Quad foreign ministers met in Tokyo and issued a joint statement with Iwaya."
    assert _occurrences(default, "", undated, None) == set()


def test_a_new_initiative_occurs_under_its_candidate_key(default: Classifier) -> None:
    body = (
        "The first meeting of the India-Japan Semiconductor Policy Dialogue was held in Delhi "
        "on Monday, with External Affairs Minister S. Jaishankar and Takeshi Iwaya."
    )
    found = _occurrences(default, "", body, TUESDAY)
    assert ("cand:IN JP semiconductor policy dialogue", "meeting", date(2025, 3, 3)) in found
