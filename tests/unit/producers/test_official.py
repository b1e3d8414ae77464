"""Official listings -> links to statements; titles -> document types. Pure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from producers.official import document_type_of, parse_listing
from producers.sources import DocumentType, ListingConfig
from schemas.errors import SourceError
from tests.fixtures.web.server import ROOT

MEA = ListingConfig(
    url="https://mea.example/press/index.html",
    link_selector="ul.press-list li a",
    next_selector="a.next",
    max_pages=3,
)


def test_listing_links_are_absolute_deduplicated_and_dated() -> None:
    page = parse_listing(
        (ROOT / "mea/press/index.html").read_bytes(), "https://mea.example/press/index.html", MEA
    )
    assert [c.url for c in page.links] == [
        "https://mea.example/press/statements/joint-statement-india-japan-2026.html",
        "https://mea.example/press/statements/briefing-transcript-march-2026.html",
    ]  # the mailto: link is skipped
    assert page.links[0].title.startswith("Joint Statement on the India–Japan")
    assert page.next_url == "https://mea.example/press/page-2.html"


def test_links_no_url_parser_accepts_are_rejected_and_the_good_ones_kept() -> None:
    html = (
        b'<ul class="press-list"><li><a href="http://x:abc/">a</a></li>'
        b'<li><a href="https://[::1">b</a></li><li><a href="/press/ok.html">c</a></li>'
        b'<li><a href="javascript:void(0)">menu</a></li></ul><a class="next" href="http://n:x/">n</a>'
    )
    page = parse_listing(html, "https://mea.example/press/index.html", MEA)
    assert [c.url for c in page.links] == ["https://mea.example/press/ok.html"]
    assert [r.error.reason for r in page.rejected] == ["invalid_url", "invalid_url"]
    assert "'http://x:abc/'" in str(page.rejected[0].error)
    assert page.next_url is None  # a next link that is no URL ends the listing


def test_dates_written_next_to_links_are_kept_when_the_selector_spans_them() -> None:
    listing = MEA.model_copy(update={"link_selector": "ul.press-list li"})
    page = parse_listing(
        (ROOT / "mea/press/index.html").read_bytes(), "https://mea.example/press/", listing
    )
    assert page.links[0].published_at == datetime(2026, 3, 12, tzinfo=UTC)
    assert page.links[0].title.startswith("Joint Statement")  # the anchor's text, not the date


def test_last_page_has_no_next_and_tracking_variants_collapse() -> None:
    page = parse_listing(
        (ROOT / "mea/press/page-2.html").read_bytes(), "https://mea.example/press/page-2.html", MEA
    )
    assert page.next_url is None
    assert len(page.links) == 2  # ?ref=archive is another URL here; the harvester folds it


def test_undecodable_listing_raises_our_error() -> None:
    with pytest.raises(SourceError) as caught:
        parse_listing(b"\x00\x00\x00", "https://mea.example/", MEA)
    assert caught.value.reason == "binary_content"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Joint Statement on the India–Japan Partnership", "joint_statement"),
        ("India-Japan Joint Declaration on Security Cooperation", "joint_statement"),
        ("Transcript of Special Briefing by Foreign Secretary", "briefing"),
        ("Weekly Media Briefing by the Official Spokesperson", "briefing"),
        ("Speech by the Foreign Minister at the Indo-Pacific Forum", "speech"),
        ("Remarks by External Affairs Minister at the Quad meeting", "speech"),
        ("Statement by the Press Secretary on the cable pilot", "statement"),
        ("India and Japan hold first meeting of the working group", "press_release"),
    ],
)
def test_document_type_from_title(title: str, expected: str) -> None:
    assert document_type_of(title, DocumentType.AUTO) == expected


def test_a_configured_document_type_wins() -> None:
    assert document_type_of("Joint Statement", DocumentType.SPEECH) == "speech"
