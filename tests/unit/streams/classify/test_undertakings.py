"""Commitment rules: broader undertaking cues, negation, and unlabelled follow-up sentences."""

from __future__ import annotations

from datetime import date

import pytest

from streams.classify.classifier import Classifier, DocumentText
from streams.classify.lowercase import lowered
from streams.classify.undertakings import cue_in, dropped_plan_before, names_an_action

DAY = date(2025, 12, 15)


def _cue(sentence: str) -> int | None:
    """The cue's offset, the same read on the text and on its lowered copy (the fast path
    the classifier takes, which only looks where a cue can start)."""
    found = cue_in(sentence, 0, len(sentence))
    assert cue_in(sentence, 0, len(sentence), lowered(sentence)) == found
    return found


def _found(classifier: Classifier, body: str) -> list[tuple[str | None, str]]:
    result = classifier.classify(DocumentText("d1", "", body, "en", DAY))
    for commitment in result.commitments:
        for ev in commitment.evidence:
            assert body[ev.start : ev.end] == ev.text
    return [(c.initiative, c.due_text) for c in result.commitments]


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministers agreed at their meeting in Osaka on Tuesday to launch the talks.",
        "The leaders directed their officials to draw up a roadmap.",
        "Tokyo expects the first shipments to arrive soon.",
        "The satellite is targeted for launch after the monsoon.",
        "The new terminal is on track to open on schedule.",
        "The navy is set to join the exercise.",
        "Both sides are going to sign the memorandum.",
        "She said she looked forward to welcoming the delegation.",
        "Both sides reaffirmed their commitment to conclude the agreement.",
        "The two sides are working to seal the agreement.",
        "Both governments are working closely towards a settlement.",
        "We must conclude the partnership talks soon.",
        "The first trains arrive, with trial runs likely in the spring.",
        "両国は来年の首脳会談に向けて調整中だ。",
        "政府は共同声明を発表する方向で検討している。",
    ],
)
def test_broader_undertaking_cues(sentence: str) -> None:
    assert _cue(sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministers held talks in Osaka and signed three agreements.",
        "Japan will not host the meeting.",
        "Officials said there were no plans to reopen the talks.",
        "The summit is not expected to produce a joint statement.",
        "The delegation agreed with reporters that the visit was useful.",
        # a speaker's aside
        "You would also be aware that this year both countries celebrate the anniversary.",
        "As you will recall, the two sides met last year.",
        # a commitment to a cause, not to an act
        "The meeting showed the partners' commitment to global good in 2024.",
        "The result must have pleased the negotiators.",
    ],
)
def test_reports_and_negated_plans_are_not_undertakings(sentence: str) -> None:
    assert cue_in(sentence, 0, len(sentence)) is None
    assert cue_in(sentence, 0, len(sentence), lowered(sentence)) is None


def test_a_decision_before_a_determiner_is_not_a_cue_but_agreed_to_still_is() -> None:
    text = "They asked reporters to the briefing room."
    assert cue_in(text, 0, len(text)) is None
    text = "They agreed to the proposal."
    assert cue_in(text, 0, len(text)) == text.index("agreed")


def test_actions_are_policy_acts_or_events() -> None:
    for text in ("The two sides will hold the next session in Tokyo.", "次回会合は来月開く。"):
        assert names_an_action(text, 0, len(text))
    assert not names_an_action("Prices will ease.", 0, len("Prices will ease."))


def test_an_unlabelled_follow_up_attaches_to_the_initiative_named_last_in_its_paragraph(
    small: Classifier,
) -> None:
    body = (
        "Japan backs FOIP. India and Japan launched the Quad summit process in Sydney.\n\n"
        "The Joint Working Group on Critical Minerals met in New Delhi on Friday. "
        "The two sides will hold the next session in Tokyo in early 2026."
    )
    assert _found(small, body) == [("in-jp.critical-minerals-jwg", "early 2026")]


def test_an_unlabelled_follow_up_falls_back_to_the_dominant_initiative(small: Classifier) -> None:
    body = (
        "The Quad summit in Sydney ended on Sunday. Quad summit leaders then met business "
        "chiefs, and FOIP was discussed.\n\n"
        "Officials added that the next round of talks is scheduled for the second half of 2026."
    )
    assert _found(small, body) == [("quad", "second half of 2026")]


def test_an_unlabelled_sentence_without_an_act_or_a_topic_is_not_a_commitment(
    small: Classifier,
) -> None:
    body = (
        "Japan backs FOIP, and India agrees. Analysts think prices will ease by March.\n\n"
        "The summit will be held in June."
    )
    # only FOIP is named, so the summit (another paragraph) is its; prices name no act
    assert _found(small, body) == [("foip", "June")]
    tied = (
        "Japan backs FOIP. The Quad summit met.\n\n"
        "In another paragraph, a meeting will be held in June."
    )
    assert _found(small, tied) == []  # FOIP and the Quad tie: no dominant initiative


def test_a_negated_plan_with_a_label_is_not_a_commitment(small: Classifier) -> None:
    body = "Japan will not host the Quad summit in 2026, officials said."
    assert _found(small, body) == []


def test_a_past_dated_decision_is_not_a_commitment(small: Classifier) -> None:
    body = "In March 2025 the Quad summit leaders agreed to launch the initiative in mid-2025."
    assert _found(small, body) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The line may only be partly open by 2028.",
        "The corridor could be ready next year.",
        "A deal is likely to be signed in March.",
        "The talks might also be moved to Delhi.",
        "The plant, maybe the largest, opens in 2027.",
        "首脳会談は来月開かれる。",
        "調印式は東京で行われる見通しだ。",
        "協定は年内に締結される。",
        "共同訓練は2月に実施される。",
        "両首脳は29日に都内で開く会談で共同声明を出す。",
    ],
)
def test_expectations_and_japanese_passive_plans_are_cues(sentence: str) -> None:
    assert _cue(sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "A date for the next round is yet to be announced.",
        "The venue has yet to be decided.",
        "The deal is unlikely to close soon.",
        "会合は先月開かれた。",
        "両首脳は29日に都内で開いた会談で共同声明を出した。",
    ],
)
def test_open_questions_and_past_meetings_are_not_cues(sentence: str) -> None:
    assert _cue(sentence) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "両国は新たな枠組みを年内に立ち上げることで一致した。",
        "両政府は初会合を来年1月に開催することで合意した。",
        "両外相は次回の対話を東京で開くことを確認した。",
        "政府は演習への参加を続けることを決めた。",
        "首相は来月インドを訪問する考えを示した。",
        "外相は早期の訪日を実現する意向を表明した。",
        "協議は来春に再開されることになった。",
    ],
)
def test_japanese_decisions_about_a_later_act_are_cues(sentence: str) -> None:
    """The Japanese "agreed to": a plain-form verb and こと/考え/意向 before the decision."""
    assert _cue(sentence) is not None


def test_a_japanese_agreement_dates_its_later_act(small: Classifier) -> None:
    body = "日印両政府はAI対話の初会合を来年1月に開催することで一致した。"
    result = small.classify(DocumentText("d1", "", body, "ja", DAY))
    assert [(c.due_text, c.due_from, c.due_to) for c in result.commitments] == [
        ("来年1月", date(2026, 1, 1), date(2026, 1, 31))
    ]


def test_a_date_after_a_dropped_plan_belongs_to_that_plan() -> None:
    text = "The line was scheduled to open by 2022, but may only be ready by 2028."
    assert dropped_plan_before(text, 0, text.index("2022"))
    assert not dropped_plan_before(text, 0, text.index("2028"))
    text = "Japan will not host the talks in March but will host them in June."
    assert dropped_plan_before(text, 0, text.index("March"))
    assert not dropped_plan_before(text, 0, text.index("June"))
    text = "No date is known; the ministers will meet in June."
    assert not dropped_plan_before(text, 0, text.index("June"))


def test_a_former_plan_dates_nothing_but_the_revised_one_does(small: Classifier) -> None:
    body = (
        "The Quad summit was expected to be held by March 2026, "
        "but may now be held in the second half of 2026."
    )
    assert _found(small, body) == [("quad", "second half of 2026")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("日印AI対話は、3月に開催された会合の成果を踏まえ協力を進めることを確認した。", []),
        ("日印AI対話の初会合は5日に開かれた。次回は来年前半に開催される予定だ。", ["来年前半"]),
        ("日印AI対話は年内に立ち上げることで一致した。", ["年内"]),
    ],
)
def test_a_japanese_date_of_a_past_act_is_no_due_date(
    small: Classifier, body: str, expected: list[str]
) -> None:
    """ "3月に開催された": the date of what took place, whatever the sentence promises; a
    decision taken ("一致した") still dates the act decided on."""
    result = small.classify(DocumentText("d1", "", body, "ja", DAY))
    assert [c.due_text for c in result.commitments] == expected
