"""Pages -> article fields: trafilatura and site selectors, charsets, pages without text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.extract import Article, block_text, decode_html, extract_article, parse_html
from schemas.errors import SourceError
from tests.fixtures.web.server import ROOT

BASE = "https://news.example"


def fixture(path: str) -> bytes:
    return (ROOT / path).read_bytes().replace(b"{{BASE}}", BASE.encode())


def test_news_article_fields_come_from_the_page() -> None:
    url = BASE + "/news/articles/quad-maritime-tokyo.html"
    article = extract_article(fixture("news/articles/quad-maritime-tokyo.html"), url)
    assert article.title == "Quad foreign ministers agree maritime awareness push in Tokyo"
    assert article.authors == ("Meera Iyengar",)
    assert article.published_at == datetime(2026, 3, 12, 4, 0, tzinfo=UTC)
    assert article.language == "en"  # from lang="en-IN"
    assert article.canonical_url == url
    assert article.method == "trafilatura" and article.notes == ()
    assert article.text.startswith("TOKYO — Foreign ministers of the four Quad countries")
    assert "Centre for Ocean Studies" in article.text
    for boilerplate in ("Advertisement", "More from Asia", "All rights reserved", "window.enn"):
        assert boilerplate not in article.text


def test_several_authors_are_split() -> None:
    article = extract_article(
        fixture("news/articles/quad-analysis.html"), BASE + "/news/articles/quad-analysis.html"
    )
    assert article.authors == ("Ravi Shenoy", "Aiko Tanabe")


def test_site_selectors_pick_title_date_and_text() -> None:
    article = extract_article(
        fixture("mea/press/statements/joint-statement-india-japan-2026.html"),
        "https://mea.example/press/statements/joint.html",
        content_selector="div.statement-body",
        title_selector="h2.statement-title",
        date_selector="p.statement-date",
    )
    assert article.method == "selector"
    assert article.title.startswith("Joint Statement on the India–Japan")
    assert article.published_at == datetime(2026, 3, 12, tzinfo=UTC)
    lines = article.text.split("\n")
    assert len(lines) == 4 and lines[0].startswith("The Prime Minister of India")
    assert "Share:" not in article.text and "Media Center" not in article.text


def test_a_wrong_charset_header_is_survived_and_noted() -> None:
    data = fixture("broken/wrong-charset.html")
    article = extract_article(data, BASE + "/x.html", declared_charset="utf-8")
    assert "Délégués" in article.text and "café" in article.text
    assert article.notes == ("charset_mismatch",)
    text, note = decode_html("Café".encode("cp1252"), None, "x")
    assert (text, note) == ("Café", "charset_mismatch")
    assert decode_html("Café".encode(), "utf-8", "x") == ("Café", None)
    assert decode_html(b"\xef\xbb\xbfhi", "latin-1", "x") == ("hi", None)  # a BOM wins


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty_document"),
        (b"   \n ", "empty_document"),
        (b"<html><head><title>Only a head</title></head></html>", "empty_document"),
        (b"\x00\x01\x02\x03PK binary", "binary_content"),
    ],
)
def test_pages_without_text_raise_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        extract_article(data, BASE + "/empty.html")
    assert caught.value.reason == reason
    assert BASE + "/empty.html" in str(caught.value)


def test_a_content_selector_that_matches_nothing_says_so() -> None:
    with pytest.raises(SourceError, match=r"under content_selector 'div\.nope'") as caught:
        extract_article(
            fixture("mea/press/statements/press-release-minerals.html"),
            "https://mea.example/p.html",
            content_selector="div.nope",
        )
    assert caught.value.reason == "empty_document"


def test_block_text_keeps_one_line_per_block_and_drops_scripts() -> None:
    tree = parse_html(
        "<div><p>One <b>bold</b></p><script>x()</script><ul><li>a</li><li>b</li></ul>tail</div>",
        "x",
    )
    assert block_text(tree.body[0]) == "One bold\na\nb\ntail"


def test_xhtml_with_an_xml_declaration_parses() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>T</title></head><body><article><p>"
        + "Quad partners met in Delhi. " * 20
        + "</p></article></body></html>"
    )
    article = extract_article(page.encode(), BASE + "/x.xhtml")
    assert isinstance(article, Article) and "Quad partners" in article.text


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_raise_only_our_errors(data: bytes) -> None:
    try:
        article = extract_article(data, BASE + "/fuzz.html")
    except SourceError:
        return
    assert article.text
