"""HTML bytes -> an article's title, authors, published date, language and main text. Pure.

Decoding trusts the HTTP charset, then a BOM, then ``<meta charset>``, then
UTF-8; when all of those fail the charset is guessed and the article is marked
(``charset_mismatch``), so a wrong header costs a note, not the document. The
main text comes from trafilatura, or from the site's ``content_selector`` when
one is configured (official sites with a known layout). A page with no text
raises SourceError ``empty_document``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector

from producers.dates import find_date, parse_datetime
from schemas.errors import SourceError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "blockquote",
        "section",
        "article",
        "pre",
        "dd",
        "dt",
        "td",
    ]
)
DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


@dataclass(frozen=True)
class Article:
    """What a page says about itself; ``notes`` record anything we had to work around."""

    title: str
    text: str
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    language: str | None = None
    canonical_url: str | None = None
    method: str = "trafilatura"
    notes: tuple[str, ...] = ()


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    lowered = name.strip().lower()
    try:
        return codecs.lookup(_ALIASES.get(lowered, lowered)).name
    except LookupError:
        return None


def decode_html(data: bytes, declared: str | None, location: str) -> tuple[str, str | None]:
    """(text, note): the note is ``charset_mismatch`` when the declared charset was wrong."""
    if not data.strip():
        raise SourceError(f"{location}: the page is empty", reason="empty_document")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        raise SourceError(
            f"{location}: binary content (NUL bytes) where HTML was expected",
            reason="binary_content",
        )
    meta = _META_CHARSET.search(data[:4096])
    first = _codec(declared) or _codec(meta[1].decode("ascii", "replace") if meta else None)
    for encoding in dict.fromkeys(e for e in (first, "utf-8") if e):
        try:
            return data.decode(encoding), None if encoding == first or first is None else (
                "charset_mismatch"
            )
        except UnicodeDecodeError:
            continue
    if len(data) < 2048:  # too little to guess from: Windows-1252 is the usual culprit
        return data.decode("cp1252", errors="replace"), "charset_mismatch"
    guess = charset_normalizer.from_bytes(data[:500_000]).best()
    if guess is None or guess.encoding is None:
        raise SourceError(
            f"{location}: cannot decode the page (declared charset {declared!r} does not fit "
            "and none could be guessed)",
            reason="bad_encoding",
        )
    return data.decode(guess.encoding, errors="replace"), "charset_mismatch"


def parse_html(text: str, location: str) -> lxml.html.HtmlElement:
    """An lxml tree of the page (no network, no entities resolved from outside)."""
    try:
        tree = lxml.html.document_fromstring(
            _XML_DECL.sub("", text, count=1), parser=lxml.html.HTMLParser(no_network=True)
        )
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(
            f"{location}: not parseable as HTML: {exc}", reason="empty_document"
        ) from exc
    return tree


def block_text(node: lxml.html.HtmlElement) -> str:
    """Text of an element, one line per block element, scripts and styles left out."""
    lines = (" ".join(raw.split()) for raw in _text_lines(node))
    return "\n".join(line for line in lines if line)


def _text_lines(node: lxml.html.HtmlElement) -> list[str]:
    buffer: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        skip = not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript")
        block = isinstance(element.tag, str) and element.tag in _BLOCKS
        if not skip:
            if block:
                buffer.append("\n")
            buffer.append(element.text or "")
            for child in element:
                walk(child)
            if block:
                buffer.append("\n")
        buffer.append(element.tail or "")

    walk(node)
    buffer.pop()  # the node's own tail is outside it
    return "".join(buffer).split("\n")


def select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    """Elements matching a CSS selector (text and attribute results left out)."""
    found = CSSSelector(selector)(root)
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, lxml.html.HtmlElement)]


def _xpath_texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    found = root.xpath(xpath)
    if not isinstance(found, list):
        return []
    return [
        item.text_content() if isinstance(item, lxml.html.HtmlElement) else str(item)
        for item in found
        if isinstance(item, lxml.html.HtmlElement | str)
    ]


def first_text(tree: lxml.html.HtmlElement, selector: str | None) -> str:
    found = select(tree, selector) if selector else []
    return " ".join(found[0].text_content().split()) if found else ""


def _page_title(tree: lxml.html.HtmlElement) -> str:
    for xpath in ("//meta[@property='og:title']/@content", "//h1", "//title"):
        for value in _xpath_texts(tree, xpath)[:1]:
            if value.strip():
                return " ".join(value.split())
    return ""


def _canonical(tree: lxml.html.HtmlElement, url: str) -> str | None:
    xpath = "//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href"
    found = [href.strip() for href in _xpath_texts(tree, xpath) if href.strip()]
    return urljoin(url, found[0]) if found else None


def _language(tree: lxml.html.HtmlElement) -> str | None:
    lang = str(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    primary = lang.strip().split("-")[0].split("_")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _without_headline(text: str, title: str) -> str:
    """trafilatura keeps the <h1> as the first line; the title is a field of its own."""
    first, _, rest = text.partition("\n")
    return rest.strip() if title and " ".join(first.split()) == " ".join(title.split()) else text


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return parse_datetime(value)


def extract_article(
    data: bytes,
    url: str,
    *,
    declared_charset: str | None = None,
    content_selector: str | None = None,
    title_selector: str | None = None,
    date_selector: str | None = None,
) -> Article:
    """The article in a page; raises SourceError when there is no text to keep."""
    text, note = decode_html(data, declared_charset, url)
    tree = parse_html(text, url)
    canonical = _canonical(tree, url)
    language = _language(tree)
    title = first_text(tree, title_selector)
    date_text = first_text(tree, date_selector)
    published = parse_datetime(date_text) if date_text and find_date(date_text) else None
    body, method = "", "trafilatura"
    if content_selector:
        body = "\n".join(block_text(node) for node in select(tree, content_selector)).strip()
        method = "selector"
    fallback_title = _page_title(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=DATE_PARAMS,
    )
    if document is not None and not isinstance(document, dict):
        if not content_selector:  # a configured selector that finds nothing is an error
            body = _without_headline((document.text or "").strip(), document.title or "")
        title = title or " ".join((document.title or "").split())
        authors = tuple(a.strip() for a in (document.author or "").split(";") if a.strip())
        published = published or _date(document.date)
        language = language or document.language
    else:
        authors = ()
    if not body:
        raise SourceError(
            f"{url}: no article text found"
            + (f" under content_selector {content_selector!r}" if content_selector else ""),
            reason="empty_document",
        )
    return Article(
        title=title or fallback_title,
        text=body,
        authors=authors,
        published_at=published,
        language=language,
        canonical_url=canonical,
        method=method,
        notes=(note,) if note else (),
    )
