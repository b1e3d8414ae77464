"""Feeds -> candidates: RSS, Atom, and every kind of broken or hostile XML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.feeds import html_to_text, parse_feed
from schemas.errors import SourceError
from tests.fixtures.web.server import ROOT

BASE = "https://news.example"


def fixture(path: str) -> bytes:
    return (ROOT / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_rss_entries_carry_link_title_summary_date_and_author() -> None:
    feed = parse_feed(fixture("news/feed.xml"), BASE + "/news/feed.xml", "application/rss+xml")
    assert feed.title == "Example News Network — Asia"
    assert feed.warning is None and feed.rejected == ()
    first, second, third = feed.entries
    assert first.url == (
        BASE + "/news/articles/quad-maritime-tokyo.html?utm_source=rss&utm_medium=feed"
    )
    assert first.title == "Quad foreign ministers agree maritime awareness push in Tokyo"
    assert first.summary.startswith("The four foreign ministers met in Tokyo")
    assert first.published_at == datetime(2026, 3, 12, 4, 0, tzinfo=UTC)
    assert first.authors == ("Meera Iyengar",)
    assert first.external_id == "enn-2026-0312-quad"
    assert second.published_at == datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    assert third.authors == ()


def test_atom_entries_with_several_authors() -> None:
    feed = parse_feed(fixture("news/atom.xml"), BASE + "/news/atom.xml")
    [entry] = feed.entries
    assert entry.url == BASE + "/news/articles/quad-analysis.html"
    assert entry.authors == ("Ravi Shenoy", "Aiko Tanabe")
    assert entry.published_at == datetime(2026, 3, 12, 10, 0, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed() -> None:
    data = (
        b'<rss version="2.0"><channel><title>t</title><item><title>a</title>'
        b"<link>/a/b.html</link></item></channel></rss>"
    )
    [entry] = parse_feed(data, "https://x.example/feeds/rss.xml").entries
    assert entry.url == "https://x.example/a/b.html"


def test_entries_whose_links_no_url_parser_accepts_are_rejected_with_the_reason() -> None:
    links = ["http://x:abc/a", "https://[::1", "http://a:99999999/", "/ok.html"]
    items = "".join(
        f"<item><title>e{n}</title><link>{link}</link></item>" for n, link in enumerate(links)
    )
    data = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    feed = parse_feed(data, "https://x.example/feeds/rss.xml")
    assert [e.url for e in feed.entries] == ["https://x.example/ok.html"]
    # feedparser itself drops a link with unbalanced brackets: that entry has no link at all
    reasons = ["invalid_url", "entry_without_link", "invalid_url"]
    assert [r.error.reason for r in feed.rejected] == reasons
    assert "entry 1 ('e0')" in str(feed.rejected[0].error)


def test_a_truncated_feed_keeps_its_complete_entries_and_says_it_is_broken() -> None:
    feed = parse_feed(fixture("broken/truncated.xml"), BASE + "/broken/truncated.xml")
    assert [e.title for e in feed.entries] == ["Quad maritime push"]
    assert feed.warning is not None and feed.warning.reason == "malformed_xml"
    [rejected] = feed.rejected
    assert rejected.error.reason == "entry_without_link"
    assert "Minerals group" in str(rejected.error)


def test_undefined_entities_are_read_leniently_but_flagged() -> None:
    feed = parse_feed(fixture("broken/undefined-entity.xml"), BASE + "/u.xml")
    assert len(feed.entries) == 1
    assert feed.warning is not None and "undefined entity" in str(feed.warning)


@pytest.mark.parametrize("name", ["bomb.xml", "xxe.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_feed(fixture(f"broken/{name}"), BASE + "/" + name)
    assert caught.value.reason == "xml_entities_forbidden"


def test_an_external_dtd_is_neither_fetched_nor_fatal() -> None:
    feed = parse_feed(fixture("broken/param-entity.xml"), BASE + "/p.xml")
    assert [e.title for e in feed.entries] == ["Fine"]


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (ROOT.joinpath("broken/not-a-feed.html").read_bytes(), "text/html", "not_a_feed"),
        (b'{"items": []}', "application/json", "not_a_feed"),
        (b"<rss><channel", "application/xml", "malformed_xml"),
        (b"", "application/xml", "not_a_feed"),
    ],
)
def test_not_a_feed(data: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_feed(data, BASE + "/feed", content_type)
    assert caught.value.reason == reason


def test_a_cut_entry_without_link_is_rejected_not_lost() -> None:
    feed = parse_feed(b"<rss><channel><item><title>cut", BASE + "/feed")
    assert feed.entries == ()
    assert [r.error.reason for r in feed.rejected] == ["entry_without_link"]
    assert feed.warning is not None and feed.warning.reason == "malformed_xml"


def test_summaries_become_plain_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\nThree\nfour"
    assert html_to_text("") == ""


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_arbitrary_bytes_raise_only_our_errors(data: bytes) -> None:
    try:
        feed = parse_feed(data, BASE + "/fuzz.xml")
    except SourceError:
        return
    assert all(e.url.startswith(("http://", "https://")) for e in feed.entries)
