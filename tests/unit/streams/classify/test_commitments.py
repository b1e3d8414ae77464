"""Commitments: dated undertakings linked to the initiative in the same sentence."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.classification import Commitment
from streams.classify.classifier import Classifier, DocumentText
from streams.classify.commitments import Anchor, extract_commitments

DAY = date(2025, 12, 15)


def _commitments(classifier: Classifier, body: str, day: date = DAY) -> tuple[Commitment, ...]:
    result = classifier.classify(DocumentText("d1", "", body, "en", day))
    for commitment in result.commitments:
        assert commitment.due_from <= commitment.due_to
        for ev in commitment.evidence:
            assert body[ev.start : ev.end] == ev.text
    return result.commitments


def _seed(seeds: dict[str, str], prefix: str) -> str:
    return next(text for name, text in seeds.items() if name.startswith(prefix))


def test_seed_000_jwg_early_2026_and_economic_security_dialogue_first_half(
    default: Classifier, seeds: dict[str, str]
) -> None:
    found = {c.initiative: c for c in _commitments(default, _seed(seeds, "000"))}
    jwg = found["in-jp.critical-minerals-jwg"]
    assert (jwg.due_from, jwg.due_to, jwg.due_text) == (
        date(2026, 1, 1),
        date(2026, 4, 30),
        "early 2026",
    )
    assert jwg.action.startswith("Second, they decided to convene a Joint Working Group")
    assert jwg.evidence[0].text == "early 2026"
    assert jwg.evidence[1].text.endswith("Critical Minerals in early 2026.")
    esd = found["in-jp.economic-security-dialogue"]
    assert (esd.due_from, esd.due_to) == (date(2026, 1, 1), date(2026, 6, 30))
    assert esd.due_text == "first half of 2026"
    assert len(found) == 2


def test_seed_001_economic_security_dialogue(default: Classifier, seeds: dict[str, str]) -> None:
    commitments = _commitments(default, _seed(seeds, "001"))
    assert [(c.initiative, c.due_from, c.due_to) for c in commitments] == [
        ("in-jp.economic-security-dialogue", date(2026, 1, 1), date(2026, 6, 30))
    ]


def test_seed_commitments_with_the_small_taxonomy(small: Classifier, seeds: dict[str, str]) -> None:
    found = {c.initiative: c for c in _commitments(small, _seed(seeds, "000"))}
    assert found["in-jp.critical-minerals-jwg"].due_to == date(2026, 4, 30)


def test_past_windows_and_sentences_without_a_cue_or_anchor_are_not_commitments(
    small: Classifier,
) -> None:
    body = (
        "India and Japan held the FOIP talks in early 2025. "
        "India and Japan met in March 2026 to discuss FOIP. "
        "Prices will ease by March. "
        "Japan will host the Quad summit in the first half of 2026."
    )
    assert [(c.initiative, c.due_text) for c in _commitments(small, body)] == [
        ("quad", "first half of 2026")
    ]


def test_a_commitment_links_to_the_nearest_initiative_else_its_paragraphs(
    small: Classifier,
) -> None:
    body = (
        "Japan backs FOIP, and the Quad summit will be held in Tokyo by March. "
        "Japanese officials said Motegi will visit India next month.\n\n"
        "Separately, India said its foreign secretary would travel to Japan in June."
    )
    found = [(c.initiative, c.due_text) for c in _commitments(small, body)]
    # the last names no initiative and its paragraph none, and no initiative dominates
    assert found == [("quad", "by March"), ("quad", "next month"), (None, "June")]


def test_japanese_commitment(small: Classifier) -> None:
    body = "日本とインドは2026年前半に日印AI対話を開催する予定だ。"
    commitments = _commitments(small, body)
    assert [(c.initiative, c.due_from, c.due_to) for c in commitments] == [
        ("in-jp.ai-dialogue", date(2026, 1, 1), date(2026, 6, 30))
    ]


def test_long_sentences_give_a_short_action() -> None:
    body = (
        "In a wide-ranging meeting that covered trade, investment, technology, defence, "
        "culture, sport, tourism, education, health, energy and a long list of other "
        "subjects of mutual interest, the two sides decided to convene the Joint Working "
        "Group on Critical Minerals in early 2026 in New Delhi, officials said on Monday."
    )
    start = body.index("Joint Working")
    anchors = [Anchor(start, start + 40, "jwg")]
    (commitment,) = extract_commitments(body, DAY, anchors)
    assert len(commitment.action) <= 161
    assert "decided to convene" in commitment.action
    assert commitment.initiative == "jwg"
    assert commitment.evidence[1].text == body


def test_the_same_commitment_twice_merges_evidence(small: Classifier) -> None:
    body = "The Quad summit will be held in early 2026. The Quad summit will meet in early 2026."
    (commitment,) = _commitments(small, body)
    assert len(commitment.evidence) == 4


def test_the_government_anchors_a_sentence_that_names_no_label(small: Classifier) -> None:
    body = (
        "Toshimitsu Motegi spoke about supply chains in Tokyo.\n\n"
        "The government will put the new rules into force from fiscal 2027."
    )
    found = [(c.initiative, c.due_text, c.due_from, c.due_to) for c in _commitments(small, body)]
    assert found == [(None, "fiscal 2027", date(2027, 4, 1), date(2028, 3, 31))]
    japanese = (
        "茂木敏充外相は経済安全保障について記者会見に臨んだ。\n\n"
        "政府は来年度に新たな制度を導入する方針だ。"
    )
    assert [c.due_text for c in _commitments(small, japanese)] == ["来年度"]


def test_a_sentence_without_a_date_borrows_the_day_it_refers_back_to(small: Classifier) -> None:
    body = (
        "Quad summit leaders open their meeting in Tokyo on December 16. "
        "On the same day, Motegi will also hold talks with Rubio."
    )
    (commitment,) = _commitments(small, body)
    assert (commitment.due_text, commitment.due_from, commitment.due_to) == (
        "the same day",
        date(2025, 12, 16),
        date(2025, 12, 16),
    )
    assert commitment.action.startswith("On the same day, Motegi will also hold talks")


def test_an_act_during_a_dated_visit_is_a_commitment_of_its_own(small: Classifier) -> None:
    body = (
        "Jaishankar will visit Japan from 12 to 14 February 2026. "
        "During the visit, he will co-chair the India-Japan AI Dialogue with Motegi."
    )
    found = [(c.initiative, c.due_text, c.due_from, c.due_to) for c in _commitments(small, body)]
    window = (date(2026, 2, 12), date(2026, 2, 14))
    assert found == [
        ("in-jp.ai-dialogue", "12 to 14 February 2026", *window),  # the one it is about
        ("in-jp.ai-dialogue", "During the visit", *window),
    ]


def test_a_word_that_merely_contains_government_is_no_anchor(small: Classifier) -> None:
    body = (
        "Toshimitsu Motegi spoke about supply chains in Tokyo.\n\n"
        "An intergovernmental panel will publish its report next month."
    )
    assert _commitments(small, body) == ()


def test_a_named_day_of_a_past_act_is_no_due_date_though_the_sentence_promises(
    default: Classifier,
) -> None:
    thursday = date(2026, 11, 12)
    past = [
        "India and Japan on Thursday launched the India-Japan Digital Partnership Fund, a pool "
        "that will finance start-ups in both countries.",
        "Jaishankar and Motegi opened on Thursday a dialogue office that will serve the "
        "India-Japan Digital Partnership.",
        "The India-Japan Digital Partnership charter was signed on Thursday and will guide "
        "projects.",
        # the day of a statement, not of what it announces
        "Motegi told reporters on Thursday the India-Japan Digital Partnership will grow.",
    ]
    for body in past:
        assert _commitments(default, body, thursday) == (), body
    said = (
        "The ministry's spokesperson said on Thursday that the India-Japan Digital "
        "Partnership council will meet in December."
    )
    assert [c.due_text for c in _commitments(default, said, thursday)] == ["December"]
    planned = (
        "The India-Japan Digital Partnership charter will be signed on Monday by Jaishankar "
        "and Motegi."
    )
    [commitment] = _commitments(default, planned, thursday)
    assert (commitment.due_text, commitment.due_from) == ("Monday", date(2026, 11, 16))
    # a date in brackets spelling out the named day is that day's: the past act's, or the plan's
    spelled = (
        "Jaishankar and Motegi on Thursday (November 12) signed the India-Japan Digital "
        "Partnership charter, which officials hope will double joint projects within three "
        "years."
    )
    assert [c.due_text for c in _commitments(default, spelled, thursday)] == ["within three years"]
    spelled_plan = planned.replace("on Monday", "on Monday (November 16)")
    assert {c.due_from for c in _commitments(default, spelled_plan, thursday)} == {
        date(2026, 11, 16)
    }


def test_an_undated_page_keeps_a_plan_whose_written_year_has_passed(small: Classifier) -> None:
    """Without a publication date, "the first half of 2026" read in December 2026 was a
    plan when the page was written: it counts (and shows as overdue until met), and so does
    a deadline with its year ("by 2025"), whose window is then the year itself (from the
    unknown day it cannot run). A window relative to the unknown day ("next month") does
    not."""
    body = (
        "Japan will host the Quad summit in the first half of 2026. "
        "The Quad will meet again next month. "
        "Japan said FOIP projects will be finished by 2025."
    )
    result = small.classify(DocumentText("d1", "", body, "en"), today=date(2026, 12, 4))
    assert result.date_source == "observed"
    assert [(c.initiative, c.due_from, c.due_to) for c in result.commitments] == [
        ("quad", date(2026, 1, 1), date(2026, 6, 30)),
        ("foip", date(2025, 1, 1), date(2025, 12, 31)),
    ]
    dated = _commitments(small, body, date(2026, 12, 4))  # published that day: H1 is past
    assert [c.due_text for c in dated] == ["next month"]
    # the year of something done is no plan of the page
    done = "Under the FOIP plan announced in 2023, Japan will host the Quad summit in 2025."
    result = small.classify(DocumentText("d2", "", done, "en"), today=date(2026, 12, 4))
    assert [c.due_text for c in result.commitments] == ["2025"]


def test_a_plans_participle_before_a_date_is_no_past_act(default: Classifier) -> None:
    body = (
        "India and the EU are accelerating efforts to conclude the India-EU FTA, with two "
        "negotiation rounds {} in the coming month."
    )
    day = date(2026, 9, 4)
    slated = _commitments(default, body.format("slated"), day)
    assert [c.due_text for c in slated] == ["coming month"]
    assert not _commitments(default, body.format("held").replace("coming", "past"), day)


def test_a_date_goes_to_the_initiative_convened_not_to_its_frame(default: Classifier) -> None:
    """ "convene X under Y in early 2026": the date is X's; an initiative after "under"
    with none before it keeps the date ("projects under Y before the end of the year")."""
    body = (
        "India and Japan decided to convene the Joint Working Group on Critical Minerals "
        "under their economic security initiative in early 2026.\n\n"
        "Japan and Australia said the Quad would announce the first projects under the "
        "Quad Ports of the Future Partnership before the end of the year."
    )
    found = [(c.initiative, c.due_text) for c in _commitments(default, body)]
    assert found == [
        ("in-jp.critical-minerals-jwg", "early 2026"),
        ("quad.ports-of-the-future", "before the end of the year"),
    ]


def test_a_photo_captions_date_is_no_due_date(default: Classifier) -> None:
    """A Japanese caption ends "＝date, place" and may run into the next sentence."""
    body = (
        "会談を前に握手する岸田首相＝8月、首相官邸岸田首相は、9月30日に訪米し、"
        "日米豪印の首脳会合に出席する予定だ。"
    )
    found = [c.due_text for c in _commitments(default, body, date(2025, 9, 18))]
    assert found == ["9月30日"]


def test_a_date_in_an_aside_about_earlier_things_is_not_the_promise(
    default: Classifier,
) -> None:
    """The date of an aside on what came before, ahead of the cue, dates that; a date the
    cue's clause holds, or a leading "By 2027," still counts. (Undated pages: there a
    date with a year counts even when it has passed, since the page may be old.)"""
    aside = (
        "The India-Japan AI Dialogue, drawing on earlier pledges made during the leaders' "
        "meeting in March 2025, aims to support start-ups in both countries."
    )
    undated = default.classify(DocumentText("d1", "", aside, "en", None), today=DAY)
    assert undated.relevant and undated.commitments == ()
    kept = (
        "The India-Japan AI Dialogue, drawing on earlier pledges, aims to hold its first "
        "meeting in March 2026."
    )
    assert [c.due_text for c in _commitments(default, kept)] == ["March 2026"]
    leading = "By 2027, the India-Japan AI Dialogue aims to support start-ups in both countries."
    assert [c.due_text for c in _commitments(default, leading)] == ["By 2027"]


def test_a_named_day_ending_a_clause_about_a_past_act_is_not_the_promise(
    default: Classifier,
) -> None:
    """The day of an act told in the past in its own clause dates that act, though the
    sentence plans something else; a day in the clause of the plan still counts."""
    tuesday = date(2025, 12, 16)
    past = (
        "The India-Japan AI Dialogue is scheduled to hold its first meeting on Jan. 20, as "
        "both governments exchanged the notes that set it up on Tuesday."
    )
    assert [c.due_text for c in _commitments(default, past, tuesday)] == ["Jan. 20"]
    plan = (
        "The ministers, who launched the India-Japan AI Dialogue in Tokyo, will hold its "
        "first meeting on Friday."
    )
    assert [c.due_from for c in _commitments(default, plan, tuesday)] == [date(2025, 12, 19)]
    united = (
        "The India-Japan AI Dialogue will meet again soon, and its officials and those of the "
        "United States hold a joint workshop on Friday."
    )  # "United" ends like a past verb
    assert [c.due_from for c in _commitments(default, united, tuesday)] == [date(2025, 12, 19)]


def test_a_date_in_a_japanese_clause_of_cause_is_not_the_promise(default: Classifier) -> None:
    """ "…11月の選挙を控えて日程が難しくなったため、9月下旬に…開催する方向で調整": November
    is the cause's date; the plan is late September. A purpose (開くため) is the plan."""
    body = (
        "日米豪印の首脳は、11月の大統領選挙を控えて日程の調整が難しくなったため、"
        "9月下旬にニューヨークでクアッド首脳会合を開催する方向で調整に入った。"
    )
    found = [c.due_text for c in _commitments(default, body, date(2024, 7, 30))]
    assert found == ["9月下旬"]
    purpose = "日印両政府は、9月下旬に2プラス2を開くため、準備を進めることで一致した。"
    found = [c.due_text for c in _commitments(default, purpose, date(2024, 7, 30))]
    assert found == ["9月下旬"]


def test_a_japanese_sentence_of_what_has_been_done_until_now_promises_nothing(
    default: Classifier,
) -> None:
    """ "4月には…実施するなど…深めてきました": April is when an exercise was held (a July
    page's April is not next year's); the same month agreed on is a plan."""
    day = date(2024, 7, 8)
    done = "日印両政府は、4月には2プラス2を開催するなど、防衛協力を着実に深めてきました。"
    assert not _commitments(default, done, day)
    agreed = "日印両政府は、来年4月に2プラス2を開催することで一致しました。"
    assert [c.due_text for c in _commitments(default, agreed, day)] == ["来年4月"]


def test_a_hope_told_in_the_past_tense_is_still_the_hope(default: Classifier) -> None:
    """Reported speech moves "is looking forward" to "was looking forward"; a plan that
    "was scheduled" is a former one, and "was not looking forward" is none."""
    hope = "Narendra Modi said India was looking forward to hosting the Quad in 2026."
    assert [c.due_text for c in _commitments(default, hope)] == ["2026"]
    former = "The Quad summit was scheduled for 2026 in India."
    assert _commitments(default, former) == ()
    refused = "Narendra Modi said India was not looking forward to hosting the Quad in 2026."
    assert _commitments(default, refused) == ()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a past act in the month's clause: last March, not the next
        (
            "Both sides will work toward the investment target of Japan's Public and Private "
            "Investment Target for India, which was set during the Prime Minister's visit to "
            "India in March.",
            [],
        ),
        (
            "The India-Japan 2+2 ministerial dialogue held in March agreed to meet by June.",
            ["by June"],
        ),
        # a phrase whose next clause tells the past act
        (
            "During his visit to Washington in February, Prime Minister Narendra Modi invited "
            "the President to the next Quad Leaders' Summit, which will be held in India.",
            [],
        ),
        (
            "In March, India and Japan agreed to hold the 2+2 ministerial dialogue in June.",
            ["June"],
        ),
        # plans keep the month, whoever told them
        ("India and Japan agreed to hold the 2+2 ministerial dialogue in March.", ["March"]),
        (
            "The India-Japan 2+2 ministerial dialogue is to meet in March, officials confirmed.",
            ["March"],
        ),
        ("In March, the India-Japan 2+2 ministerial dialogue will meet in Tokyo.", ["March"]),
        (
            "The India-Japan 2+2 ministerial dialogue, whose first round was held in 2024, "
            "will meet again in May.",
            ["May"],
        ),
    ],
)
def test_a_month_without_its_year_in_a_past_clause_is_not_the_next_one(
    default: Classifier, body: str, expected: list[str]
) -> None:
    found = [c.due_text for c in _commitments(default, body, date(2025, 9, 1))]
    assert found == expected


def test_an_intention_expressed_is_a_plan(default: Classifier) -> None:
    """Japan's press releases: "expressed his intention to hold ... within this year"."""
    body = (
        "Foreign Minister Toshimitsu Motegi expressed his intention to hold the second round "
        "of the Japan-India Cyber Dialogue within this year."
    )
    found = [(c.initiative, c.due_text) for c in _commitments(default, body, date(2025, 3, 1))]
    assert found == [("in-jp.cyber-dialogue", "this year")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a goal or target set, of a number or of an act
        (
            "A goal of 5 trillion yen in investment from Japan to India was set for the next "
            "five years, Prime Minister Narendra Modi said.",
            [("for the next five years", date(2025, 12, 15), date(2030, 12, 15))],
        ),
        (
            "Prime Minister Narendra Modi announced a target of 3 trillion rupees in exports "
            "to Japan within about two years.",
            [("within about two years", date(2025, 12, 15), date(2027, 12, 15))],
        ),
        (
            "India and Japan signaled a goal of bringing the Japan-India Cyber Dialogue into "
            "force within about a year.",
            [("within about a year", date(2025, 12, 15), date(2026, 12, 15))],
        ),
        # a plan "set to" happen is no goal named: a date before it counts
        (
            "In March, the Japan-India Cyber Dialogue is set to meet in Tokyo, Foreign "
            "Minister Toshimitsu Motegi said.",
            [("March", date(2026, 3, 1), date(2026, 3, 31))],
        ),
        # a target of an earlier age, and a plan named for its horizon, are no promise
        (
            "India and Japan reviewed the target of criticism within a year.",
            [],
        ),
        (
            "Prime Minister Narendra Modi and Prime Minister Shigeru Ishiba will adopt the "
            "2035 Vision Statement, which updates the 2025 Vision Statement.",
            [],
        ),
    ],
)
def test_goals_and_targets_set_for_a_span(
    default: Classifier, body: str, expected: list[tuple[str, date, date]]
) -> None:
    found = [(c.due_text, c.due_from, c.due_to) for c in _commitments(default, body)]
    assert found == expected


def test_the_parties_together_anchor_a_plan(default: Classifier) -> None:
    """ "The leaders on Tuesday will hold a summit": the parties of a relevant report,
    named together without a name, anchor its plan as "the government" does."""
    body = (
        "Prime Minister Shigeru Ishiba will travel to Busan. The leaders on Tuesday will hold "
        "a summit and a dinner there, an adviser told reporters on Monday."
    )
    found = [(c.due_text, c.due_from) for c in _commitments(default, body, date(2025, 9, 29))]
    assert found == [("Tuesday", date(2025, 9, 30))]


def test_a_japanese_date_of_a_noun_only_in_view_is_not_the_promise(default: Classifier) -> None:
    """ "来年の…50周年を見据え、…強化していくことで一致": next year is the anniversary's, the
    agreement has no date; "来年3月に開催することを念頭に" times the plan itself."""
    day = date(2025, 10, 26)
    in_view = (
        "高市総理大臣とアルバニージー首相は、来年の日豪友好協力基本条約署名50周年を見据え、"
        "日豪の協力を一層強化していくことで一致しました。"
    )
    assert _commitments(default, in_view, day) == ()
    plan = (
        "高市総理大臣とアルバニージー首相は、来年3月に日豪「2+2」を開催することを念頭に"
        "調整していくことで一致しました。"
    )
    found = [(c.due_text, c.due_from) for c in _commitments(default, plan, day)]
    assert found == [("来年3月", date(2026, 3, 1))]


def test_a_span_of_counts_and_an_act_in_the_passive_continue_their_paragraph(
    default: Classifier,
) -> None:
    """ "in the next four to five days" runs to its far end; "It is expected to be signed
    by mid-March" names an act in the passive and continues its paragraph's topic."""
    body = (
        "Commerce Minister Piyush Goyal said the first tranche of the India-US BTA was "
        "almost ready.\n"
        '"We hope that in the next four to five days we will finalize a joint statement," '
        "he said.\n"
        '"The formal agreement is being drafted. It is expected to be signed by mid-March," '
        "he stated."
    )
    found = [(c.due_text, c.due_to) for c in _commitments(default, body, date(2026, 2, 5))]
    assert found == [
        ("in the next four to five days", date(2026, 2, 10)),
        ("by mid-March", date(2026, 3, 20)),
    ]


def test_until_promises_its_own_date_only(default: Classifier) -> None:
    """ "to train together until March 9": an end ahead is a commitment to that date; the
    other dates of its sentence are not promised by it."""
    body = (
        "On February 24, India and Japan sent 120 troops of the Dharma Guardian exercise "
        "to train together until March 9."
    )
    found = [
        (c.due_text, c.due_from, c.due_to) for c in _commitments(default, body, date(2026, 2, 24))
    ]
    assert found == [("until March 9", date(2026, 2, 24), date(2026, 3, 9))]


def test_a_date_past_a_semicolon_is_promised_only_by_its_own_clause(default: Classifier) -> None:
    """An undated page keeps past years (its day is unknown): a clause after a semicolon
    that tells what happened then is no deadline, one with its own cue still is."""
    told = (
        "The two prime ministers are expected to discuss the Mumbai-Ahmedabad High Speed "
        "Rail further; in 2009 five other corridors were shortlisted."
    )
    result = default.classify(DocumentText("d1", "", told, "en", None))
    assert result.commitments == ()
    planned = (
        "Work on the Mumbai-Ahmedabad High Speed Rail was delayed; its first section is "
        "expected to open in 2027."
    )
    result = default.classify(DocumentText("d1", "", planned, "en", None))
    assert [(c.due_from, c.due_to) for c in result.commitments] == [
        (date(2027, 1, 1), date(2027, 12, 31))
    ]


@pytest.mark.parametrize(
    "said",
    [
        "reaffirmed their shared resolve to conclude the India-EU FTA",
        "reaffirmed their commitment to concluding the India-EU FTA",
    ],
)
def test_a_promise_named_as_a_commitment_or_resolve_is_a_cue(
    default: Classifier, said: str
) -> None:
    body = f"India and the European Union {said} by the end of 2025."
    found = _commitments(default, body, date(2025, 5, 2))
    assert [(c.initiative, c.due_from, c.due_to) for c in found] == [
        ("in-eu.fta", date(2025, 5, 2), date(2025, 12, 31))
    ]
    # a commitment to a thing, not to an act, promises nothing for a date
    assert not _commitments(
        default, "India reaffirmed its commitment to the India-EU FTA in March 2025.", DAY
    )
