"""The publication date a reader takes from a page, and the datelines that are no due date."""

from __future__ import annotations

import random
from datetime import date

import pytest

from streams.classify.classifier import Classifier, DocumentText
from streams.classify.dating import PageDates
from streams.classify.published import header_spans, read_publication_date

SEEN = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("title", "body", "expected", "how"),
    [
        ("Ministers meet (2024年7月29日)", "本文。", date(2024, 7, 29), "title"),
        ("Loan signed (2018/10/01)", "Body text here.", date(2018, 10, 1), "title"),
        (
            "",
            "Press release\n\n令和6年8月30日\n1. 大臣は訪問します。",
            date(2024, 8, 30),
            "date line",
        ),
        ("", "報道発表\n令和元年5月7日\n本文", date(2019, 5, 7), "date line"),
        (
            "",
            "Tuesday, November 05, 2024\n\nWorld\n\nThe ministers met.",
            date(2024, 11, 5),
            "date line",
        ),
        (
            "",
            "Newsroom\n20:00 JST, July 29, 2024\nForeign ministers met.",
            date(2024, 7, 29),
            "date line",
        ),
        ("", "Headline\n\n29 March 2023\n\nThe two sides signed.", date(2023, 3, 29), "date line"),
        ("", "見出し\n2023年3月29日 (水)\n本文です。", date(2023, 3, 29), "date line"),
        (
            "",
            "外相は19日午後、豪州の外相と会談し、安全保障協力を推進することで一致した。"
            "(2025/01/20-08:41)\nEnglish summary",
            date(2025, 1, 20),
            "timestamp",
        ),
        (
            "",
            "TOKYO, March 28, 2023 (Reuters) - The two governments signed.",
            date(2023, 3, 28),
            "dateline",
        ),
        (
            "",
            "New Delhi, Nov 27 (PTI) The first round of the dialogue was held in Tokyo.",
            date(2026, 11, 27),
            "dateline",
        ),
        (
            "",
            "Officials said on January 26, 2025 in Delhi that talks went well.",
            date(2025, 1, 26),
            "opening lines",
        ),
    ],
)
def test_dates_read_from_the_top_of_a_page(title: str, body: str, expected: date, how: str) -> None:
    found = read_publication_date(title, body, SEEN)
    assert (found.day, found.how) == (expected, how)


def test_a_date_announced_in_the_opening_lines_is_not_the_pages() -> None:
    """The day of a visit to come is after the page was written; a later full date of a
    sentence that reports is taken instead, and none at all rather than the visit's."""
    body = (
        "The minister will visit Japan on July 29, 2024, to attend the meeting. "
        "The ministry announced the visit on July 23, 2024."
    )
    found = read_publication_date("", body, SEEN)
    assert (found.day, found.how) == (date(2024, 7, 23), "opening lines")
    only = read_publication_date("", "Talks are scheduled to open on March 3, 2025 in Delhi.", SEEN)
    assert only.day is None
    reported = read_publication_date("", "Officials met on March 3, 2025 in Delhi.", SEEN)
    assert reported.day == date(2025, 3, 3)


def test_the_opening_day_written_in_full_further_on_comes_before_an_older_full_date() -> None:
    """An official page's lead writes its day without the year, the next sentence an
    older meeting's day with it; the page writes its own day in full further down."""
    body = (
        "The two Prime Ministers held the 2nd Annual Summit in Rio on 19 November. The 1st "
        "Annual Summit was held on 10 March 2023 in New Delhi.\n"
        + "They discussed trade, defence and education at length. " * 5
        + "\nThe Prime Ministers met on 19 November 2024 on the sidelines of the G20."
    )
    found = read_publication_date("", body, SEEN)
    assert (found.day, found.how) == (date(2024, 11, 19), "opening lines")
    alone = body.replace("on 19 November 2024 ", "")
    assert read_publication_date("", alone, SEEN).day == date(2023, 3, 10)


def test_a_dateline_without_a_year_takes_the_latest_year_and_says_it_guessed() -> None:
    found = read_publication_date("", "New Delhi [India], June 27 (ANI): Ministers met.", SEEN)
    assert found.day == date(2026, 6, 27) and found.yearless
    hinted = read_publication_date(
        "", "New Delhi [India], June 27 (ANI): Ministers met.", SEEN, lambda m, d: 2024
    )
    assert hinted.day == date(2024, 6, 27) and not hinted.yearless


@pytest.mark.parametrize(
    "body",
    [
        "Washington, DC [US], July 2 (ANI): The Quad countries have launched an initiative.",
        "WASHINGTON, D.C., July 2 (ANI): The Quad countries have launched an initiative.",
        "Perth, Western Australia, July 2 (AAP)--The Quad countries have launched one.",
        # a dateline below a byline or a stamp without its date
        "By Staff Reporter\nCANBERRA, July 2 (AAP) - The Quad countries have launched one.",
    ],
)
def test_a_dateline_whose_place_names_its_district_is_read(body: str) -> None:
    found = read_publication_date("", body, SEEN)
    assert (found.day, found.how) == (date(2026, 7, 2), "dateline")


def test_a_yearless_dateline_takes_the_year_the_text_gives_the_same_day() -> None:
    body = (
        "New Delhi, Nov 27 (PTI) The first round of the dialogue was held on Wednesday.\n\n"
        '"The officials co-chaired the first round in Tokyo on November 27, 2024," the '
        "ministry said. A second round is planned for November 2025."
    )
    found = read_publication_date("", body, SEEN)
    assert (found.day, found.how, found.yearless) == (date(2024, 11, 27), "dateline", False)


def test_a_kyodo_dateline_takes_the_day_of_its_first_sentence() -> None:
    found = read_publication_date("", "【ワシントン共同】外相は19日、会談した。", date(2025, 1, 25))
    assert found.day == date(2025, 1, 19)


def test_a_japanese_dateline_that_writes_its_day_takes_it() -> None:
    """【キャンベラ12日AAP】: the day is the dateline's, not the visit's in its sentence."""
    body = "【キャンベラ12日AAP】 豪首相が18日に来日し、首脳会談を行う予定だ。"
    found = read_publication_date("", body, date(2025, 1, 25))
    assert found.day == date(2025, 1, 12)


def test_a_correspondents_dateline_and_full_width_digits_are_read() -> None:
    """A paper's own correspondent (【ニューデリー＝記者名】) dates the page as an agency
    does, and Japanese papers write days and dates in full-width digits; a photo credit
    (【写真＝ロイター】) is no dateline."""
    body = "【ニューデリー＝山田太郎】外相は１６日、インドの外相と会談した。"
    found = read_publication_date("", body, date(2026, 1, 20))
    assert (found.day, found.how) == (date(2026, 1, 16), "dateline")
    full = read_publication_date("", "２０２６年１月１６日\n外相は会談した。", date(2026, 12, 4))
    assert full.day == date(2026, 1, 16)
    credit = "【写真＝ロイター】外相は１６日、インドの外相と会談した。"
    assert read_publication_date("", credit, date(2026, 1, 20)).day is None


@pytest.mark.parametrize(
    "body",
    [
        "The framework was signed in Tokyo on Tuesday (28.Oct.2025) by the two leaders.",
        "The framework was signed in Tokyo today (28.10.2025) by the two leaders.",
    ],
)
def test_dates_written_with_dots_are_read(body: str) -> None:
    assert read_publication_date("", body, SEEN).day == date(2025, 10, 28)


@pytest.mark.parametrize("stamp", ["10/28/2025 9:15:02 AM", "28/10/2025 09:15", "10/28/2025"])
def test_a_slashed_date_line_is_read_when_its_day_tells_the_order(stamp: str) -> None:
    body = f"{stamp}\nThe two leaders signed the framework in Tokyo."
    assert read_publication_date("", body, SEEN).day == date(2025, 10, 28)


def test_a_slashed_date_both_of_whose_numbers_could_be_the_month_is_not_read() -> None:
    body = "10/09/2025 9:15:02 AM\nThe two leaders signed the framework in Tokyo."
    assert read_publication_date("", body, SEEN).day is None


def test_no_date_in_the_future_and_none_invented() -> None:
    assert read_publication_date("", "Plans for March 3, 2031 were set out.", SEEN).day is None
    assert read_publication_date("A title", "No date anywhere in this text.", SEEN).day is None


def test_a_date_line_spans_the_header_it_came_from() -> None:
    body = "Headline\n\nMarch 28, 2023\n\nThe ministers will meet on March 30."
    found = read_publication_date("", body, SEEN)
    ((start, end),) = found.header_spans
    assert body[start:end] == "March 28, 2023"


@pytest.mark.parametrize(
    "body",
    [
        "Headline\n\nMarch 28, 2023\n\nTOKYO, March 28 (Reuters) - Talks. (2023/03/28-10:00)",
        "【ワシントン共同】外相は19日、会談した。\n2025年1月20日",
        "\n" * 30 + "Tuesday, November 05, 2024\nNo header this far down.",
        "No date anywhere in this text.",
    ],
)
def test_header_spans_are_those_the_date_reader_finds(body: str) -> None:
    """A page with a given date is not read for one, only for the spans that date it."""
    read = read_publication_date("A title (2024/01/02)", body, SEEN)
    assert header_spans(body, SEEN) == read.header_spans


@pytest.fixture(scope="module")
def classifier(default: Classifier) -> Classifier:
    return default


def test_the_classifier_reads_and_reports_the_text_date(classifier: Classifier) -> None:
    body = (
        "Press note\n\nMarch 2, 2025\n\nExternal Affairs Minister S. Jaishankar met Japanese "
        "Foreign Minister Takeshi Iwaya in Tokyo. The Quad foreign ministers will meet next "
        "month."
    )
    result = classifier.classify(DocumentText("d", "", body, "en"), today=SEEN)
    assert (result.published, result.date_source) == (date(2025, 3, 2), "text")
    assert any(c.due_from == date(2025, 4, 1) for c in result.commitments)  # "next month"


def test_a_given_date_wins_and_an_undated_page_is_observed(classifier: Classifier) -> None:
    body = "March 2, 2025\n\nExternal Affairs Minister S. Jaishankar met Takeshi Iwaya."
    given = classifier.classify(
        DocumentText("d", "", body, "en", date(2025, 3, 3), "metadata"), today=SEEN
    )
    assert (given.published, given.date_source) == (date(2025, 3, 3), "metadata")
    undated = classifier.classify(DocumentText("d", "", "Jaishankar met Iwaya.", "en"), today=SEEN)
    assert (undated.published, undated.date_source) == (None, "observed")


@pytest.mark.parametrize(
    ("body", "due"),
    [
        (
            "TOKYO, Jan 16 (Reuters) - Japanese Foreign Minister Takeshi Iwaya said the Quad "
            "foreign ministers will meet in March to review the partnership.",
            ["March"],
        ),
        # below a wire stamp; a country after the place
        (
            "(Wire) 15:14, January 16, 2025\nTOKYO, Jan. 16 (Wire) -- As agreed by the four "
            "governments, the Quad foreign ministers will meet in Tokyo on Jan. 20 to review "
            "the partnership.",
            ["Jan. 20"],
        ),
        (
            "Osaka, Western Japan, Jan. 16 (Wire Press)--Foreign Minister Takeshi Iwaya and "
            "External Affairs Minister S. Jaishankar at their first meeting Thursday agreed to "
            "hold the Quad foreign ministers' meeting soon.",
            [],
        ),
    ],
)
def test_a_dateline_is_never_a_due_date(classifier: Classifier, body: str, due: list[str]) -> None:
    result = classifier.classify(DocumentText("d", "", body, "en", date(2025, 1, 16)))
    assert [c.due_text for c in result.commitments] == due


def test_the_opening_date_that_dates_the_page_is_never_a_due_date(
    classifier: Classifier,
) -> None:
    """An outlet's stamp in the opening sentence dates the page; the same sentence's plan
    still counts."""
    body = (
        "NEW DELHI (Wire Desk / Agency - 12th December, 2025) The next round of the India-US "
        "2+2 ministerial dialogue will be held on December 18 in Washington, the ministry "
        "said on Thursday."
    )
    result = classifier.classify(DocumentText("d", "", body, "en"), today=SEEN)
    assert (result.published, result.date_source) == (date(2025, 12, 12), "text")
    assert [c.due_text for c in result.commitments] == ["December 18"]


def test_an_undated_archive_page_is_read_in_the_era_of_its_office_holders(
    classifier: Classifier,
) -> None:
    """An office reference resolves to the holder of the era the named people tell,
    not to today's holder."""
    body = (
        "Foreign Minister Yoko Kamikawa hosted the Quad foreign ministers in Tokyo. "
        "Japan's foreign minister said the group would meet again."
    )
    result = classifier.classify(DocumentText("d", "", body, "en"), today=SEEN)
    assert {a.id for a in result.actors} == {"jp.yoko-kamikawa"}
    assert result.date_source == "observed" and result.published is None


def test_a_japanese_name_written_with_its_office_tells_the_era(classifier: Classifier) -> None:
    """A name written with its office ("安倍首相") names the holder, as "Prime Minister
    Shinzo Abe" does: an undated page that calls two leaders so is read in the years
    both held office."""
    body = "【キャンベラ12日AAP】 ターンブル豪首相が18日に来日し、安倍首相と会談する予定だ。"
    result = classifier.classify(DocumentText("d", "", body, "ja"), today=SEEN)
    roles = {a.id: a.role for a in result.actors}
    assert roles == {
        "au.malcolm-turnbull": "Prime Minister of Australia",
        "jp.shinzo-abe": "Prime Minister of Japan",
    }
    assert result.published is not None
    assert date(2015, 9, 15) <= result.published <= date(2018, 8, 24)


def _pages() -> list[str]:
    """Bodies with date lines, datelines and wire stamps near and beyond the top."""
    filler = "The ministers discussed trade and security at length in the capital. "
    return [
        "Headline\n\nMarch 28, 2023\n\nTOKYO, March 28 (Reuters) - Talks. (2023/03/28-10:00)",
        "【ワシントン共同】外相は19日、会談した。\n2025年1月20日\n" + filler * 12,
        filler * 9 + "\nTuesday, November 05, 2024\n" + filler * 3 + "(2024/11/05-09:00)",
        filler * 10 + "(2024/11/05-09:00) " + filler + "\nMarch 3, 2024\n" + filler,
        "x" * 690 + "\nMarch 3, 2024 and more on this line\n" + filler * 2,
        "x" * 699 + "\n" + "March 3, 2024\n" + filler,
        "x" * 700 + "\n" + "March 3, 2024\n" + filler,
        "Newsroom\n20:00 JST, July 29, 2024\n" + filler * 20,
        filler * 20,
    ]


@pytest.mark.parametrize("body", _pages())
def test_the_page_dates_are_the_header_spans_wherever_asked_first(body: str) -> None:
    """Read lazily (the top only for a span that starts there), the answer is the same as
    against every header span, in any order of questions."""
    spans = header_spans(body, SEEN)

    def expected(start: int, end: int) -> bool:
        return any(lo < end and start < hi for lo, hi in spans)

    questions = [(s, s + w) for s in range(0, len(body), 7) for w in (1, 9, 40)]
    for start, end in questions:
        assert PageDates(body, None, SEEN).overlaps(start, end) == expected(start, end)
    shared = PageDates(body, None, SEEN)
    for start, end in random.Random(len(body)).sample(questions, len(questions)):
        assert shared.overlaps(start, end) == expected(start, end), (start, end)


def test_a_stale_site_stamp_that_the_office_holders_contradict_gives_way(
    classifier: Classifier,
) -> None:
    """A site's stamp above the article ("Tuesday, 02 January 2024") while the article
    names Secretary of State Marco Rubio (in office from 2025): the page's own later date
    line is its date. A date in a sentence would not replace it (any event's)."""
    body = (
        "Tuesday, 02 January 2024 12:17 GMT\n"
        "Quad Reveals Plan\n\n"
        "2025-07-02 05:28:42\n"
        "Secretary of State Marco Rubio met Foreign Minister Takeshi Iwaya in Washington."
    )
    result = classifier.classify(DocumentText("d", "", body, "en"), today=SEEN)
    assert (result.published, result.date_source) == (date(2025, 7, 2), "text")
    in_a_sentence = body.replace("2025-07-02 05:28:42\n", "") + " They last met on July 2, 2025."
    kept = classifier.classify(DocumentText("d", "", in_a_sentence, "en"), today=SEEN)
    assert kept.published == date(2024, 1, 2)
