"""Actors: full names, surnames, and office references resolved by country and date."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classification import ActorLabel
from streams.classify.classifier import Classifier, DocumentText

MARCH = date(2025, 3, 10)
DECEMBER = date(2025, 12, 15)


def _actors(classifier: Classifier, body: str, day: date = DECEMBER) -> dict[str, ActorLabel]:
    result = classifier.classify(DocumentText("d1", "", body, "en", day))
    for label in result.actors:
        for ev in label.evidence:
            assert body[ev.start : ev.end] == ev.text
    return {label.id: label for label in result.actors}


@pytest.mark.parametrize("name", ["small", "default"])
@pytest.mark.parametrize(
    ("body", "day", "expected"),
    [
        ("Japan's Foreign Minister arrived in Delhi.", MARCH, "jp.takeshi-iwaya"),
        ("Japan's Foreign Minister arrived in Delhi.", DECEMBER, "jp.toshimitsu-motegi"),
        ("Japan’s new Foreign Minister arrived.", DECEMBER, "jp.toshimitsu-motegi"),
        ("The Japanese Foreign Minister arrived.", MARCH, "jp.takeshi-iwaya"),
        ("He met the Foreign Minister of Japan.", MARCH, "jp.takeshi-iwaya"),
        ("外務大臣は記者会見で述べた。", MARCH, "jp.takeshi-iwaya"),
        ("外務大臣は記者会見で述べた。", DECEMBER, "jp.toshimitsu-motegi"),
        ("The Indian Foreign Minister spoke.", DECEMBER, "in.s-jaishankar"),
        ("The External Affairs Minister spoke.", DECEMBER, "in.s-jaishankar"),
    ],
)
def test_office_references_resolve_to_the_holder_on_the_document_date(
    name: str, body: str, day: date, expected: str, request: pytest.FixtureRequest
) -> None:
    actors = _actors(request.getfixturevalue(name), body, day)
    assert expected in actors, actors
    label = actors[expected]
    assert label.role is not None
    assert "Foreign" in label.role or "External" in label.role
    assert 0.8 <= label.confidence <= 0.9


@pytest.mark.parametrize("name", ["small", "default"])
def test_a_generic_title_without_a_country_or_across_a_sentence_resolves_to_nobody(
    name: str, request: pytest.FixtureRequest
) -> None:
    classifier = request.getfixturevalue(name)
    assert _actors(classifier, "The Foreign Minister arrived.") == {}
    assert _actors(classifier, "He flew to Japan. Foreign Minister talks began.") == {}
    assert _actors(classifier, "Back in Japan, Foreign Minister talks began.") == {}


@pytest.mark.parametrize("name", ["small", "default"])
def test_a_name_after_an_office_is_that_person_not_the_date_holder(
    name: str, request: pytest.FixtureRequest
) -> None:
    body = "Japanese Foreign Minister Toshimitsu Motegi met Japan's Foreign Minister Iwaya."
    actors = _actors(request.getfixturevalue(name), body, MARCH)
    motegi = actors["jp.toshimitsu-motegi"]
    assert [e.text for e in motegi.evidence] == ["Japanese Foreign Minister Toshimitsu Motegi"]
    assert motegi.role == "Minister for Foreign Affairs"  # from the office named
    assert motegi.confidence >= 0.95
    iwaya = actors["jp.takeshi-iwaya"]
    assert [e.text for e in iwaya.evidence] == ["Japan's Foreign Minister Iwaya"]
    assert iwaya.confidence == 0.9


@pytest.mark.parametrize("name", ["small", "default"])
def test_an_apposition_names_the_holder(name: str, request: pytest.FixtureRequest) -> None:
    actors = _actors(
        request.getfixturevalue(name), "Toshimitsu Motegi, Japan's Foreign Minister, said.", MARCH
    )
    assert set(actors) == {"jp.toshimitsu-motegi"}
    assert actors["jp.toshimitsu-motegi"].evidence[0].text == (
        "Toshimitsu Motegi, Japan's Foreign Minister"
    )


@pytest.mark.parametrize("name", ["small", "default"])
def test_surnames_attach_to_the_actor_named_in_full(
    name: str, request: pytest.FixtureRequest
) -> None:
    classifier = request.getfixturevalue(name)
    body = "Prime Minister Narendra Modi spoke first. Later Modi and Jaishankar met Motegi."
    actors = _actors(classifier, body)
    assert [e.text for e in actors["in.narendra-modi"].evidence] == [
        "Prime Minister Narendra Modi",
        "Modi",
    ]
    assert actors["in.narendra-modi"].confidence >= 0.95
    assert actors["in.s-jaishankar"].confidence == 0.7  # surname alone
    assert actors["jp.toshimitsu-motegi"].confidence == 0.7
    full = _actors(classifier, "S Jaishankar spoke. Jaishankar then left.")
    assert [e.text for e in full["in.s-jaishankar"].evidence] == ["S Jaishankar", "Jaishankar"]
    assert full["in.s-jaishankar"].confidence == 0.98


@pytest.mark.parametrize("name", ["small", "default"])
def test_labels_carry_role_country_and_kind(name: str, request: pytest.FixtureRequest) -> None:
    actors = _actors(
        request.getfixturevalue(name),
        "The Ministry of External Affairs said US Secretary of State Marco Rubio would visit.",
    )
    mea = actors["in.mea"]
    assert (mea.kind, mea.country, mea.role) == ("organisation", "IN", None)
    rubio = actors["us.marco-rubio"]
    assert (rubio.kind, rubio.country, rubio.role) == ("person", "US", "Secretary of State")
    assert rubio.evidence[0].text == "US Secretary of State Marco Rubio"


def test_japanese_names_and_offices(default: Classifier) -> None:
    actors = _actors(default, "茂木外務大臣は高市首相と会談した。岩屋外務大臣も同席。", MARCH)
    assert {"jp.toshimitsu-motegi", "jp.sanae-takaichi", "jp.takeshi-iwaya"} <= set(actors)
    assert actors["jp.takeshi-iwaya"].evidence[0].text == "岩屋外務大臣"


def test_a_surname_with_daijin_names_the_minister_of_that_day(default: Classifier) -> None:
    """ "木原大臣" (derived from "木原防衛大臣") is Kihara while he is a minister, or where the
    page names him in full; a form two people would share is nobody's."""
    body = "日印外務・防衛閣僚会合のあと木原大臣は記者団に対し、協力が重要だと述べた。"
    assert "jp.minoru-kihara" in _actors(default, body, date(2024, 8, 20))
    assert "jp.minoru-kihara" not in _actors(default, body, date(2026, 8, 20))
    named = "木原稔氏は日印外務・防衛閣僚会合に出席した。木原大臣は協力が重要だと述べた。"
    [label] = [a for a in _actors(default, named, date(2026, 8, 20)).values()]
    assert [ev.text for ev in label.evidence] == ["木原稔", "木原大臣"]


def test_a_daijin_form_two_ministers_would_share_is_derived_for_neither() -> None:
    from streams.classify.minister_names import minister_forms
    from streams.taxonomy.load import parse_taxonomy

    two = """
version: "t"
countries: [{code: JP, name: Japan}]
offices:
  - {id: jp.fm, title: FM, country: JP, aliases: {ja: ["外務大臣", "外相"]}}
actors:
"""
    for ident, names in (
        ("a", "鈴木一郎, 鈴木外相"),
        ("b", "鈴木二郎, 鈴木外務大臣"),
        ("c", "茂木三郎, 茂木外相"),
    ):
        role = "{title: FM, office: jp.fm}"
        two += f"  - {{id: {ident}, name: X, aliases: {{ja: [{names}]}}, roles: [{role}]}}\n"
    assert minister_forms(parse_taxonomy(two + "initiatives: []\n")) == {"茂木大臣": "c"}


@pytest.mark.parametrize(
    "body",
    [
        "Consultations with the Vice-Minister for Foreign Affairs of Japan were held.",
        "Japan's Vice Foreign Minister met officials in Delhi.",
        "Japan's State Minister for Foreign Affairs met officials in Delhi.",
        "The former Japanese Foreign Minister spoke in Delhi.",
        "外務大臣政務官がインドを訪問した。",
        "元外務大臣がインドを訪問した。",
        "外務大臣に新たな議員が起用されれば、インドとの対話を急ぐ。",  # the office to be taken
    ],
)
def test_another_office_or_a_former_holder_is_not_the_holder_on_the_date(
    default: Classifier, body: str
) -> None:
    assert "jp.toshimitsu-motegi" not in _actors(default, body)


def test_an_alias_matches_its_other_spelling(default: Classifier) -> None:
    """The taxonomy spells India's ministry "Defence": an American report's "Defense
    Ministry" is the same body, and a British "Minister of Defence" the same office."""
    found = _actors(default, "The Indian Defense Ministry said the drill ended on Friday.")
    assert "in.mod" in found
