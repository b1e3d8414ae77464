"""Which countries a report names as parties (streams.classify.parties, the classifier's
``countries``): office holders, initiatives, the title and a pair in the lead, not a
country the body only discusses."""

from __future__ import annotations

from datetime import date

import pytest

from streams.classify.classifier import Classifier, DocumentText
from streams.classify.parties import LEAD_CHARS

DAY = date(2025, 6, 1)


#: names an initiative of too many parties to imply any: the page is relevant, and its
#: countries come from elsewhere
WIDE = " The work falls under the Minerals Security Partnership."
WIDE_JA = "鉱物安全保障パートナーシップの下での取り組みだ。"


def _countries(classifier: Classifier, body: str, title: str = "") -> tuple[str, ...]:
    result = classifier.classify(DocumentText("d", title, body, "en", DAY))
    assert result.relevant
    return result.countries


def test_a_country_the_body_only_discusses_is_no_party(default: Classifier) -> None:
    body = (
        "External Affairs Minister S. Jaishankar met Foreign Minister Toshimitsu Motegi in "
        "Tokyo on Monday. The two sides reviewed the Japan-India Special Strategic and "
        "Global Partnership. Officials said the talks came as the United States weighed "
        "new tariffs and Australia prepared its own minerals strategy."
    )
    assert _countries(default, body) == ("IN", "JP")


@pytest.mark.parametrize(
    ("lead", "parties"),
    [
        ("Japan and Australia agreed on Tuesday to deepen their cooperation on ports.", "AU JP"),
        ("Australia–Japan talks opened in Canberra on Tuesday with ports on the table.", "AU JP"),
        ("Australia, Japan and the United States agreed on Tuesday on port work.", "AU JP US"),
        ("Officials of India, the European Union and Japan met on Tuesday.", "EU IN JP"),
        ("日豪両政府は港湾分野での協力を深めることで一致した。", "AU JP"),
        ("日本とオーストラリアは港湾分野での協力を深めることで一致した。", "AU JP"),
    ],
)
def test_governments_named_as_a_pair_in_the_lead_are_the_parties(
    default: Classifier, lead: str, parties: str
) -> None:
    wide = WIDE_JA if lead.endswith("。") else WIDE
    assert _countries(default, lead + wide) == tuple(parties.split())


def test_a_transcripts_subjects_line_is_no_lead(default: Classifier) -> None:
    """A press conference transcript lists what reporters asked about above the remarks:
    "relations between India and Canada" there is a question's subject, no pair."""
    remarks = (
        "External Affairs Minister S. Jaishankar: Let me welcome Foreign Minister Penny "
        "Wong to Delhi for our Foreign Ministers' Framework Dialogue."
    )
    subjects = "Subjects: the Framework Dialogue; relations between India and Canada.\n"
    assert _countries(default, subjects + remarks) == ("AU", "IN")
    assert "CA" in _countries(default, remarks + " We discussed India and Canada ties.")


def test_a_pair_after_the_lead_is_background(default: Classifier) -> None:
    filler = "Port officials described the new berths and the dredging schedule. " * 6
    assert len(filler) > LEAD_CHARS
    body = filler + "Japan and Australia signed a similar accord in 2019." + WIDE
    assert _countries(default, body) == ()


def test_a_country_in_the_title_stays_a_party(default: Classifier) -> None:
    title = "Australia weighs port accord"
    body = "Port officials described the new berths and the dredging schedule." + WIDE
    assert _countries(default, body, title) == ("AU",)


def test_a_page_that_reports_no_engagement_has_no_parties(default: Classifier) -> None:
    """A race report from Japan names Japan in its title and a pair of countries in its
    lead, and reports no engagement of any government."""
    title = "Japan Grand Prix: rain decides the race"
    body = "Riders from Japan and Australia fought for the podium in heavy rain on Sunday."
    result = default.classify(DocumentText("d", title, body, "en", DAY))
    assert not result.relevant
    assert result.countries == ()


def test_the_host_of_a_forum_named_in_the_body_is_no_party(default: Classifier) -> None:
    body = (
        "Japanese Defence Minister Gen Nakatani met his Philippine counterpart on the "
        "sidelines of the Seoul Defense Dialogue on Tuesday to review training plans."
    )
    result = default.classify(DocumentText("d", "", body, "en", DAY))
    assert [c.name for c in result.candidates] == ["Seoul Defense Dialogue"]
    assert result.countries == ("JP",)


def test_a_vision_many_governments_speak_for_makes_none_a_party(default: Classifier) -> None:
    """The Free and Open Indo-Pacific is Japan's phrase, but an India–US statement that
    names it makes Japan no party to their talks."""
    body = (
        "Prime Minister Narendra Modi and President Donald Trump met at the White House on "
        "Thursday and pledged to work for a free and open Indo-Pacific."
    )
    result = default.classify(DocumentText("d", "", body, "en", DAY))
    assert "foip" in {label.id for label in result.initiatives}
    assert result.countries == ("IN", "US")


def test_another_governments_office_holder_opening_the_report_is_a_party(
    default: Classifier,
) -> None:
    """Korea's president is no office holder followed, but a report that opens on him
    meeting Japan's prime minister reports Korea's engagement."""
    body = (
        "Seoul's leader, President Lee Jae Myung, and Prime Minister Shigeru Ishiba held a "
        "two-hour summit in Tokyo on Saturday and pledged closer ties."
    )
    assert _countries(default, body) == ("JP", "KR")


def test_another_governments_office_holder_after_the_first_sentence_is_background(
    default: Classifier,
) -> None:
    """Even in the lead, a second sentence's other government is often another event."""
    body = (
        "Prime Minister Shigeru Ishiba held talks on energy in Tokyo on Saturday. "
        "President Lee Jae Myung had raised the same issue a year earlier."
    )
    assert _countries(default, body) == ("JP",)


def test_a_grouping_named_after_the_lead_implies_none_of_its_members(
    default: Classifier,
) -> None:
    """A bilateral report that goes on to "Quad cooperation" reports the pair's meeting, as
    one whose second sentence names the Quad as the occasion; a report that opens on the
    Quad, or names it in its title, reports the four's."""
    filler = "The two ministers reviewed trade, investment, education and energy links. " * 5
    assert len(filler) > LEAD_CHARS
    pair = (
        "External Affairs Minister S. Jaishankar met Foreign Minister Toshimitsu Motegi in "
        "Tokyo on Monday. "
        + filler
        + "They also reviewed Quad cooperation with Australia and the US."
    )
    assert _countries(default, pair) == ("IN", "JP")
    occasion = (
        "External Affairs Minister S. Jaishankar met Foreign Minister Toshimitsu Motegi in "
        "Tokyo on Monday. He was in Japan for the Quad Leaders' Summit."
    )
    assert _countries(default, occasion) == ("IN", "JP")
    four = "The Quad foreign ministers met in Tokyo on Monday. " + filler
    assert _countries(default, four) == ("AU", "IN", "JP", "US")
    titled = default.classify(DocumentText("d", "Quad partners meet", pair, "en", DAY))
    assert titled.countries == ("AU", "IN", "JP", "US")


@pytest.mark.parametrize(
    "title",
    [
        "Quad ministers oppose changes to the status quo; China apparently in mind",
        "Quad ministers meet amid China's maritime expansion",
        "日米豪印外相、中国を念頭に連携確認",
    ],
)
def test_a_country_a_title_has_in_mind_is_no_party(default: Classifier, title: str) -> None:
    body = "The Quad foreign ministers met in Tokyo on Monday." + WIDE
    result = default.classify(DocumentText("d", title, body, None, DAY))
    assert result.countries == ("AU", "IN", "JP", "US")
    named = default.classify(DocumentText("d", "Quad ministers meet China", body, None, DAY))
    assert "CN" in named.countries


def test_the_venue_of_two_parties_a_title_names_is_no_party(default: Classifier) -> None:
    """ "India, US sign ... in Malaysia": the meeting's place, not a third government; a
    title naming one government beside the place it visits keeps the host."""
    body = "Defence Minister Rajnath Singh and his US counterpart signed the framework."
    signed = default.classify(
        DocumentText("d", "India, US sign defence framework in Malaysia", body, "en", DAY)
    )
    assert signed.countries == ("IN", "US")
    visit = default.classify(
        DocumentText("d", "Rajnath Singh holds defence talks in Malaysia", body, "en", DAY)
    )
    assert "MY" in visit.countries
    # whom the two parties addressed is no party either
    for title in ("India, US deliver strong message to Malaysia", "India, US warn Malaysia"):
        addressed = default.classify(DocumentText("d", title, body, "en", DAY))
        assert addressed.countries == ("IN", "US"), title
