"""Every reader says where a document's publication date came from (``date_source``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from producers.dates import first_dated
from producers.discovery import Candidate
from producers.feeds import FeedReader
from producers.fetch_types import FetchResult, Validators
from producers.files import FileDefaults, parse_path
from producers.intake import DocumentIn, IntakeConfig, to_event
from producers.official import ListingReader
from producers.sources import ListingConfig, SourceConfig
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from tests.fixtures.web.server import ROOT

PRODUCER = Producer(name="test", version="1")
NOW = datetime(2026, 4, 1, 9, tzinfo=UTC)
BASE = "https://news.example"
ARTICLE = "news/articles/quad-maritime-tokyo.html"  # its HTML metadata says 2026-03-12 04:00
UNDATED_PAGE = (
    b"<html lang='en'><head><title>Working group meets</title></head><body><article>"
    b"<h1>Working group meets</h1><p>The joint working group met for the first time and "
    b"agreed on a work plan covering supply chains, recycling and joint research.</p>"
    b"<p>Officials from both ministries attended the session in the capital.</p>"
    b"</article></body></html>"
)


def _page(content: bytes, url: str) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        status=200,
        content=content,
        content_type="text/html; charset=utf-8",
        validators=Validators(),
        elapsed_s=0.1,
        attempts=1,
    )


def _fixture(path: str) -> bytes:
    return (ROOT / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def _file_event(path: Path) -> DocumentObserved:
    [item] = parse_path(path, FileDefaults(), 10**7)
    assert item.event is not None, item.error
    return item.event


def test_the_first_known_date_wins_and_none_is_observed() -> None:
    day = datetime(2026, 3, 1, tzinfo=UTC)
    assert first_dated((None, "record"), (day, "metadata")) == (day, "metadata")
    assert first_dated((day, "record"), (NOW, "metadata")) == (day, "record")
    assert first_dated((None, "record"), (None, "metadata")) == (None, "observed")


def test_a_plain_text_files_date_line_is_text(tmp_path: Path) -> None:
    dated = tmp_path / "dated.txt"
    dated.write_text("Ministers meet\nNew Delhi, 12 March 2026\n\nThey met.\n", encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("Ministers meet\n\nThey met on Monday.\n", encoding="utf-8")
    event = _file_event(dated)
    assert (event.published_at, event.date_source) == (datetime(2026, 3, 12, tzinfo=UTC), "text")
    event = _file_event(undated)
    assert (event.published_at, event.date_source) == (None, "observed")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_records_published_field_is_record(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"docs{suffix}"
    if suffix == ".jsonl":
        rows = [
            {"url": "https://x.example/a", "text": "Body", "published": "2026-03-02T10:00:00Z"},
            {"url": "https://x.example/b", "text": "Body"},
        ]
        path.write_bytes(b"\n".join(orjson.dumps(r) for r in rows))
    else:
        path.write_text(
            "url,text,published\nhttps://x.example/a,Body,2026-03-02T10:00:00Z\n"
            "https://x.example/b,Body,\n",
            encoding="utf-8",
        )
    first, second = (i.event for i in parse_path(path, FileDefaults(), 10**7))
    assert first is not None and second is not None
    assert first.date_source == "record" and first.published_at is not None
    assert second.date_source == "observed" and second.published_at is None


def test_a_saved_pages_metadata_date_is_metadata(tmp_path: Path) -> None:
    dated = tmp_path / "dated.html"
    dated.write_bytes(_fixture(ARTICLE))
    undated = tmp_path / "undated.html"
    undated.write_bytes(UNDATED_PAGE)
    assert _file_event(dated).date_source == "metadata"
    assert _file_event(undated).date_source == "observed"


def test_an_intake_requests_published_at_is_record() -> None:
    config = IntakeConfig(tokens=(), producer=PRODUCER)
    dated = DocumentIn(text="Body", published_at=datetime(2026, 3, 2, tzinfo=UTC))
    assert to_event(dated, config, "intake").date_source == "record"
    assert to_event(DocumentIn(text="Body"), config, "intake").date_source == "observed"


def _feed_reader() -> FeedReader:
    return FeedReader(SourceConfig(id="news", kind="news", feed=BASE + "/feed.xml"))


def test_a_feed_entrys_date_is_record_and_wins_over_the_page() -> None:
    entry = Candidate(url=BASE + "/a.html", published_at=datetime(2026, 3, 11, tzinfo=UTC))
    event = _feed_reader().build(
        entry, _page(_fixture(ARTICLE), BASE + "/a.html"), None, NOW, PRODUCER
    )
    assert (event.published_at, event.date_source) == (entry.published_at, "record")


def test_a_feed_entry_without_a_date_takes_the_pages_metadata() -> None:
    entry = Candidate(url=BASE + "/a.html")
    event = _feed_reader().build(
        entry, _page(_fixture(ARTICLE), BASE + "/a.html"), None, NOW, PRODUCER
    )
    assert event.published_at == datetime(2026, 3, 12, 4, tzinfo=UTC)
    assert event.date_source == "metadata"
    page = _page(UNDATED_PAGE, BASE + "/b.html")
    event = _feed_reader().build(Candidate(url=BASE + "/b.html"), page, None, NOW, PRODUCER)
    assert (event.published_at, event.date_source) == (None, "observed")


def test_a_feed_summary_keeps_its_entrys_date_as_record() -> None:
    entry = Candidate(
        url=BASE + "/gone.html", summary="A summary.", published_at=datetime(2026, 3, 9, tzinfo=UTC)
    )
    event = _feed_reader().build(entry, None, None, NOW, PRODUCER)
    assert event.date_source == "record"
    undated = Candidate(url=BASE + "/gone2.html", summary="A summary.")
    assert _feed_reader().build(undated, None, None, NOW, PRODUCER).date_source == "observed"


def test_an_official_pages_date_is_metadata_else_the_listing_lines_record() -> None:
    reader = ListingReader(
        SourceConfig(
            id="mea",
            kind="official_statement",
            listing=ListingConfig(
                url="https://mea.example/press/index.html",
                link_selector="ul.press-list li a",
                content_selector="div.statement-body",
                title_selector="h2.statement-title",
                date_selector="p.statement-date",
            ),
        )
    )
    url = "https://mea.example/press/statements/joint-statement-india-japan-2026.html"
    statement = (ROOT / "mea/press/statements/joint-statement-india-japan-2026.html").read_bytes()
    listed = Candidate(url=url, published_at=datetime(2026, 3, 13, tzinfo=UTC))
    event = reader.build(listed, _page(statement, url), None, NOW, PRODUCER)
    assert (event.published_at, event.date_source) == (
        datetime(2026, 3, 12, tzinfo=UTC),
        "metadata",
    )
    bare = ListingReader(
        reader.source.model_copy(
            update={
                "listing": ListingConfig(
                    url="https://mea.example/press/index.html", link_selector="a"
                )
            }
        )
    )
    page = _page(UNDATED_PAGE, "https://mea.example/u.html")
    event = bare.build(
        Candidate(url="https://mea.example/u.html", published_at=listed.published_at),
        page,
        None,
        NOW,
        PRODUCER,
    )
    assert (event.published_at, event.date_source) == (listed.published_at, "record")
    event = bare.build(Candidate(url="https://mea.example/u.html"), page, None, NOW, PRODUCER)
    assert (event.published_at, event.date_source) == (None, "observed")
