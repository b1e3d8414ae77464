"""Back references: "the same day", "the following day", "during the visit", 同日, 訪問中."""

from __future__ import annotations

from datetime import date

from streams.classify.back_references import (
    _DURING,
    _DURING_WORDS,
    _SAME_DAY,
    _SAME_DAY_WORDS,
    _has_any,
    may_refer_back,
    referred_windows,
)
from streams.classify.dates import find_due_windows
from streams.classify.lowercase import lowered
from streams.classify.sentences import Sentences
from tests.unit.streams.classify.own_texts import own_texts


def _referred(body: str, today: date) -> list[tuple[str, str, str]]:
    """What every sentence of ``body`` takes from an earlier one (all are candidates)."""
    sentences = Sentences(body)
    spans = []
    for end in [*sentences.ends, len(body)]:
        span = sentences.around(max(0, end - 1))
        if span[1] > span[0] and span not in spans:
            spans.append(span)
    windows = find_due_windows(body, today)
    return [
        (body[w.start : w.end], w.due_from.isoformat(), w.due_to.isoformat())
        for w in referred_windows(body, today, sentences, spans, windows)
    ]


def test_the_same_day_is_the_day_named_last_before_it_even_a_past_one() -> None:
    body = "首脳会議は3日(日本時間4日)に開幕した。同日、両国の外相による協議も行われる。"
    assert _referred(body, date(2025, 3, 3)) == [("同日", "2025-03-03", "2025-03-03")]
    english = "The ministers met on March 3. On the same day, they will also sign a pact."
    assert _referred(english, date(2025, 3, 3)) == [("the same day", "2025-03-03", "2025-03-03")]


def test_the_following_day_is_one_day_later() -> None:
    body = "The delegation will arrive in Tokyo on Monday. The following day, it will meet them."
    # read on Sunday 2 March 2025: Monday is the 3rd, the day after it the 4th
    assert _referred(body, date(2025, 3, 2)) == [("The following day", "2025-03-04", "2025-03-04")]
    assert _referred("首相は5月10日に訪米する。翌日、大統領と会談する。", date(2025, 5, 1)) == [
        ("翌日", "2025-05-11", "2025-05-11")
    ]


def test_a_day_that_has_passed_is_not_a_window() -> None:
    body = "The ministers met on March 3. On the same day, they will also sign a pact."
    assert _referred(body, date(2025, 3, 20)) == []


def test_during_the_visit_takes_the_window_of_the_dated_visit() -> None:
    body = (
        "The minister will visit Canberra from 4 to 6 September 2026. "
        "During his three-day visit, he will meet the prime minister."
    )
    assert _referred(body, date(2026, 8, 30)) == [
        ("During his three-day visit", "2026-09-04", "2026-09-06")
    ]
    japanese = "外相は9月4日から6日まで豪州を訪問します。訪問中、国防相と会談する予定です。"
    assert _referred(japanese, date(2026, 8, 30)) == [("訪問中", "2026-09-04", "2026-09-06")]


def test_the_sidelines_of_a_summit_take_the_summits_window_not_another_meetings() -> None:
    body = (
        "The leaders' summit will be held in Delhi on 20 November 2026. "
        "A ministers' meeting is planned for 2 December 2026. "
        "On the sidelines of the summit, the two prime ministers will hold talks."
    )
    assert _referred(body, date(2026, 11, 1)) == [
        ("On the sidelines of the summit", "2026-11-20", "2026-11-20")
    ]


def test_no_earlier_date_or_a_date_of_its_own_means_nothing_is_taken() -> None:
    assert _referred("During the visit, he will meet the prime minister.", date(2026, 1, 5)) == []
    body = (
        "The minister will visit Canberra from 4 to 6 September 2026. "
        "During the visit, he will also announce a plan for 2027."
    )
    assert _referred(body, date(2026, 8, 30)) == []  # the second sentence is dated itself


def test_the_cheap_test_lets_plain_text_through_only_when_it_may_refer() -> None:
    assert not may_refer_back("Prices rose in March.", None)
    assert may_refer_back("On the same day the talks end.", None)
    assert may_refer_back("首相の訪問中に", None)


_REFERRING = [
    "the same day", "That  Day", "the following day", "the next day", "the day after",
    "同日", "翌日", "during the visit", "During his three-day state visit", "on the sidelines "
    "of the summit", "in the margins of their meeting", "on the margins of the dialogue",
    "during the course of the trip", "訪問中", "訪日の際", "滞在中", "サミットの合間",
    "首脳会談に合わせ", "会合の場", "会議期間中",
]  # fmt: skip


def test_every_back_reference_holds_a_word_the_quick_test_looks_for() -> None:
    """The quick test skips the patterns in sentences without these words: each form the
    patterns know must hold one, or a back reference would be missed."""
    found = 0
    for text in [*_REFERRING, *own_texts()]:
        folded = lowered(text)
        for pattern, words in ((_SAME_DAY, _SAME_DAY_WORDS), (_DURING, _DURING_WORDS)):
            for match in pattern.finditer(text, folded):
                found += 1
                assert _has_any(text, folded, match.start(), match.end(), words), match.group()
    assert found >= len(_REFERRING)
