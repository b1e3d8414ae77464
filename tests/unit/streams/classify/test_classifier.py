"""The classifier on the seeds and on bad input; versions follow code and taxonomy."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.classification import ActorLabel, InitiativeLabel
from streams.classify.classifier import CODE_VERSION, Classification, Classifier, DocumentText
from streams.taxonomy.load import parse_taxonomy
from streams.taxonomy.model import Taxonomy
from tests.unit.streams.classify.conftest import SMALL_TAXONOMY

DAY = date(2025, 12, 15)


def _check_evidence(body: str, result: Classification) -> None:
    labels: list[InitiativeLabel | ActorLabel] = [*result.initiatives, *result.actors]
    for label in labels:
        for ev in label.evidence:
            assert body[ev.start : ev.end] == ev.text, (label.id, ev)
    for commitment in result.commitments:
        assert commitment.due_from <= commitment.due_to
        for ev in commitment.evidence:
            assert body[ev.start : ev.end] == ev.text


@pytest.fixture(scope="module")
def seed_results(default: Classifier, seeds: dict[str, str]) -> dict[str, Classification]:
    out = {}
    for name, body in seeds.items():
        result = default.classify(DocumentText(name, "", body, "en", DAY))
        _check_evidence(body, result)
        out[name[:3]] = result
    return out


def test_seed_000_initiatives_and_actors(seed_results: dict[str, Classification]) -> None:
    result = seed_results["000"]
    initiatives = {label.id for label in result.initiatives}
    assert {
        "in-jp.ai-dialogue",
        "in-jp.critical-minerals-jwg",
        "in-jp.economic-security-dialogue",
        "in-jp.special-strategic-global-partnership",
        "foip",
        "quad",
        "in-jp.strategic-dialogue",
    } <= initiatives
    actors = {label.id: label for label in result.actors}
    assert {
        "in.s-jaishankar",
        "jp.toshimitsu-motegi",
        "in.narendra-modi",
        "jp.toshihiro-kitamura",
        "in.randhir-jaiswal",
    } <= set(actors)
    assert actors["in.s-jaishankar"].role == "Minister of External Affairs"
    assert actors["jp.toshimitsu-motegi"].role == "Minister for Foreign Affairs"
    assert actors["jp.toshimitsu-motegi"].country == "JP"
    assert len(actors["in.s-jaishankar"].evidence) == 6  # full mention + five surnames
    assert result.relevant
    assert {"IN", "JP"} <= set(result.countries)
    assert result.countries == tuple(sorted(result.countries))


def test_seed_001_initiatives_and_actors(seed_results: dict[str, Classification]) -> None:
    result = seed_results["001"]
    initiatives = {label.id for label in result.initiatives}
    assert {
        "in-jp.ai-dialogue",
        "in-jp.critical-minerals-jwg",
        "in-jp.economic-security-dialogue",
        "in-jp.special-strategic-global-partnership",
        "in-jp.strategic-dialogue",
    } <= initiatives
    actors = {label.id for label in result.actors}
    assert {"in.narendra-modi", "jp.sanae-takaichi", "in.mea"} <= actors
    assert result.countries == ("IN", "JP")  # the G20 does not imply its members


def test_seed_labels_with_the_small_taxonomy(small: Classifier, seeds: dict[str, str]) -> None:
    for name, body in seeds.items():
        result = small.classify(DocumentText(name, "", body, "en", DAY))
        _check_evidence(body, result)
        assert "in-jp.ai-dialogue" in {label.id for label in result.initiatives}
        assert "in.narendra-modi" in {label.id for label in result.actors}


def test_empty_and_blank_documents_are_not_relevant(small: Classifier) -> None:
    for body in ("", "   \n\t", "\x00\x01\x02"):
        result = small.classify(DocumentText("d", "", body))
        assert result == Classification(relevant=False)


def test_huge_bodies_are_capped_and_flagged(small_taxonomy: Taxonomy) -> None:
    classifier = Classifier(small_taxonomy, max_chars=1_000)
    body = "Japan backs FOIP. " + "filler text " * 500 + "The Quad summit."
    result = classifier.classify(DocumentText("d", "", body, published=DAY))
    assert result.truncated
    assert [label.id for label in result.initiatives] == ["foip"]
    assert Classifier(small_taxonomy).max_chars == 1_000_000
    assert not Classifier(small_taxonomy).classify(DocumentText("d", "", body)).truncated


def test_control_characters_and_mixed_scripts(small: Classifier) -> None:
    body = "\x00Japan\x07’s\u200b Foreign\u00a0Minister\r\n met 茂木敏充 on ＦＯＩＰ\ufeff."
    result = small.classify(DocumentText("d", "", body, published=DAY))
    _check_evidence(body, result)
    assert {label.id for label in result.initiatives} == {"foip"}
    assert {label.id for label in result.actors} == {"jp.toshimitsu-motegi"}


def test_relevance_needs_an_initiative_or_a_named_office_holder(small: Classifier) -> None:
    def relevant(body: str) -> bool:
        return small.classify(DocumentText("d", "", body, published=DAY)).relevant

    assert relevant("Japan backs FOIP.")
    assert relevant("Narendra Modi met Marco Rubio.")
    assert relevant("Narendra Modi spoke about trade with Japan.")
    assert relevant("Narendra Modi visited Tokyo.")
    assert not relevant("A story about nothing in particular.")


def test_followed_governments_meeting_in_the_domain_are_relevant_without_names(
    default: Classifier,
) -> None:
    """No person and no initiative named, but Japan, India and the US as the lead's parties,
    on critical minerals: news of the kind followed. Governments nobody follows (the EU and
    China), or a pair outside the domain (a football friendly), are not."""
    lead = (
        "Ministers of Japan, India and the United States will meet in Washington this week to "
        "discuss a joint stockpile of critical minerals."
    )
    result = default.classify(DocumentText("d", "", lead, "en", DAY))
    assert result.relevant and result.countries == ("IN", "JP", "US")
    others = lead.replace("Japan, India and the United States", "the EU and China")
    assert not default.classify(DocumentText("d", "", others, "en", DAY)).relevant
    football = "Japan and India will meet in the Asia Cup hockey final in Tokyo on Sunday."
    assert not default.classify(DocumentText("d", "", football, "en", DAY)).relevant


def test_one_office_holder_alone_is_relevant_in_the_domain_only(default: Classifier) -> None:
    """A prime minister quoted on an earthquake is named in passing: one office holder
    alone makes a page relevant when it reports an event of theirs or speaks of the
    domain (security, trade, diplomacy ...)."""
    quake = (
        "A 7.5-magnitude earthquake struck off the northeastern coast on Monday night. "
        "Prime Minister Sanae Takaichi urged residents to move to higher ground as "
        "tsunami warnings were issued and power was cut to thousands of homes."
    )
    assert not default.classify(DocumentText("d", "", quake, "en", DAY)).relevant
    policy = (
        "Prime Minister Sanae Takaichi said on Monday that the government would raise "
        "defence spending to 2 percent of GDP this fiscal year."
    )
    assert default.classify(DocumentText("d", "", policy, "en", DAY)).relevant
    # the armed forces are of the domain: a navy's new frigates
    frigates = "マールズ国防相は、海上自衛隊の護衛艦をもとにした新型艦の導入を発表した。"
    assert default.classify(DocumentText("d", "", frigates, "ja", DAY)).relevant
    # a disaster is an affair at home even where defence forces are sent
    sent = quake.replace("tsunami warnings were issued", "defence forces were sent")
    assert not default.classify(DocumentText("d", "", sent, "en", DAY)).relevant
    # a government "policy" at home is no domain of ours: a court on a domestic law
    ruling = (
        "A high court ruled on Wednesday that the government's policy on the family "
        "register is unconstitutional. Chief Cabinet Secretary Yoshimasa Hayashi said the "
        "government would watch other pending cases."
    )
    assert not default.classify(DocumentText("d", "", ruling, "en", DAY)).relevant


def test_one_office_holder_campaigning_at_home_is_no_engagement(default: Classifier) -> None:
    """An election rally speech names the prime minister, touches on security and names
    no government but his own: politics at home. The same words beside another
    government's name stay relevant."""
    rally = (
        "Prime Minister Narendra Modi on Sunday attacked the opposition at an election "
        "rally in Patna, saying the alliance had shown India's resolve on security."
    )
    result = default.classify(DocumentText("d", "PM Modi slams opposition at rally", rally))
    assert (result.relevant, result.countries) == (False, ())
    abroad = rally + " He said talks with Japan on a new defence pact were going well."
    assert default.classify(DocumentText("d", "", abroad, "en", DAY)).relevant
    # a prime minister and a minister of the same government on the campaign trail
    trail = (
        "Prime Minister Anthony Albanese and Foreign Minister Penny Wong opened Labor's "
        "election campaign in Sydney, promising 1.2 million homes by 2030."
    )
    assert not default.classify(DocumentText("d", "", trail, "en", date(2025, 4, 13))).relevant


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # a leadership race that speaks of China (no government followed but Japan)
        (
            "Ruling party begins race to pick the prime minister's successor",
            "Foreign Minister Yoshimasa Hayashi and Digital Minister Taro Kono entered the "
            "race on Friday, both vowing a firm line on China and a stronger economy.",
        ),
        # a cabinet reshuffle in Japanese
        (
            "内閣改造 きょう発足へ",
            "岸田総理大臣は、林外務大臣と浜田防衛大臣を再任し、経済安全保障担当大臣も交代させる。",
        ),
        # a disaster the prime minister visits
        (
            "Prime minister visits quake-hit region",
            "Prime Minister Fumio Kishida visited the earthquake zone on Sunday and promised "
            "economic support to rebuild the towns.",
        ),
    ],
)
def test_affairs_at_home_are_no_engagement(default: Classifier, title: str, body: str) -> None:
    result = default.classify(DocumentText("d", title, body, None, date(2023, 9, 10)))
    assert (result.relevant, result.countries) == (False, ())


def test_a_summit_that_opens_on_congratulations_for_an_election_is_one(
    default: Classifier,
) -> None:
    """Another government's leader named in full makes the page an engagement, whatever
    the lead says of an election."""
    body = (
        "Prime Minister Mark Carney congratulated Prime Minister Sanae Takaichi on her "
        "election victory when they met in Tokyo and agreed to deepen defence cooperation."
    )
    result = default.classify(DocumentText("d", "", body, "en", date(2026, 3, 6)))
    assert result.relevant and "JP" in result.countries


def test_a_surname_alone_is_no_label_where_nothing_else_of_ours_is_named(
    default: Classifier,
) -> None:
    circuit = "Bagnaia won at Motegi ahead of Martin after a late crash at turn five."
    result = default.classify(DocumentText("d", "", circuit, "en", DAY))
    assert (result.actors, result.relevant) == ((), False)
    minister = "Motegi met External Affairs Minister S. Jaishankar in Tokyo."
    labels = {a.id for a in default.classify(DocumentText("d", "", minister, "en", DAY)).actors}
    assert "jp.toshimitsu-motegi" in labels


def test_without_a_date_offices_resolve_at_the_given_today(small: Classifier) -> None:
    doc = DocumentText("d", "", "Japan's Foreign Minister spoke. India backs FOIP.")
    march = small.classify(doc, today=date(2025, 3, 1))
    assert {label.id for label in march.actors} == {"jp.takeshi-iwaya"}


def test_versions_follow_code_and_taxonomy(small_taxonomy: Taxonomy) -> None:
    base = Classifier(small_taxonomy)
    assert base.version == Classifier(small_taxonomy, CODE_VERSION).version
    assert base.version != Classifier(small_taxonomy, "classify-999").version
    edited = parse_taxonomy(SMALL_TAXONOMY.replace('"FOIP"]', '"FOIP", "F.O.I.P."]'))
    assert Classifier(edited).version != base.version
    assert base.taxonomy_version.startswith("test-1@")
    assert Classifier(edited).taxonomy_version != base.taxonomy_version


_NOISY = st.lists(
    st.one_of(
        st.text(max_size=5),
        st.sampled_from(["Quad ", "Japan ", "FOIP", "Motegi ", "Foreign Minister ", "外務大臣"]),
        st.sampled_from(["by March ", "early 2026 ", "will ", "来年", "2026年前半", ". ", "\n"]),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(title=_NOISY, body=_NOISY, day=st.none() | st.dates())
def test_classify_never_raises_and_keeps_its_invariants(
    small: Classifier, title: str, body: str, day: date | None
) -> None:
    result = small.classify(DocumentText("d", title, body, None, day), today=DAY)
    _check_evidence(body, result)
    assert not result.relevant or result.initiatives or result.actors
    assert result.relevant or not result.initiatives
    if not result.relevant:
        assert result.commitments == ()


@settings(max_examples=60, deadline=None)
@given(title=_NOISY, body=_NOISY)
def test_classify_with_the_default_taxonomy_never_raises(
    default: Classifier, title: str, body: str
) -> None:
    result = default.classify(DocumentText("d", title, body, "en", DAY))
    _check_evidence(body, result)
