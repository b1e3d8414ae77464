"""What a report's lead says about its event: kind, stage, day, round."""

from __future__ import annotations

import re
from datetime import date

import pytest

from streams.classify.lowercase import lowered
from streams.classify.story_signals import (
    _DECIDABLE,
    _EN_DAY_FOLDED,
    _KIND_SCAN,
    _TRANCHE,
    _TRANCHE_FOLDED,
    _decided,
    _en_days,
    _kind_hits,
    compatible_kinds,
    event_signals,
)
from tests.unit.streams.classify.own_texts import own_texts

MONDAY = date(2025, 3, 3)


@pytest.mark.parametrize(
    ("title", "body", "kind"),
    [
        (
            "",
            "The four foreign ministers jointly called on the Prime Minister after lunch.",
            "courtesy",
        ),
        ("外相の首相表敬について", "外相は首相を表敬した。", "courtesy"),
        ("", "The two foreign ministers spoke by phone for 30 minutes on Friday evening.", "phone"),
        ("", "岩屋外相は豪州の外相と電話で協議し、協力の推進で一致した。", "phone"),
        (
            "",
            "The 7th edition of the joint exercise commenced at the training area today.",
            "start",
        ),
        ("", "The joint exercise concluded with a closing ceremony at the training area.", "end"),
        (
            "",
            "The upper house enacted the bill on economic security by a majority vote.",
            "enacted",
        ),
        ("", "The two governments signed an agreement on critical minerals on Tuesday.", "signing"),
        (
            "",
            "Notes were exchanged in New Delhi for a yen loan for the rail project today.",
            "notes",
        ),
        ("", "He met his counterpart on the sidelines of the summit in Rome on Friday.", "side"),
        ("", "首相は首脳会合のあと、両国の首相と相次いで会談した。", "side"),
        # 対面会談 (face-to-face talks) holds 面会 (a courtesy call)
        ("", "首相は来日中の大統領と迎賓館で初の対面会談を行った。", "talks"),
        ("", "首相は来日中の大統領と首相官邸で面会した。", "courtesy"),
        ("", "The trade ministers held a ministerial videoconference on Tuesday.", "phone"),
        ("", "Goyal took part through video-conferencing on Tuesday.", "phone"),
        (
            "",
            "The foreign ministers held their meeting in Tokyo and issued a joint statement.",
            "meeting",
        ),
    ],
)
def test_the_kind_of_event_comes_from_the_first_event_word(
    title: str, body: str, kind: str
) -> None:
    assert event_signals(title, body, MONDAY).kind == kind


def test_a_meeting_of_leaders_is_a_summit() -> None:
    lead = "The prime ministers held a meeting in Canberra and issued a joint statement."
    assert event_signals("", lead, MONDAY, leaders=True).kind == "summit"


def test_incompatible_kinds_never_share_a_story() -> None:
    assert not compatible_kinds("courtesy", "meeting")
    assert not compatible_kinds("start", "end")
    assert not compatible_kinds("side", "summit")
    assert compatible_kinds("talks", "summit") and compatible_kinds("", "phone")


@pytest.mark.parametrize(
    ("body", "preview"),
    [
        ("The ministers will meet in Tokyo on Tuesday to review the dialogue.", True),
        ("The minister is set to meet her counterparts at the State Department today.", True),
        ("外相は9月4日から6日まで、豪州を訪問します。会談を行う予定です。", True),
        ("The minister met his counterpart ahead of the meeting of the group on Monday.", False),
        ("The ministers met in Tokyo on Monday and agreed to meet again next year.", False),
        # the lead reports in words other than "met": the outcome comes after it
        (
            "India and Japan have made a pact on critical minerals after strategic talks. "
            "The dialogue led to two actions. One is a group that will meet in March.",
            False,
        ),
        (
            "On 6 October, the Ambassador exchanged notes on four loans. "
            "The loans will support a rail project.",
            False,
        ),
        ("The two sides decided to hold the next round of talks in Tokyo in March.", False),
        # what a meeting that took place said, in the future tense
        (
            "Japan and Australia will develop cooperation to strengthen deterrence, the "
            "ministers said in a joint statement.",
            False,
        ),
        ("The ministers will meet in Tokyo on Tuesday, the ministry said.", True),
        # a decision's future is no event to come: the sentence after it tells
        (
            "Australia will upgrade its navy with eleven frigates, the minister said on "
            "Tuesday. The frigates were chosen over a German design.",
            False,
        ),
        (
            "The ministers will take forward the discussions held in New York. The foreign "
            "minister will visit Japan from July 28-30 to attend the meeting.",
            True,
        ),
        ("The access agreement will enter into force on September 11.", True),
    ],
)
def test_an_announcement_is_told_from_a_report(body: str, preview: bool) -> None:
    assert event_signals("", body, MONDAY).preview is preview


def test_the_event_day_is_the_day_the_lead_names() -> None:
    signals = event_signals("", "Foreign ministers met in Tokyo on Saturday.", MONDAY)
    assert (signals.day, signals.exact) == (date(2025, 3, 1), True)
    announced = event_signals("", "The ministers will meet on Thursday in Delhi.", MONDAY)
    assert (announced.day, announced.exact) == (date(2025, 3, 6), True)
    japanese = event_signals("", "外相会合は28日、東京で開かれた。", MONDAY)
    assert japanese.day == date(2025, 2, 28)
    full_width = event_signals("", "外相会合は２８日、東京で開かれた。", MONDAY)
    assert full_width.day == date(2025, 2, 28)  # not the 8th
    plain = event_signals("", "The ministers discussed the partnership at length.", MONDAY)
    assert (plain.day, plain.exact) == (MONDAY, False)
    assert event_signals("", "Ministers met on Saturday.", None).day is None


def test_a_report_names_the_day_of_a_plan_for_later_in_no_event_day() -> None:
    """A report of talks that names when the next round is due: that day (here a March
    day, which a report would otherwise take as last year's) is not the talks' day."""
    lead = (
        "The trade ministers met in Brussels. Both sides agreed to settle pending issues at "
        "the next round scheduled to be held from March 12-16 in New Delhi."
    )
    signals = event_signals("", lead, MONDAY)
    assert (signals.day, signals.exact) == (MONDAY, False)
    dated = "The trade ministers met in Brussels on Saturday; the next round opens March 12."
    assert event_signals("", dated, MONDAY).day == date(2025, 3, 1)
    # "the next day" tells what followed, no plan
    followed = "The ministers arrived late and held talks the next day, on Saturday."
    assert event_signals("", followed, MONDAY).day == date(2025, 3, 1)
    # an announcement's own day is the event's
    announced = "The next round is scheduled to be held on March 12 in New Delhi."
    assert event_signals("", announced, MONDAY).day == date(2025, 3, 12)


def test_a_headlines_to_launch_that_the_lead_says_was_agreed_reports_the_meeting() -> None:
    title = "Japan, Brazil to launch strategic defence talks"
    agreed = "The defence ministers agreed on Monday to launch a strategic dialogue."
    assert not event_signals(title, agreed, MONDAY).preview
    ahead = "The defence ministers will meet on Friday in Brasilia."
    assert event_signals(title, ahead, MONDAY).preview
    # "as agreed" before another act decides nothing of the headline's
    other = "As agreed by both sides, the ministers will meet on Friday to launch the talks."
    assert event_signals(title, other, MONDAY).preview


def test_a_reports_day_a_day_after_its_recorded_date_is_not_last_years() -> None:
    """A wire copy recorded on the 3rd names the 4th, its own time zone's day: that 4th,
    not the 4th of March a year before; a day further ahead is still last year's."""
    lead = "The prime ministers held their annual summit in Rio on March {} and signed a pact."
    assert event_signals("", lead.format(4), MONDAY).day == date(2025, 3, 4)
    assert event_signals("", lead.format(6), MONDAY).day == date(2024, 3, 6)


def test_a_dateline_is_not_the_event_day() -> None:
    lead = "New Delhi [India], March 3 (ANI): The ministers met in Tokyo on Saturday."
    assert event_signals("", lead, MONDAY).day == date(2025, 3, 1)


def test_a_summary_before_a_wire_dateline_is_not_the_lead() -> None:
    """ "Before calling on the prime minister, the ministers held the 2+2 on Thursday. /
    Tokyo, Sep 09: ...": the summary tells the background first; the report opens at the
    dateline. A first line that is the report itself stays the lead."""
    body = (
        "Before calling on the Japanese prime minister, the two ministers held talks with "
        "their counterparts in Tokyo on Thursday.\n\n"
        "Tokyo, Sep 09: The two ministers called on Prime Minister Kishida on Friday."
    )
    friday = date(2022, 9, 9)
    signals = event_signals("", body, friday)
    assert (signals.kind, signals.day) == ("courtesy", friday)
    plain = "The two ministers held talks with their counterparts in Tokyo on Thursday.\n\n"
    plain += "They also called on the prime minister on Friday."
    assert event_signals("", plain, friday).day == date(2022, 9, 8)


def test_rounds_of_an_initiative_are_read_before_its_mention() -> None:
    body = "Ministers held the 15th India-Australia Framework Dialogue in Canberra today."
    at = body.index("India-Australia")
    signals = event_signals("", body, MONDAY, initiative_spans=[(at, at + 40, "fmfd")])
    assert signals.rounds == ("fmfd#round#15",)
    ja = "第2回日印外務・防衛閣僚会合が東京で開かれた。"
    at = ja.index("日印")
    assert event_signals("", ja, MONDAY, initiative_spans=[(at, at + 10, "2p2")]).rounds == (
        "2p2#round#2",
    )


def test_an_enumeration_or_a_count_since_something_is_no_round() -> None:
    """ "Second, there is the Quad Logistics Network" enumerates; "the second meeting of the
    Quad ministers since January" counts from a point: neither numbers a round, which
    would keep the report apart from one naming "the 10th Quad Foreign Ministers'
    Meeting"."""
    listed = "We launched one initiative. Second, there is the Quad Logistics Network."
    at = listed.index("Quad")
    spans = [(at, at + 4, "quad")]
    assert event_signals("", listed, MONDAY, initiative_spans=spans).rounds == ()
    counted = (
        "It was the second meeting of the Quad foreign ministers since the new "
        "administration took office."
    )
    at = counted.index("Quad")
    spans = [(at, at + 4, "quad")]
    assert event_signals("", counted, MONDAY, initiative_spans=spans).rounds == ()
    numbered = "Ministers held the 10th Quad Foreign Ministers' Meeting in Washington."
    at = numbered.index("Quad")
    spans = [(at, at + 4, "quad")]
    assert event_signals("", numbered, MONDAY, initiative_spans=spans).rounds == ("quad#round#10",)


def test_the_nth_time_something_happened_is_a_count_not_a_round() -> None:
    body = (
        "This year marks the 12th edition of the Quad summit. It is the sixth time that all "
        "four leaders have attended the Quad summit in person."
    )
    spans = [(m, m + 4, "quad") for m in (body.index("Quad"), body.rindex("Quad"))]
    assert event_signals("", body, MONDAY, initiative_spans=spans).rounds == ("quad#round#12",)


def test_what_a_thing_named_did_in_another_year_is_not_the_event() -> None:
    """ "the exercise, which began in 1992": its history; the kind comes from the report's
    own event words, or none."""
    body = (
        "Navies of the four countries took part in the exercise, which began in 1992 as a "
        "bilateral drill. The ships concluded the drill on Monday."
    )
    assert event_signals("", body, MONDAY).kind == "end"
    started = "The exercise began in the Philippine Sea on Monday."
    assert event_signals("", started, MONDAY).kind == "start"


def test_a_headline_that_reveals_a_plan_reports() -> None:
    """ "Quad Reveals Plan to Protect ...": "Plan to" is the noun, "Reveals" the report."""
    title = "Quad Reveals Plan to Protect Critical Mineral Supply Chains"
    assert not event_signals(title, "The ministers unveiled the plan.", MONDAY).preview


def test_a_loan_tranche_is_numbered_for_the_project_it_is_near() -> None:
    body = "Japan approved the fourth tranche of the yen loan for the high-speed rail project."
    at = body.index("high-speed")
    signals = event_signals("", body, MONDAY, initiative_spans=[(at, at + 20, "rail")])
    assert signals.rounds == ("rail#tranche#4",)


def test_the_day_of_the_act_outranks_the_day_of_its_announcement() -> None:
    ja = "JICAは10月1日、9月28日にインド政府との間で円借款契約に調印したと発表した。"
    assert event_signals("", ja, date(2018, 10, 1)).day == date(2018, 9, 28)
    en = "The agency said on Monday the ministers signed the loan on Friday in Delhi."
    assert event_signals("", en, MONDAY).day == date(2025, 2, 28)


def test_a_statements_day_outranks_a_day_months_before_it() -> None:
    """The act a statement reports lies days from it; a day months before is background
    ("... said today. During the visit on 28 February, the leaders ...")."""
    body = (
        "India will conclude the partnership talks this year, the minister said today. "
        '"During the visit on November 28 the leaders gave clear guidance," he added.'
    )
    assert event_signals("", body, MONDAY).day == MONDAY


def test_an_english_day_before_a_comma_is_the_event_day() -> None:
    """A Japanese day before its topic's comma is a statement's ("JICAは10月1日、..."); an
    English date's comma is only punctuation."""
    body = "The ministers will meet on March 6, 2025, in Delhi and sign the pact on March 7."
    signals = event_signals("", body, MONDAY)
    assert (signals.day, signals.preview) == (date(2025, 3, 6), True)


def test_a_headlines_to_be_held_announces() -> None:
    title = "Summit To Be Held In Delhi On March 6, Ministry Says"
    signals = event_signals(title, "The ministry made the announcement.", MONDAY)
    assert signals.preview is True


_DAY_TEXTS = [
    "They met on Monday and again on  Tuesday; upon Friday, moon Sunday, ON\tSATURDAY.",
    "Talks on Jan. 5, 2025, then March 3rd and sept 30 2024; May 12. mayday 4, dismay 7",
    "Today, this morning, this afternoon and tonight; yesterday. Yesterday's talks.",
    "MONDAYS, monday1, Mon 3, december 31st 2030, Dec 1 19999, ｍｏｎｄａｙ and ＭＯＮＤＡＹ",
    "on\nWednesday\nthe 4th, on Thursday-week, on_Friday, (Sunday), octopus 5, jun 0",
]


def _texts() -> list[str]:
    return [*_DAY_TEXTS, *own_texts()]


def test_english_days_are_found_where_the_plain_pattern_finds_them() -> None:
    for text in _texts():
        folded = lowered(text)
        expected = [(m.span(), m.groupdict()) for m in _EN_DAY_FOLDED.finditer(text, folded)]
        got = [(m.span(), m.groupdict()) for m in _en_days(text, folded)]
        assert got == expected, text[:80]


_NOT_WORD = re.compile(r"[^\w]+")  # what the ASCII path put a space for, one per run


def test_event_words_are_found_in_the_order_the_plain_rewrite_gives() -> None:
    for text in [*_texts(), "  --Signed; met! (held talks)…", "call_on calls  on\n\ncalled on"]:
        if not text.isascii():
            continue
        padded = " " + _NOT_WORD.sub(" ", text.lower()) + " "
        expected = sorted(
            (end - length + 1 + word - 1, rank, kind)
            for end, (length, rank, kind, word) in _KIND_SCAN.for_text(padded).iter(padded)
            if kind not in _DECIDABLE or not _decided(padded, end - length + 1, end + 1, word)
        )
        got = sorted(_kind_hits(text))
        assert [(r, k) for _, r, k in got] == [(r, k) for _, r, k in expected], text[:80]


_TRANCHE_TEXTS = [
    "The 3rd tranche, Tranche II, tranche iv, PHASE 12 and the Fourth Phase; phase V1, phase",
    "第3期 and 第七期; the SECOND TRANCHE of the loan; phasev 2; 21st phase; tranche 7b",
]


def test_tranches_are_found_where_the_case_blind_pattern_finds_them() -> None:
    """The twin on lower-cased text: the same spans, and groups equal but for case."""
    for text in [*_TRANCHE_TEXTS, *own_texts()]:
        expected = [
            (m.span(), {k: v and v.lower() for k, v in m.groupdict().items()})
            for m in _TRANCHE.finditer(text)
        ]
        got = [(m.span(), m.groupdict()) for m in _TRANCHE_FOLDED.finditer(text, lowered(text))]
        assert got == expected, text[:80]


@pytest.mark.parametrize(
    ("lead", "kind"),
    [
        ("The ministers agreed on Thursday to launch a minerals framework by December.", ""),
        ("The leaders agreed to hold a summit in Tokyo next year.", ""),
        ("India and Japan decided to sign the pact within the year.", ""),
        ("The ministers met and agreed to launch the forum.", "talks"),
        ("They agreed to the plan and met on Monday.", "talks"),
        ("The ministers launched the forum on Thursday.", "launch"),
        ("両国は新たな枠組みを年内に立ち上げることで一致した。", ""),
        ("両首脳は首脳会談を来年開くことで一致した。", ""),
        ("両外相は東京で会談し、協定に署名することで合意した。", "talks"),
        ("両国は新たな枠組みを立ち上げた。", "launch"),
    ],
)
def test_an_act_agreed_on_is_not_the_event_reported(lead: str, kind: str) -> None:
    """ "agreed to launch", "立ち上げることで一致": the report's event is the agreement, and
    the launch a promise; read as the event, it made a launch occurrence that day, which
    met the report's own promise ("by December") at once."""
    assert event_signals("", lead, MONDAY).kind == kind
