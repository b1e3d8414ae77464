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


def test_a_framework_named_only_by_its_kind_belongs_to_the_two_countries_of_the_page(
    default: Classifier,
) -> None:
    two = "Japan and the Philippines reviewed their Enhanced Strategic Partnership in Manila."
    assert _candidates(default, two) == {"Enhanced Strategic Partnership": ("JP", "PH")}
    three = (
        "Japan, the Philippines and Vietnam reviewed their Enhanced Strategic Partnership in "
        "Manila."
    )
    assert _candidates(default, three) == {}  # whose is it? not said


def test_an_alias_whose_parties_the_page_does_not_name_does_not_make_a_name_known(
    default: Classifier,
) -> None:
    # "2+2 Ministerial Dialogue" is the alias of other pairs' 2+2s, each requiring its
    # parties; Japan and Vietnam's is none of them
    body = "Japan and Vietnam held their first 2+2 Ministerial Dialogue in Tokyo."
    assert _candidates(default, body) == {"2+2 Ministerial Dialogue": ("JP", "VN")}


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (
            "The Japan-Philippines joint exercise, Coral Lantern, began in Luzon on Monday.",
            "Coral Lantern",
        ),
        ("Japan and the Philippines opened the Coral Lantern exercise in Luzon.", "Coral Lantern"),
        ("Japanese and Philippine troops train in exercises like CORALEX every year.", "CORALEX"),
    ],
)
def test_a_named_military_exercise_is_a_candidate(
    default: Classifier, body: str, name: str
) -> None:
    assert _candidates(default, body) == {name: ("JP", "PH")}


def test_an_unnamed_exercise_is_no_candidate(default: Classifier) -> None:
    body = "The exercise ended. The Ministry of Defence said Japan and the Philippines trained."
    assert _candidates(default, body) == {}


def test_a_name_begins_after_a_month_or_a_weekday(default: Classifier) -> None:
    """'… to Canberra in October for the Australia-India Water Security Dialogue' names
    the dialogue; the place and the month before it are when and where it meets."""
    body = (
        "Ministers from India and Australia will travel to Canberra in October for the "
        "Australia-India Water Security Dialogue, officials said on Monday."
    )
    assert _candidates(default, body) == {
        "Australia-India Water Security Dialogue": ("AU", "IN"),
    }


def test_a_generic_name_of_a_known_relationship_is_no_candidate(default: Classifier) -> None:
    """In a page that names the India-Japan Special Strategic and Global Partnership, "the
    Strategic Partnership" is that one, not a new one; in a page that names none of the
    pair's partnerships it stays the pair's candidate."""
    known = (
        "India and Japan reviewed their Special Strategic and Global Partnership in Tokyo. "
        "Motegi said the Strategic Partnership had never been stronger."
    )
    assert _candidates(default, known) == {}
    unknown = "India and Japan met in Tokyo. Motegi said the Strategic Partnership had grown."
    assert list(_candidates(default, unknown)) == ["Strategic Partnership"]


def test_a_name_does_not_reach_back_over_a_quoted_sentence_end(default: Classifier) -> None:
    """'… (the “Japan Minerals Chains”).  The Agreement …': the sentence before ends at the
    bracket and stop; "The Agreement" alone names no parties."""
    body = (
        "Japan and the United States signed a pact (the “Japan Minerals Chains”).  "
        "The Agreement takes effect on signature, Motegi said."
    )
    assert _candidates(default, body) == {}


def test_a_known_initiatives_shortened_name_is_no_candidate(default: Classifier) -> None:
    """ "a Critical Minerals Initiative" in a page naming the Quad Critical Minerals
    Initiative is that one; a pair's own "India-Japan Critical Minerals Initiative"
    names its parties and stays a candidate."""
    body = (
        "Washington, DC [US], July 2 (Wire): The Quad countries have launched a Critical "
        "Minerals Initiative, which will focus on mineral recovery, Jaishankar said.\n\n"
        '"We launched the Quad Critical Minerals Initiative," he said.'
    )
    assert _candidates(default, body) == {}
    short = (
        "Japan and the Philippines signed the Reciprocal Access Agreement on Monday. "
        "Kamikawa said the Reciprocal Agreement would ease joint training."
    )
    assert _candidates(default, short) == {}  # one word left of it: no framework of its own
    pair = body + " India and Japan also set up an India-Japan Critical Minerals Initiative."
    assert list(_candidates(default, pair)) == ["India-Japan Critical Minerals Initiative"]


def test_a_known_initiatives_full_name_written_out_is_no_candidate(default: Classifier) -> None:
    """ "the 12th Japan-Australia 2+2 Foreign and Defence Ministerial Consultations" holds
    the alias "Japan-Australia 2+2" and ends in the head of that initiative's own name."""
    body = (
        "Foreign Minister Takeshi Iwaya and Defence Minister Gen Nakatani hosted the 12th "
        "Japan-Australia 2+2 Foreign and Defence Ministerial Consultations in Tokyo."
    )
    assert _candidates(default, body) == {}


def test_a_multilateral_treaty_is_no_new_initiative(default: Classifier) -> None:
    """The Paris Agreement named beside two tracked governments is the climate treaty."""
    body = (
        "Prime Minister Narendra Modi and Prime Minister Anthony Albanese reaffirmed India "
        "and Australia's commitment to the Paris Agreement."
    )
    assert _candidates(default, body) == {}


def test_a_names_tail_keeps_a_dotted_country_and_drops_a_closing_quote(
    default: Classifier,
) -> None:
    """ "Framework for the U.S.-India Ocean Research Partnership" was cut at "U"; a name in
    quotes lost nothing but kept the closing quote."""
    body = (
        "Rajnath Singh and Pete Hegseth signed the Framework for the U.S.-India Ocean Research "
        "Partnership in Kuala Lumpur."
    )
    name = "Framework for the U.S.-India Ocean Research Partnership"
    assert name in _candidates(default, body)
    quoted = body.replace("the Framework", "the ‘Framework").replace("Partnership", "Partnership’")
    assert name in _candidates(default, quoted)


def test_a_subheadings_verb_and_a_context_bodys_meeting_are_no_part_of_a_name(
    default: Classifier,
) -> None:
    """ "Reaffirming the U.S.-India Trade and Economic Partnership" names the partnership;
    "ASEAN Defence Ministerial Summit" is a meeting of a body known as context."""
    body = (
        "Narendra Modi and Donald Trump met in Washington.\n\n"
        "Reaffirming the U.S.-India Trade and Economic Partnership\n\n"
        "The two leaders will meet again at the ASEAN Defence Ministerial Summit, India and "
        "the United States said."
    )
    assert list(_candidates(default, body)) == ["U.S.-India Trade and Economic Partnership"]


@pytest.mark.parametrize(
    ("body", "name", "parties"),
    [
        # heads of new bodies: a forum, a network, an alliance of governments
        (
            "The United States announced the Forum on Resource Geostrategic Engagement with "
            "Japan and India.",
            "Forum on Resource Geostrategic Engagement",
            ("IN", "JP", "US"),
        ),
        (
            "India and the US launched the Critical Minerals Finance Network.",
            "Critical Minerals Finance Network",
            ("IN", "US"),
        ),
        (
            "India and Japan launched the India-Japan Startup Alliance.",
            "India-Japan Startup Alliance",
            ("IN", "JP"),
        ),
        # a sentence adverb and its comma open the sentence, not the name
        (
            "Notably, the India-Vietnam Maritime Security Dialogue met in Hanoi.",
            "India-Vietnam Maritime Security Dialogue",
            ("IN", "VN"),
        ),
    ],
)
def test_forums_networks_and_names_after_a_sentence_adverb(
    default: Classifier, body: str, name: str, parties: tuple[str, ...]
) -> None:
    assert _candidates(default, body) == {name: parties}


def test_a_forum_of_companies_is_no_candidate(default: Classifier) -> None:
    """Business forums are context, not initiatives of governments."""
    body = "India and the EU opened the India-EU Business Forum with many chief executives."
    assert _candidates(default, body) == {}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        # a quote opens the name inside its first word; a plan's horizon year is its name's
        (
            "India and Britain replaced their old roadmap with the 'India-U.K. Vision 2035' "
            "framework on Thursday.",
            {"India-U.K. Vision 2035": ("GB", "IN")},
        ),
        # a version is part of the name, and "and" after a head ends another name
        (
            "India and Brazil took up Digital Partnership 2.0 and an AI Cooperation "
            "Initiative on Thursday.",
            {"Digital Partnership 2.0": ("BR", "IN"), "AI Cooperation Initiative": ("BR", "IN")},
        ),
        # nor is a month closed by a comma
        (
            "Planned for New Delhi this past September, the India-Brazil Strategic Summit "
            "moved to Brasilia.",
            {"India-Brazil Strategic Summit": ("BR", "IN")},
        ),
        # days of a date range before the name are no part of it
        (
            "Prime Minister Modi will visit Brazil from August 29 to 30 for the India-Brazil "
            "Strategic Summit.",
            {"India-Brazil Strategic Summit": ("BR", "IN")},
        ),
        # an abbreviation in brackets is inside a name, and opens none; an aside ends one
        (
            "Japan and Brazil held the Japan-Brazil Strategic (JBS) Summit in Tokyo, and the "
            "(JB) Partnership Council met.",
            {"Japan-Brazil Strategic (JBS) Summit": ("BR", "JP")},
        ),
        (
            "India and Brazil met at the Forum (of both capitals) Summit in Delhi.",
            {},
        ),
        # an abbreviation closing a clause ends the name before it
        (
            "Brazil and India set out the Joint Vision (JV), the Brazil-India Space Partnership "
            "Framework will follow it.",
            {
                "Joint Vision": ("BR", "IN"),
                "Brazil-India Space Partnership Framework": ("BR", "IN"),
            },
        ),
        # a list item's act before the name, and a possessive owner, are no part of it
        (
            "Brazil and India agreed on:\n- Establishment of the Brazil-India Space "
            "Partnership\n- Brazil's endorsement of the United States' Framework.",
            {"Brazil-India Space Partnership": ("BR", "IN")},
        ),
    ],
)
def test_where_a_name_begins_and_ends(
    default: Classifier, body: str, names: dict[str, tuple[str, ...]]
) -> None:
    assert _candidates(default, body) == names


def test_a_tracked_office_holder_speaking_of_a_name_is_its_party(default: Classifier) -> None:
    body = "Prime Minister Narendra Modi said the Green Hydrogen Cooperation Initiative is on."
    assert _candidates(default, body) == {"Green Hydrogen Cooperation Initiative": ("IN",)}
    quiet = "Analysts said the Green Hydrogen Cooperation Initiative is on."
    assert _candidates(default, quiet) == {}


def test_a_name_abbreviated_as_a_known_initiative_is_that_one(default: Classifier) -> None:
    """ "a Comprehensive Economic Trade Agreement (CETA)" of India and the UK is the known
    CETA, its name written without "and"."""
    body = (
        "India and the United Kingdom signed a Comprehensive Economic Trade Agreement (CETA) "
        "on Thursday, Prime Minister Narendra Modi said."
    )
    result = default.classify(DocumentText("d", "", body, None, DAY))
    assert [i.id for i in result.initiatives] == ["in-gb.ceta"]
    assert result.candidates == ()


def test_a_japanese_name_ending_a_known_ones_is_that_one(default: Classifier) -> None:
    body = (
        "日米豪印の外相は「日米豪印重要鉱物イニシアチブ」の立ち上げを発表した。"
        "外務省によると、4カ国は重要鉱物イニシアチブを通じて協力を強化する。"
    )
    assert _candidates(default, body) == {}


def test_a_summit_meeting_and_a_list_number_are_no_names(default: Classifier) -> None:
    """ "(1) Japan-U.S. Summit Meeting, Japan-U.S. Foreign Ministers' Meeting": a press
    conference's numbered topics; a summit meeting is a meeting, not a new body."""
    body = (
        "(1) Japan-U.S. Summit Meeting, Japan-U.S. Foreign Ministers' Meeting\n\n"
        "Foreign Minister Toshimitsu Motegi attended the Japan-U.S. Summit meeting."
    )
    assert _candidates(default, body) == {}
    assert _candidates(default, "(2) India-Brazil Strategic Summit, Modi said.") == {
        "India-Brazil Strategic Summit": ("BR", "IN")
    }


def test_an_agreement_between_named_parties_is_theirs_not_the_pages(default: Classifier) -> None:
    """A page about India and the US mentions the terms of reference of "a Free Trade
    Agreement (FTA) between India and the Gulf Cooperation Council": India's, not the
    page's pair's."""
    body = (
        "India and the United States are close to a trade deal. Piyush Goyal spoke at the "
        "signing of the terms of reference of a Free Trade Agreement (FTA) between India and "
        "the Gulf Cooperation Council."
    )
    assert _candidates(default, body) == {"Free Trade Agreement": ("IN",)}


def test_a_japanese_ordinal_is_no_word_of_a_name(default: Classifier) -> None:
    """ "第18回外相間戦略対話" without 日印 beside India's and Japan's ministers is their
    strategic dialogue, not a new "第18回 間 dialogue"."""
    body = (
        "日印両政府は16日夕、第18回外相間戦略対話を開いた。茂木敏充外務大臣とジャイシャンカル"
        "・インド外相が出席した。"
    )
    result = default.classify(DocumentText("d", "", body, "ja", DAY))
    assert [i.id for i in result.initiatives] == ["in-jp.strategic-dialogue"]
    assert result.candidates == ()
    other = "日印両政府は16日、第3回日印宇宙協力作業部会を開いた。茂木外相が出席した。"
    keys = [c.key for c in default.classify(DocumentText("d", "", other, "ja", DAY)).candidates]
    assert keys == ["cand:IN JP space working group"]  # the round is no word of its key


def test_a_name_in_both_spellings_is_one_candidate(default: Classifier) -> None:
    body = (
        "Foreign Minister Takeshi Iwaya and External Affairs Minister S. Jaishankar launched "
        "the India-Japan Defence Innovation Forum in Tokyo on Monday. Officials said the "
        "India-Japan Defense Innovation Forum would meet twice a year."
    )
    result = default.classify(DocumentText("d", "", body, None, DAY))
    assert len(result.candidates) == 1
    assert len(result.candidates[0].evidence) == 4  # both names, each with its sentence


def test_the_capitalised_end_of_a_longer_phrase_is_no_name(default: Classifier) -> None:
    """A lower-case word or an ellipsis running into a name without parties cuts it from
    a longer phrase: no candidate. The same words opened by an article stay one."""
    cut = (
        "Defence Minister Rajnath Singh thanked General Nakatani for concluding the "
        "equipment and technical Cooperation Agreement and the Protection of ...Military "
        "Information Agreement between India and Japan."
    )
    assert _candidates(default, cut) == {}
    whole = (
        "Defence Minister Rajnath Singh and General Nakatani said India and Japan would "
        "sign a Cooperation Agreement on submarines next year."
    )
    assert _candidates(default, whole) == {"Cooperation Agreement": ("IN", "JP")}


@pytest.mark.parametrize("dash", ["-", "–", "—"])
def test_a_name_reaches_back_over_any_dash_between_its_countries(
    default: Classifier, dash: str
) -> None:
    body = (
        "Foreign Minister Takeshi Iwaya and External Affairs Minister S. Jaishankar met for "
        f"the 3rd India{dash}Japan Semiconductor Policy Dialogue in Tokyo on Monday."
    )
    names = _candidates(default, body)
    assert list(names.values()) == [("IN", "JP")]
    assert next(iter(names)).endswith(f"India{dash}Japan Semiconductor Policy Dialogue")
