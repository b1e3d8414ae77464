"""The default taxonomy's coverage: offices by date, Japanese names, context entries never
labelled, partial names that only the parties named near them decide.

Sentences are written for these tests (no published text); each case is one convention of
streams/taxonomy/default.yaml that a later edit could break.
"""

from __future__ import annotations

from datetime import date

import pytest

from streams.classify.classifier import Classifier, DocumentText
from streams.classify.normalise import normalise
from streams.taxonomy.load import load_taxonomy
from streams.taxonomy.pitfalls import office_overlaps


def _labels(classifier: Classifier, body: str, day: date) -> tuple[set[str], set[str]]:
    result = classifier.classify(DocumentText("t1", "", body, None, day))
    return {i.id for i in result.initiatives}, {a.id for a in result.actors}


def _actors(classifier: Classifier, body: str, day: date) -> set[str]:
    return _labels(classifier, body, day)[1]


def _initiatives(classifier: Classifier, body: str, day: date) -> set[str]:
    return _labels(classifier, body, day)[0]


def test_no_office_has_two_holders_on_one_day() -> None:
    assert list(office_overlaps(load_taxonomy())) == []


@pytest.mark.parametrize(
    ("body", "day", "expected"),
    [
        # heads of government and foreign ministers across the period
        ("Australia's Prime Minister spoke.", date(2016, 3, 1), "au.malcolm-turnbull"),
        ("Australia's Prime Minister spoke.", date(2020, 3, 1), "au.scott-morrison"),
        ("The Indian Prime Minister spoke.", date(2014, 3, 1), "in.manmohan-singh"),
        ("Japan's Foreign Minister spoke.", date(2021, 11, 6), "jp.fumio-kishida"),
        ("Japan's Foreign Minister spoke.", date(2021, 11, 3), "jp.toshimitsu-motegi"),
        ("The External Affairs Minister spoke.", date(2016, 5, 1), "in.sushma-swaraj"),
        # defence, trade, finance, economic security
        ("India's Defence Minister spoke.", date(2016, 1, 5), "in.manohar-parrikar"),
        ("India's Defence Minister spoke.", date(2017, 5, 5), "in.arun-jaitley"),
        ("Japan's Defense Minister spoke.", date(2015, 6, 1), "jp.gen-nakatani"),
        ("The US Secretary of Defense spoke.", date(2018, 6, 1), "us.jim-mattis"),
        ("The USTR said tariffs would stay.", date(2019, 6, 1), "us.robert-lighthizer"),
        ("The US Commerce Secretary spoke.", date(2023, 6, 1), "us.gina-raimondo"),
        ("Australia's Trade Minister spoke.", date(2021, 6, 1), "au.dan-tehan"),
        (
            "Japan's Economic Revitalization Minister flew in.",
            date(2025, 5, 1),
            "jp.ryosei-akazawa",
        ),
        (
            "The Minister in charge of Economic Security of Japan spoke.",
            date(2023, 1, 10),
            "jp.sanae-takaichi",
        ),
        ("India's Finance Minister spoke.", date(2018, 6, 1), "in.piyush-goyal"),
        # advisers, spokespersons, vice-ministers, ambassadors
        ("The White House National Security Adviser spoke.", date(2018, 6, 1), "us.john-bolton"),
        ("The MEA spokesperson said so.", date(2020, 6, 1), "in.anurag-srivastava"),
        ("Tokyo's top government spokesperson said so.", date(2022, 6, 1), "jp.hirokazu-matsuno"),
        (
            "He met the Vice-Minister for Foreign Affairs of Japan.",
            date(2024, 6, 1),
            "jp.masataka-okano",
        ),
        ("The US Ambassador to India spoke.", date(2024, 6, 1), "us.eric-garcetti"),
        ("The US Ambassador to Japan spoke.", date(2025, 6, 1), "us.george-glass"),
        # Japanese office references
        ("官房長官は記者会見で述べた。", date(2019, 6, 1), "jp.yoshihide-suga"),
        ("国家安全保障局長が訪米した。", date(2023, 6, 1), "jp.takeo-akiba"),
        ("経済産業大臣が会見した。", date(2017, 6, 1), "jp.hiroshige-seko"),
        ("米国務長官が来日した。", date(2019, 6, 1), "us.mike-pompeo"),
    ],
)
def test_offices_resolve_to_their_holder_on_the_date(
    default: Classifier, body: str, day: date, expected: str
) -> None:
    assert expected in _actors(default, body, day)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("岩屋外相とジャイシャンカル外相が会談した。", {"jp.takeshi-iwaya", "in.s-jaishankar"}),
        ("上川外相はウォン豪外相と電話会談した。", {"jp.yoko-kamikawa", "au.penny-wong"}),
        ("林官房長官は記者会見で述べた。", {"jp.yoshimasa-hayashi"}),
        ("ルビオ国務長官とヘグセス国防長官が出席した。", {"us.marco-rubio", "us.pete-hegseth"}),
        ("アルバニージー首相とモディ首相が会談した。", {"au.anthony-albanese", "in.narendra-modi"}),
        ("オースティン国防長官が来日した。", {"us.lloyd-austin"}),
        ("Kishida Fumio met Subrahmanyam Jaishankar.", {"jp.fumio-kishida", "in.s-jaishankar"}),
    ],
)
def test_japanese_and_both_order_names(default: Classifier, body: str, expected: set[str]) -> None:
    """Name + title forms are aliases: a foreign name before 外相/首相 is that person, and
    the bare title does not also resolve to Japan's office holder."""
    assert _actors(default, body, date(2024, 6, 1)) == expected


@pytest.mark.parametrize(
    "body",
    [
        "Singapore's Prime Minister Lawrence Wong met Chinese Foreign Minister Wang Yi.",
        "シンガポールのウォン首相は、中国の王毅外相と会談した。",
        "英外相と韓国外相が会談した。",
        "パキスタンのシャリフ首相が声明を出した。",
        "UK Foreign Secretary David Lammy met Admiral Samuel Paparo.",
        "The Raisina Dialogue and the Shangri-La Dialogue drew ministers from across Asia.",
        "The Lowy Institute and Keidanren published reports on the G20 and ASEAN.",
        "The delegation was received at the White House on Monday.",
    ],
)
def test_context_entries_are_recognised_but_never_labelled(default: Classifier, body: str) -> None:
    initiatives, actors = _labels(default, body, date(2025, 6, 1))
    assert actors == set() and initiatives == set()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("India and Japan will hold the 2+2 ministerial dialogue.", "in-jp.two-plus-two"),
        ("India and the US will hold the 2+2 ministerial dialogue.", "in-us.two-plus-two"),
        (
            "Canberra and New Delhi upgraded their Comprehensive Strategic Partnership, "
            "Australia and India said.",
            "in-au.comprehensive-strategic-partnership",
        ),
        (
            "Japan and Australia reaffirmed their Special Strategic Partnership.",
            "jp-au.special-strategic-partnership",
        ),
        ("日豪両政府は円滑化協定に基づく訓練を行った。", "jp-au.reciprocal-access-agreement"),
        ("日米両政府は2プラス2を開催した。", "jp-us.two-plus-two"),
        (
            "日印両首脳は、今後10年の協力の方向性を示す「共同ビジョン」を発表した。",
            "in-jp.joint-vision-next-decade",
        ),
        (
            "The United States and Japan signed the critical minerals agreement.",
            "jp-us.critical-minerals-agreement",
        ),
        (
            "Trump and Takaichi signed a framework agreement on critical minerals and rare "
            "earths, the US and Japan said.",
            "jp-us.critical-minerals-framework",
        ),
        (
            "The United States and Japan agreed on a framework to secure the supply of "
            "critical minerals and rare earths.",
            "jp-us.critical-minerals-framework",
        ),
        # イニシアチブ is イニシアティブ spelled the other way
        (
            "日米豪印外相は重要鉱物イニシアチブの立ち上げを発表した。",
            "quad.critical-minerals-initiative",
        ),
        ("クアッド重要鉱物イニシアチブが始まった。", "quad.critical-minerals-initiative"),
    ],
)
def test_partial_names_count_where_their_parties_are_named(
    default: Classifier, body: str, expected: str
) -> None:
    found = _initiatives(default, body, date(2025, 6, 1))
    assert expected in found
    others = {"in-jp.two-plus-two", "in-us.two-plus-two", "jp-us.two-plus-two"} - {expected}
    assert not found & others


@pytest.mark.parametrize(
    "body",
    [
        "The 2+2 ministerial dialogue was postponed.",
        "Indonesia and Vietnam upgraded their Comprehensive Strategic Partnership.",
        "The firm's critical minerals agreement with a Canadian miner was signed.",
        "両社は今後5年の事業の方向性を示す共同ビジョンを発表した。",
    ],
)
def test_partial_names_without_their_parties_are_nobodys(default: Classifier, body: str) -> None:
    assert _initiatives(default, body, date(2025, 6, 1)) == set()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The Mumbai-Ahmedabad bullet train project got another yen loan tranche.", "in-jp.mahsr"),
        ("JICA signed a yen loan for the Delhi Metro Phase 4.", "in-jp.delhi-metro"),
        ("Troops opened Exercise Dharma Guardian in Rajasthan.", "in-jp.dharma-guardian"),
        ("The Yudh Abhyas and Malabar drills ended.", "in-us.yudh-abhyas"),
        ("日米共同統合演習キーン・ソードが始まった。", "jp-us.keen-sword"),
        ("The India-Australia ECTA entered into force.", "in-au.ecta"),
        ("The US-India TRUST initiative covers critical minerals.", "in-us.trust"),
    ],
)
def test_projects_exercises_and_agreements(default: Classifier, body: str, expected: str) -> None:
    assert expected in _initiatives(default, body, date(2025, 6, 1))


def test_a_metro_without_japanese_finance_is_no_india_japan_project(default: Classifier) -> None:
    assert _initiatives(default, "Delhi Metro fares rise from Monday.", date(2025, 6, 1)) == set()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "India and Japan agreed to prepare the next 2+2 ministerial dialogue. "
            "They will also work with the United States and Australia in the Quad.",
            {"in-jp.two-plus-two"},
        ),
        (
            "両国は、日印の外務・防衛閣僚会合、いわゆる2プラス2の開催に向けて調整する。"
            "また米国やオーストラリアとも緊密に連携していくことで一致した。",
            {"in-jp.two-plus-two"},
        ),
        (
            "The United States and Australia briefed reporters. Later, India and the US "
            "said their 2+2 ministerial dialogue would meet in June.",
            {"in-us.two-plus-two"},
        ),
        # the page's 2+2 mentioned again beside another country is still the page's; and
        # インド inside インド太平洋 (the Indo-Pacific) is not India
        (
            "日本、オーストラリア両政府は5日、外務・防衛担当閣僚協議(2プラス2)を開いた。"
            "インド太平洋地域で軍事行動を強める中国をにらむ。"
            "2プラス2では米国を交えた3カ国協力の強化も確認した。",
            {"jp-au.two-plus-two"},
        ),
        # the page's country has the format with the others: no pair of the others
        (
            "India and Japan will hold their 2+2 dialogue next week in New Delhi. India has "
            "the 2+2 format with a few countries, including the US and Australia.",
            {"in-jp.two-plus-two", "in-us.two-plus-two", "in-au.two-plus-two"},
        ),
    ],
)
def test_a_shared_partial_name_is_the_pairs_named_nearest_it(
    default: Classifier, body: str, expected: set[str]
) -> None:
    """Every party of several pairs may be named in one page; "the 2+2" is the dialogue of
    the pair named nearest it, not of every pair the page names somewhere."""
    found = _initiatives(default, body, date(2025, 6, 1))
    two_plus_twos = {i for i in found if i.endswith("two-plus-two") or i == "au-us.ausmin"}
    assert two_plus_twos == expected


def test_pairs_named_equally_near_a_shared_name_are_all_kept(default: Classifier) -> None:
    body = "Japan, India and the US each said the 2+2 format would continue."
    found = _initiatives(default, body, date(2025, 6, 1))
    assert {"in-jp.two-plus-two", "jp-us.two-plus-two", "in-us.two-plus-two"} <= found


def test_a_shared_name_tied_in_its_sentence_goes_to_the_pair_of_its_paragraph_and_title(
    default: Classifier,
) -> None:
    """The second paragraph's 2+2 names one country in its sentence, so every pair with
    it ties there; its paragraph and the title name the other: that pair is meant, not
    Australia's pairs with the countries of the last paragraph, whose own 2+2s are the
    pairs its sentence names."""
    body = (
        "Japan and Australia are arranging a meeting of their foreign and defence ministers.\n\n"
        "During the two-plus-two talks, set for around Sept. 5 in Australia, the ministers "
        "will discuss joint drills.\n\n"
        "Japan held a two-plus-two meeting with the United States on Sunday and plans one "
        "with India later this month."
    )
    result = default.classify(
        DocumentText("t1", "Tokyo and Canberra plan security talks", body, None, date(2024, 8, 1))
    )
    found = {i.id for i in result.initiatives}
    assert {"jp-au.two-plus-two", "jp-us.two-plus-two", "in-jp.two-plus-two"} <= found
    assert not found & {"au-us.ausmin", "in-au.two-plus-two"}


def test_an_alias_that_writes_us_is_found_written_u_s(default: Classifier) -> None:
    """Outlets write "India-U.S." as often as "India-US": the dotted form is the same
    alias, not a new initiative for discovery."""
    body = "The third India-U.S. 2+2 Ministerial Dialogue will be held in Delhi in October."
    result = default.classify(DocumentText("t1", "", body, None, date(2025, 6, 1)))
    assert "in-us.two-plus-two" in {i.id for i in result.initiatives}
    assert [c.name for c in result.candidates] == []


def test_the_indo_pacific_in_japanese_names_no_india(default: Classifier) -> None:
    body = (
        "日豪両政府はインド太平洋地域の平和と安定で一致した。"
        "鉱物安全保障パートナーシップも議題だった。"
    )
    result = default.classify(DocumentText("d", "", body, "ja", date(2025, 6, 1)))
    assert result.countries == ("AU", "JP")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "茂木外相はインドの外相と会談し、経済安全保障対話を来年開くことで一致した。",
            {"in-jp.economic-security-dialogue"},
        ),
        (
            "岩屋外相はニューデリーで、重要鉱物に関する合同作業部会の設置を確認した。",
            {"in-jp.critical-minerals-jwg"},
        ),
        ("米印両政府は経済安全保障対話を来月開く。", set()),
        # Japan holds dialogues of these names with other partners: Japan alone is not enough
        ("高市首相はカナダの首相と会談し、経済安全保障対話を新設することで合意した。", set()),
        (
            "Prime Minister Sanae Takaichi and her Canadian counterpart agreed to launch an "
            "economic security dialogue and an AI dialogue.",
            set(),
        ),
    ],
)
def test_a_japanese_report_names_japans_side_by_its_ministers(
    default: Classifier, body: str, expected: set[str]
) -> None:
    """A Japanese report names Japan's minister, not Japan: the minister names Japan's side
    of a partial name both governments share with other partners; without India (Japan and
    Canada) or without Japan (India and the US) the partial name is nobody's."""
    assert _initiatives(default, body, date(2025, 6, 1)) == expected


def test_india_eu_trade_talks_name_their_agreement_and_council(default: Classifier) -> None:
    """India–EU initiatives (India is a party): the FTA by its short name where India and
    the EU are named, the Trade and Technology Council; an FTA of India and Britain is the
    India–UK agreement."""
    body = (
        "Commerce Minister Piyush Goyal met the European Union's trade commissioner in New "
        "Delhi on Monday. India and the EU want to close the FTA before the year ends, and the "
        "Trade and Technology Council will meet again in Brussels in the spring."
    )
    result = default.classify(DocumentText("d", "", body, "en", date(2025, 6, 2)))
    assert {"in-eu.fta", "in-eu.ttc"} <= {label.id for label in result.initiatives}
    assert result.countries == ("EU", "IN")
    other = (
        "Commerce Minister Piyush Goyal met Britain's business secretary in London on Monday. "
        "India and the United Kingdom want to close the FTA before the year ends."
    )
    found = default.classify(DocumentText("d", "", other, "en", date(2025, 6, 2)))
    assert {label.id for label in found.initiatives} == {"in-gb.ceta"}


def test_a_titles_shared_name_goes_to_the_pair_the_page_names_most(default: Classifier) -> None:
    """ "2+2" in a title belongs to the pair the whole page is about (Japan and Germany,
    named again and again), not to a followed pair a passing mention names (the US, once,
    as the venue of another summit)."""
    title = "日独首脳、早期の2プラス2で一致へ"
    body = (
        "石破首相はドイツのメルツ首相と12日に会談し、外務・防衛閣僚会合の早期開催で一致する。"
        "首相は米国での国際会議に出席した後、ドイツを訪れる。ドイツとは経済安全保障の協議も進める。"
    )
    result = default.classify(DocumentText("d", title, body, "ja", date(2025, 7, 10)))
    assert not {i.id for i in result.initiatives} & {"jp-us.two-plus-two", "in-jp.two-plus-two"}


def test_a_formal_country_name_before_a_title_is_that_countrys_office(
    default: Classifier,
) -> None:
    """Official Japanese texts write formal names (ドイツ連邦共和国首相): the 首相 after
    one is that country's, not Japan's prime minister."""
    body = "岸田前総理大臣とメルツ・ドイツ連邦共和国首相との会談で創設が確認された。"
    assert "jp.shigeru-ishiba" not in _actors(default, body, date(2025, 8, 1))
    body = "モディ・インド共和国首相が来日した。"
    assert _actors(default, body, date(2025, 8, 1)) == {"in.narendra-modi"}


def test_capitals_name_the_parties_a_shared_name_asks_for(default: Classifier) -> None:
    """ "New Delhi and Tokyo" name the two governments for "the 2+2"; a capital alone makes
    no country of the page (a venue is no party)."""
    body = "New Delhi and Tokyo agreed to hold the 2+2 ministerial dialogue in the spring."
    result = default.classify(DocumentText("d", "", body, "en", date(2025, 6, 1)))
    assert {i.id for i in result.initiatives} == {"in-jp.two-plus-two"}
    venue = (
        "Prime Minister Narendra Modi and Australian Prime Minister Anthony Albanese met in "
        "Tokyo and agreed to deepen the India-Australia Comprehensive Strategic Partnership."
    )
    found = default.classify(DocumentText("d", "", venue, "en", date(2025, 6, 1)))
    assert found.relevant and found.countries == ("AU", "IN")


def test_a_short_name_far_from_its_parties_is_the_one_the_page_named_in_full(
    default: Classifier,
) -> None:
    """The page opened on the India-Japan AI Dialogue; "the AI Dialogue" long after is it,
    though neither government is named near the short name."""
    filler = "Officials discussed language models, start-ups and training programmes. " * 20
    body = (
        "India and Japan held the first India-Japan AI Dialogue on Monday.\n\n"
        + filler
        + "\n\nThe second meeting of the AI Dialogue will be held next year."
    )
    result = default.classify(DocumentText("d", "", body, "en", date(2025, 6, 2)))
    ai = [i for i in result.initiatives if i.id == "in-jp.ai-dialogue"]
    assert ai and len(ai[0].evidence) == 2
    assert [c.initiative for c in result.commitments] == ["in-jp.ai-dialogue"]


def test_a_surname_that_is_also_a_given_name_counts_with_its_title(default: Classifier) -> None:
    """ "Abe" alone is a given name too; "Prime Minister Abe" is the prime minister."""
    day = date(2019, 1, 7)
    assert "jp.shinzo-abe" in _actors(
        default, "It is Prime Minister Abe's turn to visit India.", day
    )
    assert "jp.shinzo-abe" not in _actors(default, "Abe Lincoln visited India.", day)


def test_an_abbreviated_deputy_is_not_the_office_holder(default: Classifier) -> None:
    """Headlines shorten "Deputy" to "Dy": "Australia Dy PM" is not the prime minister."""
    title = "Australia Dy PM accepts Rajnath Singh's invitation to visit India"
    result = default.classify(DocumentText("d", title, "", "en", date(2025, 10, 9)))
    assert "au.anthony-albanese" not in {a.id for a in result.actors}
    result = default.classify(
        DocumentText("d", "Australia PM visits India", "", "en", date(2025, 10, 9))
    )
    assert "au.anthony-albanese" in {a.id for a in result.actors}


def test_japans_own_releases_name_the_2_plus_2_in_brackets(default: Classifier) -> None:
    body = "ジャイシャンカル外相は、茂木外相の早期の訪印と閣僚級「2+2」の実施を求めた。"
    assert "in-jp.two-plus-two" in _initiatives(default, body, date(2019, 9, 26))


def test_a_short_name_named_in_full_before_is_not_it_beside_another_government(
    default: Classifier,
) -> None:
    """The page named the India-Japan 2+2 in full; "the 2+2 ministerial dialogue" far below,
    next to the United States, is another pair's, not India-Japan's named again."""
    filler = "Officials discussed maritime security, training and logistics at length. " * 8
    body = (
        "India and Japan held the India-Japan 2+2 Ministerial Meeting in Tokyo.\n\n"
        + filler
        + "\n\nSeparately, the 2+2 ministerial dialogue with the United States met in "
        "Washington last year."
    )
    result = default.classify(DocumentText("d", "", body, "en", date(2025, 6, 2)))
    jp = next(i for i in result.initiatives if i.id == "in-jp.two-plus-two")
    assert [e.text for e in jp.evidence] == ["India-Japan 2+2"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "モディ首相と石破総理は、2008年に署名された「安全保障協力に関する共同宣言」を"
            "改定することで一致した。",
            {"in-jp.security-cooperation-declaration"},
        ),
        (
            "高市総理大臣とアルバニージー首相は、「安全保障協力に関する共同宣言」の下で"
            "協力を進めることで一致した。",
            {"jp-au.security-cooperation-declaration"},
        ),
        # the pair before the head, or without に関する
        (
            "両首脳は「安全保障協力に関する日豪共同宣言」に署名した。",
            {"jp-au.security-cooperation-declaration"},
        ),
        (
            "本日発出する日印安全保障協力共同宣言は協力の指針となる。",
            {"in-jp.security-cooperation-declaration"},
        ),
    ],
)
def test_japans_security_declarations_share_a_name_its_parties_decide(
    default: Classifier, body: str, expected: set[str]
) -> None:
    found = _initiatives(default, body, date(2025, 9, 1))
    assert {i for i in found if i.endswith("security-cooperation-declaration")} == expected


def test_japanese_reports_describe_the_2025_minerals_framework_by_what_it_secures(
    default: Classifier,
) -> None:
    """Japanese reports of 28 October 2025 named the framework by what it secures
    ("レアアースの供給確保に関する文書"); the description is the US-Japan framework's only
    beside both governments."""
    signed = (
        "日米両政府は28日、レアアース(希土類)などの供給確保に向けた文書に署名した。"
        "高市首相とトランプ大統領が迎賓館で署名式に臨んだ。"
    )
    day = date(2025, 10, 28)
    assert "jp-us.critical-minerals-framework" in _initiatives(default, signed, day)
    glossed = (
        "高市首相とトランプ大統領は、レアアース（希土類）など重要鉱物の供給網強化に向けた"
        "文書に署名した。"
    )
    assert "jp-us.critical-minerals-framework" in _initiatives(default, glossed, day)
    elsewhere = "豪州政府は、レアアースの供給確保に向けて国内の精製施設を支援すると発表した。"
    assert "jp-us.critical-minerals-framework" not in _initiatives(default, elsewhere, day)


def test_a_shared_name_on_a_page_titled_by_another_pair_is_not_a_followed_pairs(
    default: Classifier,
) -> None:
    """The title names Seoul and Washington; "the trade deal" below, next to a passing
    "Japan's rate", is their deal, not the US-Japan agreement. A sentence that names both
    parties of a followed deal still names it on such a page."""
    day = date(2025, 10, 30)
    title = "Korea, U.S. seal trade deal at summit"
    body = (
        "Officials of both capitals said the tariff rate stays at 15 percent under the trade "
        "deal, matching Japan's rate on cars."
    )
    result = default.classify(DocumentText("d", title, body, "en", day))
    assert not {i.id for i in result.initiatives} & {"jp-us.trade-investment-agreement-2025"}
    named = body + " Japan and the US had signed their own trade deal in September."
    result = default.classify(DocumentText("d", title, named, "en", day))
    assert "jp-us.trade-investment-agreement-2025" in {i.id for i in result.initiatives}


def test_a_title_that_names_a_concern_leaves_the_shared_name_to_the_pair_named_near_it(
    default: Classifier,
) -> None:
    """A country the title has in mind is no party of the page: the strategic dialogue the
    Japanese minister holds in India is still India-Japan's."""
    title = "Japanese minister to tour Asia with China in mind"
    body = (
        "Foreign Minister Motegi will visit India next week. "
        "At the Strategic Dialogue he will discuss economic security."
    )
    found = default.classify(DocumentText("d", title, body, "en", date(2026, 1, 9)))
    assert "in-jp.strategic-dialogue" in {i.id for i in found.initiatives}


def test_a_strategic_dialogue_needs_both_india_and_japan(default: Classifier) -> None:
    """ "A strategic dialogue" in Tokyo with the EU's envoy is no India-Japan dialogue."""
    body = (
        "The EU envoy met Japan's foreign minister in Tokyo on Friday and will hold a "
        "Strategic Dialogue in Seoul next."
    )
    assert "in-jp.strategic-dialogue" not in _initiatives(default, body, date(2024, 11, 1))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Korea and the US agreed on tariffs; Korean officials welcomed it.", {"KR", "US"}),
        ("The US condemned North Korea's missile launch and North Korean troops.", {"US"}),
        ("Japan and the US discussed stability on the Korean Peninsula.", {"JP", "US"}),
    ],
)
def test_korea_alone_is_the_south_and_the_north_and_the_peninsula_are_not(
    default: Classifier, body: str, expected: set[str]
) -> None:
    matches = default.matcher.scan_with_context(normalise(body), body)[0]
    codes = {p.id for m in matches for p in m.kinds.get("country", ())}
    assert codes == expected
