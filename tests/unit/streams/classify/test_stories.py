"""Story grouping: the two seed reports share a story; other India-Japan news does not."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.ids import story_id_for
from streams.classify.classifier import Classifier, DocumentText
from streams.classify.stories import StoryIndex, _cosine

T0 = datetime(2025, 12, 15, 8, 0, tzinfo=UTC)

SHINKANSEN = """Japan and India have agreed to speed up work on the Mumbai-Ahmedabad High Speed \
Rail corridor, with the first Shinkansen trainsets expected to arrive in Gujarat in 2026. Prime \
Minister Narendra Modi inspected the under-construction Surat station on Saturday, while External \
Affairs Minister S Jaishankar said the bullet train project was a symbol of the Special Strategic \
and Global Partnership between the two countries.
Japanese Foreign Minister Toshimitsu Motegi welcomed the progress and said Japanese companies \
would share signalling and maintenance technology. The National High Speed Rail Corporation said \
more than 300 km of viaduct had been completed, and JICA will provide a further yen loan tranche \
next year.
The 508-km corridor will cut travel time between Mumbai and Ahmedabad to about two hours. \
Officials said trial runs on the Surat-Bilimora section are planned for 2027."""

NAVAL = (
    "The Indian Navy and the Japan Maritime Self-Defense Force began the JIMEX naval exercise "
    "off Visakhapatnam on Monday. Defence Minister Rajnath Singh said the drills reflected the "
    "Special Strategic and Global Partnership, and External Affairs Minister S Jaishankar met "
    "Japanese Foreign Minister Toshimitsu Motegi on the sidelines of a conference in Tokyo. Two "
    "destroyers and a submarine from each side are taking part in the week-long exercise, which "
    "will conclude on Saturday. The Quad partners are expected to hold the Malabar exercise "
    "later this year."
)


@pytest.fixture(scope="module")
def docs(default: Classifier, seeds: dict[str, str]) -> dict[str, tuple[str, set[str]]]:
    """name -> (text, labels) as the pipeline passes them."""
    texts = {name[:3]: text for name, text in seeds.items()}
    texts |= {"rail": SHINKANSEN, "naval": NAVAL}
    out = {}
    for name, text in texts.items():
        result = default.classify(DocumentText(name, "", text, "en", date(2025, 12, 15)))
        labels = {lab.id for lab in result.initiatives} | {lab.id for lab in result.actors}
        out[name] = (text, labels)
    return out


Docs = dict[str, tuple[str, set[str]]]


def _assign(index: StoryIndex, docs: Docs, name: str, hours: float) -> str:
    text, labels = docs[name]
    return index.assign(name, T0 + timedelta(hours=hours), text, labels)


@pytest.mark.parametrize("order", [("000", "001"), ("001", "000")])
def test_the_two_seed_reports_share_a_story(
    docs: dict[str, tuple[str, set[str]]], order: tuple[str, str]
) -> None:
    index = StoryIndex()
    first = _assign(index, docs, order[0], 0)
    assert first == story_id_for(order[0])
    assert _assign(index, docs, order[1], 5) == first


def test_other_india_japan_news_naming_the_same_ministers_is_another_story(
    docs: dict[str, tuple[str, set[str]]],
) -> None:
    index = StoryIndex()
    seed_story = _assign(index, docs, "000", 0)
    assert _assign(index, docs, "001", 1) == seed_story
    assert _assign(index, docs, "rail", 2) == story_id_for("rail")
    assert _assign(index, docs, "naval", 3) == story_id_for("naval")


def test_a_known_document_keeps_its_story(docs: dict[str, tuple[str, set[str]]]) -> None:
    index = StoryIndex()
    story = _assign(index, docs, "000", 0)
    _assign(index, docs, "rail", 1)
    assert index.assign("000", T0 + timedelta(hours=2), "changed text", set()) == story
    assert index.assign("rail", T0, docs["000"][0], docs["000"][1]) == story_id_for("rail")
    assert len(index) == 2


def test_reports_outside_the_window_found_a_new_story(
    docs: dict[str, tuple[str, set[str]]],
) -> None:
    index = StoryIndex(window=timedelta(days=3), retention=timedelta(days=10), keep_at_least=0)
    _assign(index, docs, "000", 0)
    assert _assign(index, docs, "001", 24 * 4) == story_id_for("001")
    assert len(index) == 2  # outside the window, still retained for late arrivals
    _assign(index, docs, "rail", 24 * 12)
    assert len(index) == 2  # "000" is past the retention and was evicted


def test_a_late_report_of_an_old_event_still_joins_its_story(
    docs: dict[str, tuple[str, set[str]]],
) -> None:
    """Backfills arrive out of publication order: retention outlasts the window."""
    index = StoryIndex(window=timedelta(days=3))
    story = _assign(index, docs, "000", 0)
    _assign(index, docs, "rail", 24 * 30)  # a much newer document arrives in between
    assert _assign(index, docs, "001", 2) == story


def test_a_syndicated_copy_joins_even_without_labels(
    docs: dict[str, tuple[str, set[str]]],
) -> None:
    index = StoryIndex()
    story = _assign(index, docs, "rail", 0)
    text = docs["rail"][0]
    copy = "(Reuters) " + text.replace("Saturday", "Sunday") + " Reporting by A. Writer."
    assert index.assign("copy", T0 + timedelta(hours=1), copy, set()) == story


def test_memory_is_bounded(docs: dict[str, tuple[str, set[str]]]) -> None:
    index = StoryIndex(max_documents=3)
    for i in range(10):
        text, labels = docs["rail"]
        index.assign(f"d{i}", T0 + timedelta(minutes=i), f"{text} item {i}", labels)
    assert len(index) == 3
    assert len(index.snapshot()["documents"]) == 3


def test_snapshot_restores_as_plain_json(docs: dict[str, tuple[str, set[str]]]) -> None:
    index = StoryIndex()
    story = _assign(index, docs, "000", 0)
    _assign(index, docs, "rail", 1)
    state = json.loads(json.dumps(index.snapshot()))
    restored = StoryIndex()
    restored.restore(state)
    assert restored.snapshot() == index.snapshot()
    assert _assign(restored, docs, "001", 2) == story
    assert _assign(restored, docs, "naval", 3) == story_id_for("naval")
    with pytest.raises(ValueError, match="snapshot version"):
        restored.restore({"version": 99})


def test_naive_datetimes_are_taken_as_utc(docs: dict[str, tuple[str, set[str]]]) -> None:
    index = StoryIndex()
    text, labels = docs["000"]
    story = index.assign("000", T0.replace(tzinfo=None), text, labels)
    text, labels = docs["001"]
    assert index.assign("001", T0 + timedelta(hours=1), text, labels) == story


# --- reports of one event across outlets and languages, and events kept apart ---------

MEETING_EN = (
    "TOKYO, March 3 (Wire) - Japanese Foreign Minister Takeshi Iwaya hosted External Affairs "
    "Minister S. Jaishankar, Australian Foreign Minister Penny Wong and Secretary of State "
    "Marco Rubio for a Quad foreign ministers' meeting in Tokyo on Monday. The four ministers "
    "issued a joint statement on maritime security."
)
MEETING_OTHER_OUTLET = (
    "Foreign ministers of the Quad gathered in the Japanese capital on Monday. Iwaya, "
    "Jaishankar, Wong and Rubio discussed critical minerals, undersea cables and disaster "
    "relief, officials said after the talks."
)
MEETING_JA = (
    "岩屋毅外相は3日、東京でクアッド外相会合を開き、ジャイシャンカル外相、ウォン外相、"
    "ルビオ国務長官と海洋安全保障で連携することを確認した。"
)
ANNOUNCEMENT = (
    "External Affairs Minister S. Jaishankar will travel to Tokyo to attend the Quad foreign "
    "ministers' meeting hosted by Takeshi Iwaya on Monday with Penny Wong and Marco Rubio, "
    "the ministry said."
)
COURTESY = (
    "The Quad foreign ministers, Jaishankar, Wong and Rubio, jointly called on Prime "
    "Minister Shigeru Ishiba on Monday afternoon together with Foreign Minister Takeshi Iwaya."
)
MONDAY = date(2025, 3, 3)


def _report(classifier: Classifier, name: str, body: str, published: date | None) -> tuple:
    from streams.classify.report_features import report_features

    result = classifier.classify(
        DocumentText(name, "", body, "ja" if name.endswith("ja") else "en", published),
        today=date(2025, 3, 10),
    )
    assert result.relevant, name
    return report_features("", body, "ja" if name.endswith("ja") else "en", result), published


def _story(
    index: StoryIndex, classifier: Classifier, name: str, body: str, day: date | None
) -> str:
    features, published = _report(classifier, name, body, day)
    when = datetime.combine(published or date(2025, 3, 10), datetime.min.time(), UTC)
    return index.assign_features(name, when, features)


def test_reports_of_one_meeting_share_a_story_across_outlets_and_languages(
    default: Classifier,
) -> None:
    index = StoryIndex()
    story = _story(index, default, "en", MEETING_EN, MONDAY)
    assert _story(index, default, "other", MEETING_OTHER_OUTLET, date(2025, 3, 4)) == story
    assert _story(index, default, "report-ja", MEETING_JA, MONDAY) == story


def test_the_announcement_and_the_courtesy_call_are_other_events(default: Classifier) -> None:
    index = StoryIndex()
    story = _story(index, default, "en", MEETING_EN, MONDAY)
    assert _story(index, default, "announce", ANNOUNCEMENT, date(2025, 2, 28)) != story
    assert _story(index, default, "courtesy", COURTESY, MONDAY) != story


def test_previews_of_one_day_are_one_story_only_when_published_together(
    default: Classifier,
) -> None:
    """The announcement of a meeting a week ahead and the eve's preview name the same day,
    but are two events; two outlets' announcements the same week are one."""
    index = StoryIndex()
    dated = ANNOUNCEMENT.replace("on Monday", "on March 3")
    ahead = _story(index, default, "announce", dated, date(2025, 2, 21))
    other = dated.replace("the ministry said", "officials told reporters")
    assert _story(index, default, "announce-2", other, date(2025, 2, 22)) == ahead
    eve = dated.replace("the ministry said", "the ministry said on the eve")
    assert _story(index, default, "eve", eve, date(2025, 3, 2)) != ahead


def test_an_undated_report_joins_by_its_labels_and_ages_nobody(default: Classifier) -> None:
    index = StoryIndex(retention=timedelta(days=30))
    story = _story(index, default, "en", MEETING_EN, MONDAY)
    assert _story(index, default, "undated-ja", MEETING_JA, None) == story
    assert len(index) == 2  # its observation time (long after) evicted nothing


def test_two_rounds_of_one_dialogue_are_two_stories(default: Classifier) -> None:
    round13 = (
        "External Affairs Minister S. Jaishankar and Defence Minister Rajnath Singh held the "
        "2nd India-Japan 2+2 Ministerial Dialogue in Tokyo with their Japanese counterparts."
    )
    round15 = round13.replace("2nd", "3rd")
    index = StoryIndex()
    first = _story(index, default, "r13", round13, None)
    assert _story(index, default, "r15", round15, None) != first


def test_numbers_in_a_profile_are_terms_of_their_own() -> None:
    """Years weigh less than other numbers; an ordinal is a number; a digit the regex
    engine takes for one (Arabic-Indic) is one; a superscript is no number and too short
    to be a word."""
    from streams.classify.stories import NUMBER_WEIGHT, YEAR_WEIGHT, _profile

    terms = _profile(["2026", "3rd", "\u00b2", "\u0663", "talks", "talks", "the"], ["i:x"])
    assert terms["n:2026"] == YEAR_WEIGHT
    assert terms["n:3rd"] == NUMBER_WEIGHT
    assert terms["n:\u0663"] == NUMBER_WEIGHT
    assert not any("\u00b2" in term for term in terms)
    assert terms["w:talk"] > 1.0  # counted twice, stemmed
    assert "w:the" not in terms
    assert terms["l:i:x"] > 1.0


def test_shingle_hashes_keep_their_stored_form() -> None:
    """Stored story members carry sketches: a shingle's hash must stay the top 63 bits of
    its 8-byte BLAKE2b digest, however it is computed, or restarted indexes stop matching."""
    import hashlib

    from streams.classify.stories import _hash

    for shingle in ("india japan ai dialogue", "日印 印対 対話", "", "2026 3rd round"):
        digest = hashlib.blake2b(shingle.encode(), digest_size=8).digest()
        assert _hash(shingle) == int.from_bytes(digest, "big") >> 1
    assert _hash("a b c d") == _hash("a b c d")  # the shared empty state is never changed


@given(
    st.lists(st.sampled_from(["india", "japan", "日印", "対話", "2026", "é", "a", ""]), max_size=90)
)
def test_a_sketch_is_the_smallest_hashes_of_the_distinct_shingles(tokens: list[str]) -> None:
    """However the sketch is computed (bytes compared before they become integers), it is
    the SKETCH_SIZE smallest ``_hash`` values of the distinct four-token shingles."""
    from streams.classify.stories import SHINGLE_WORDS, SKETCH_SIZE, _hash, _sketch

    shingles = {" ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens))}
    assert _sketch(tokens) == sorted({_hash(s) for s in shingles})[:SKETCH_SIZE]


@given(
    st.dictionaries(st.sampled_from([f"w:{i}" for i in range(40)]), st.floats(0.01, 9.0)),
    st.dictionaries(st.sampled_from([f"w:{i}" for i in range(40)]), st.floats(0.01, 9.0)),
)
def test_the_cosine_is_the_exact_sum_over_the_shared_terms(
    a: dict[str, float], b: dict[str, float]
) -> None:
    """The shared terms are found from the smaller profile: the value is the plain one's."""
    norm_a = math.sqrt(sum(w * w for w in a.values()))
    norm_b = math.sqrt(sum(w * w for w in b.values()))
    dot = math.fsum(a[t] * b[t] for t in a.keys() & b.keys())
    plain = dot / (norm_a * norm_b) if norm_a and norm_b else 0.0
    assert _cosine(a, b, norm_a, norm_b) == plain
    assert _cosine(b, a, norm_b, norm_a) == plain


def test_a_short_wire_in_another_language_joins_the_long_report(default: Classifier) -> None:
    """A Japanese wire naming the two ministers and the new dialogue joins the English
    report of their meeting that names a dozen labels more: across languages, most of the
    shorter report's labels found in the other count (no wording can be compared)."""
    long_en = (
        "External Affairs Minister S. Jaishankar and Japanese Foreign Minister Toshimitsu "
        "Motegi held the India-Japan Strategic Dialogue in New Delhi. They launched the "
        "India-Japan AI Dialogue, agreed to convene the Joint Working Group on Critical "
        "Minerals under the Economic Security Initiative, and said the India-Japan Economic "
        "Security Dialogue would meet again. Prime Minister Narendra Modi received Motegi, "
        "and both sides praised the Special Strategic and Global Partnership, the Quad, the "
        "Free and Open Indo-Pacific and the Mumbai-Ahmedabad High Speed Rail project."
    )
    short_ja = (
        "茂木敏充外相は16日、ニューデリーでジャイシャンカル外相と会談し、"
        "日印AI戦略対話の創設で合意した。"
    )
    friday = date(2026, 1, 16)
    index = StoryIndex()
    story = _story(index, default, "long-en", long_en, friday)
    assert _story(index, default, "wire-ja", short_ja, friday) == story
    # a source that declares its pages English carries a Japanese one: its wording is
    # Japanese all the same, and it joins as the other language's report
    from streams.classify.report_features import report_features

    declared = default.classify(DocumentText("mislabelled", "", short_ja, "en", friday))
    features = report_features("", short_ja, "en", declared)
    assert features.language == "ja"
    when = datetime.combine(friday, datetime.min.time(), UTC)
    other = StoryIndex()
    assert _story(other, default, "long-en", long_en, friday) == story
    assert other.assign_features("mislabelled", when, features) == story


def test_a_dateline_in_a_guessed_year_tells_the_story_gates_nothing(default: Classifier) -> None:
    """ "【ニューデリー共同】…16日" in a page nothing else dates: Motegi has been foreign
    minister in more than one year, so the year is a guess, and the report must not be
    kept from its story by it: its features carry no day and no publication time."""
    from streams.classify.report_features import report_features

    body = "【ニューデリー共同】茂木敏充外相は16日、ジャイシャンカル外相と会談した。"
    result = default.classify(DocumentText("d", "", body, "ja"), today=date(2026, 12, 4))
    assert result.date_source == "text" and result.year_guessed
    features = report_features("", body, "ja", result)
    assert (features.day, features.dated) == (None, False)
    dated = default.classify(DocumentText("d", "", body, "ja", date(2026, 1, 16)))
    assert not dated.year_guessed
    assert report_features("", body, "ja", dated).day == "2026-01-16"


def test_two_reports_of_the_same_ministers_talks_that_day_share_a_story(
    default: Classifier,
) -> None:
    """Two reports of one meeting of the same two ministers on the same named day, each
    naming other outcomes (a working group and the Quad; a dialogue and the Indo-Pacific),
    are one event; a phone call of the two the same day is not that meeting."""
    minerals = (
        "茂木敏充外相は16日、ニューデリーでジャイシャンカル外相と会談し、重要鉱物に関する"
        "合同作業部会を早期に開くことで一致した。クアッドでの連携強化も確認した。"
    )
    dialogue = (
        "日本の茂木外相とインドのジャイシャンカル外相は16日に会い、日印経済安全保障対話の"
        "次回会合を急ぐ方針を申し合わせた。自由で開かれたインド太平洋の実現へ協力する。"
    )
    call = "茂木敏充外相は16日、ジャイシャンカル外相と電話会談し、中東情勢について意見を交わした。"
    friday = date(2026, 1, 16)
    index = StoryIndex()
    story = _story(index, default, "minerals-ja", minerals, friday)
    assert _story(index, default, "dialogue-ja", dialogue, friday) == story
    assert _story(index, default, "call-ja", call, friday) != story
    later = StoryIndex()  # the same two reports naming other days are two events
    first = _story(later, default, "minerals-ja", minerals, friday)
    other_day = dialogue.replace("16日", "18日")
    assert _story(later, default, "dialogue-ja", other_day, date(2026, 1, 18)) != first


def test_an_arrival_is_its_days_news_not_the_next_days_talks(default: Classifier) -> None:
    """Two reports of the minister's arrival on Wednesday are one story; the dialogue she
    co-chaired on Thursday, reported as her visit, is another."""
    arrived = (
        "Australian Foreign Minister Penny Wong arrived in New Delhi on Wednesday to co-chair "
        "the 16th India-Australia Foreign Ministers' Framework Dialogue with External Affairs "
        "Minister S. Jaishankar."
    )
    arrived_again = (
        "Foreign Minister Penny Wong arrived in the Indian capital on Wednesday for the 16th "
        "India-Australia Foreign Ministers' Framework Dialogue with S. Jaishankar, her 26th "
        "meeting with him."
    )
    visited = (
        "Foreign Minister Penny Wong paid an official visit to India on Thursday. During the "
        "visit, S. Jaishankar and Wong co-chaired the 16th India-Australia Foreign Ministers' "
        "Framework Dialogue in New Delhi."
    )
    wednesday, thursday = date(2025, 11, 19), date(2025, 11, 20)
    index = StoryIndex()
    arrival = _story(index, default, "arrived", arrived, wednesday)
    assert _story(index, default, "arrived-again", arrived_again, wednesday) == arrival
    assert _story(index, default, "visited", visited, thursday) != arrival


@pytest.mark.parametrize("institution", ["", "外務省が発表した。"], ids=["people", "and-ministry"])
def test_two_reports_of_the_same_two_ministers_that_day_are_one_meeting(
    default: Classifier, institution: str
) -> None:
    """A wire on the two foreign ministers' talks and the ministry's account of their
    strategic dialogue name the same two ministers (who meet often, so weigh little), the
    same day, and no initiative in common: one meeting all the same, also where one names
    the ministry that announced it (an institution is no third person at the meeting)."""
    index = StoryIndex()
    for k in range(8):  # earlier calls of the two: their names (and the ministry's) are
        day = date(2025, 10, 1 + 2 * k)  # common in the index
        call = (
            f"外務省によると、茂木敏充外相は{day.day}日、"
            "東京でジャイシャンカル外相と電話会談を行った。"
        )
        _story(index, default, f"call-{k}-ja", call, day)
    talks = (
        "茂木敏充外相は16日、ニューデリーでジャイシャンカル外相と会談し、日米豪印の連携を確認した。"
    )
    dialogue = (
        "日印両政府は16日夕、第18回外相間戦略対話を開いた。茂木敏充外務大臣とジャイシャンカル"
        "・インド外相が出席し、自由で開かれたインド太平洋に向け経済安全保障対話とAI対話を進め、"
        "高速鉄道計画でも協力することで合意した。" + institution
    )
    friday = date(2026, 1, 16)
    story = _story(index, default, "talks-ja", talks, friday)
    assert _story(index, default, "dialogue-ja", dialogue, friday) == story


def test_undated_reports_of_signing_one_instrument_are_one_event(default: Classifier) -> None:
    """Neither report tells a day; both tell of signing the same framework: an instrument
    is signed once, so the signing stands for the day they do not give."""
    index = StoryIndex()
    for k in range(6):  # earlier calls of the two leaders: their names weigh little
        day = date(2025, 9, 1 + 3 * k)
        call = f"Prime Minister Sanae Takaichi called President Donald Trump on Sept. {day.day}."
        _story(index, default, f"call-{k}", call, day)
    signed = (
        "Prime Minister Sanae Takaichi and President Donald Trump signed the US-Japan critical "
        "minerals framework in Tokyo, the White House said."
    )
    welcomed = (
        "ベセント米財務長官は、日米両政府が署名した重要鉱物とレアアースの枠組みについて、"
        "採掘への投資を支援すると述べた。高市首相も歓迎した。"
    )
    story = _story(index, default, "signed-en", signed, None)
    assert _story(index, default, "welcomed-ja", welcomed, None) == story


def test_another_governments_leader_met_counts_as_the_events_label(default: Classifier) -> None:
    """Reports of a summit with a leader the taxonomy only knows as context: both name him
    and our prime minister that day, in words that share little. The leader is a label of
    the event (two shared people), not of the classification."""
    saturday = date(2025, 8, 23)
    a = (
        "Prime Minister Shigeru Ishiba and South Korean President Lee Jae-myung vowed on "
        "Saturday in Tokyo to promote forward-looking relations. The visit was the first by "
        "a Korean leader in a year. Officials described the mood as warm and businesslike. "
        "Both delegations reviewed student exchanges, fisheries quotas and a joint hydrogen "
        "research programme, according to a briefing paper circulated to journalists."
    )
    b = (
        "Seoul's presidential office said Lee Jae-myung and Shigeru Ishiba compared tariff "
        "strategies over dinner on Saturday, before his flight to Washington. Aides said "
        "semiconductor export controls, shipbuilding orders and the won's weakness came up. "
        "Opposition lawmakers in Seoul criticised the timing of the trip, citing pending "
        "budget votes and a looming strike by railway unions."
    )
    result = default.classify(DocumentText("a", "", a, "en", saturday))
    assert [label.id for label in result.actors] == ["jp.shigeru-ishiba"]
    assert result.counterparts == ("kr.lee-jae-myung",)
    index = StoryIndex()
    assert _story(index, default, "a", a, saturday) == _story(index, default, "b", b, saturday)


def test_two_meetings_of_other_pairs_on_one_day_are_two_stories(default: Classifier) -> None:
    """One prime minister's talks with two leaders on one day of a summit, written from
    one ministry's template: much the same words, two pairs of governments."""
    day = date(2025, 10, 26)
    template = (
        "On October 26, Japan and {country} held a summit meeting in Kuala Lumpur, where Prime "
        "Minister Sanae Takaichi met {who} on the margins of the ASEAN-related summit "
        "meetings. The two leaders confirmed close cooperation toward a free and open "
        "Indo-Pacific and agreed to strengthen security and economic cooperation."
    )
    index = StoryIndex()
    australia = template.format(country="Australia", who="Prime Minister Anthony Albanese")
    philippines = template.format(country="the Philippines", who="President Marcos")
    first = _story(index, default, "au", australia, day)
    assert _story(index, default, "ph", philippines, day) != first
    # the same pair's second report joins
    assert _story(index, default, "au-2", australia.replace("close", "closer"), day) == first


RIO = date(2024, 11, 19)
ON_THE_SIDELINES = (
    "Prime Minister Narendra Modi and Prime Minister Anthony Albanese of Australia held the "
    "second India-Australia Annual Summit on the sidelines of the G20 Summit in Rio de "
    "Janeiro on 19 November 2024. The leaders reviewed the Comprehensive Strategic "
    "Partnership and welcomed the Renewable Energy Partnership."
)
IN_RIO = (
    "Prime Minister Narendra Modi met Australian Prime Minister Anthony Albanese in Rio de "
    "Janeiro on Tuesday and launched the India-Australia Renewable Energy Partnership, "
    "reviewing the Comprehensive Strategic Partnership at their annual summit."
)
AHEAD_OF_THE_DIALOGUE = (
    "External Affairs Minister S Jaishankar met Japanese Foreign Minister Toshimitsu Motegi "
    "ahead of the India-Japan 2+2 Ministerial Dialogue in Tokyo on Monday."
)
THE_DIALOGUE = (
    "India and Japan held the 2+2 Ministerial Dialogue in Tokyo on Monday, with External "
    "Affairs Minister S Jaishankar and Foreign Minister Toshimitsu Motegi reviewing the "
    "Special Strategic and Global Partnership."
)


@pytest.mark.parametrize(
    ("aside", "other", "day", "one_meeting"),
    [
        # a statement says where the two leaders met, a report what they did there
        (ON_THE_SIDELINES, IN_RIO, RIO, True),
        # a "meeting" of the same two (a 2+2, a dialogue) may be the main event itself
        (AHEAD_OF_THE_DIALOGUE, THE_DIALOGUE, MONDAY, False),
    ],
    ids=["talks-of-the-pair", "the-pairs-dialogue"],
)
def test_a_meeting_on_the_sidelines_and_another_report_of_the_same_two_governments(
    default: Classifier, aside: str, other: str, day: date, one_meeting: bool
) -> None:
    index = StoryIndex()
    story = _story(index, default, "aside", aside, day)
    assert (_story(index, default, "other", other, day) == story) is one_meeting


def test_a_meeting_on_the_sidelines_is_not_the_main_event_or_another_pairs(
    default: Classifier,
) -> None:
    main_event = (
        "Prime Minister Narendra Modi, Prime Minister Anthony Albanese, Prime Minister Fumio "
        "Kishida and President Joe Biden held the Quad Leaders' Summit in Tokyo on Tuesday."
    )
    aside = (
        "Prime Minister Narendra Modi met Prime Minister Anthony Albanese of Australia on the "
        "sidelines of the Quad Leaders' Summit in Tokyo on Tuesday."
    )
    other_pair = (
        "Prime Minister Narendra Modi met Prime Minister Fumio Kishida of Japan in Tokyo on "
        "Tuesday and launched the India-Japan Digital Partnership."
    )
    tuesday = date(2022, 5, 24)
    index = StoryIndex()
    aside_story = _story(index, default, "aside", aside, tuesday)
    assert _story(index, default, "main", main_event, tuesday) != aside_story
    assert _story(index, default, "other-pair", other_pair, tuesday) != aside_story
