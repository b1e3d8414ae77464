"""RSS and Atom feeds -> the articles they link to -> DocumentObserved.

``parse_feed`` is pure: bytes we fetched ourselves (feedparser never touches
the network) in, candidates out. Before feedparser sees them, the bytes go
through defusedxml with entities and external references forbidden, so an XML
bomb or an XXE attempt is refused (``xml_entities_forbidden``). A feed that is
not well-formed XML (truncated, undefined entities) is still read by
feedparser's lenient parser; what it yields is used and the source is marked
``malformed_xml``. Each entry's article is fetched and extracted; when that
fails for good, the feed's summary is kept and marked ``feed_summary:<reason>``.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
import lxml.etree
import lxml.html
from defusedxml import DefusedXmlException

from producers.checkpoints import SourceCheckpoint
from producers.dates import first_dated
from producers.discovery import (
    SUMMARY_PREFIX,
    Candidate,
    Discovery,
    IndexPage,
    Rejected,
    article_of,
    identity_url,
    make_event,
)
from producers.fetch import Fetcher, FetchResult
from producers.sources import SourceConfig
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from schemas.errors import InvalidURL, SourceError
from schemas.ids import canonical_url

NEWS_ARTICLE = "news_article"


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[Candidate, ...]
    rejected: tuple[Rejected, ...] = ()
    warning: SourceError | None = None


def check_xml(data: bytes, location: str) -> ParseError | None:
    """Refuse entity declarations and external references; return a well-formedness error."""
    if b"<!ENTITY" in data:
        raise SourceError(
            f"{location}: the feed declares XML entities (<!ENTITY>), refused as a possible "
            "XML bomb or external-entity attack",
            reason="xml_entities_forbidden",
        )
    try:
        defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise SourceError(
            f"{location}: refused unsafe XML ({type(exc).__name__})",
            reason="xml_entities_forbidden",
        ) from exc
    except ParseError as exc:
        return exc
    return None


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries), paragraphs on their own lines."""
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return " ".join(fragment.split())
    for block in root.iter("p", "br", "li", "div", "h1", "h2", "h3"):
        block.tail = "\n" + (block.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        stamp = entry.get(key)
        if isinstance(stamp, time.struct_time):
            return datetime(*stamp[:6], tzinfo=UTC)
    return None


def _authors(entry: Any) -> tuple[str, ...]:
    names = [str(a.get("name") or "").strip() for a in entry.get("authors") or [] if a]
    if not any(names) and entry.get("author"):
        names = [str(entry["author"]).strip()]
    return tuple(n for n in names if n)


def _link_problem(base: str, link: str) -> tuple[str, str] | None:
    """(reason, message) when an entry's link cannot name a document, else None."""
    try:
        target = urljoin(base, link) if link else ""
        scheme = urlsplit(target).scheme
    except ValueError as exc:  # urljoin parses the link: unbalanced brackets, for one
        return "invalid_url", f"has a link that is no valid URL ({link[:200]!r}): {exc}"
    if scheme not in ("http", "https"):
        return "entry_without_link", f"has no http(s) link ({link[:200]!r})"
    try:
        canonical_url(target)
    except InvalidURL as exc:
        return "invalid_url", f"has a link that is no valid URL: {exc}"
    return None


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of an RSS/Atom document; SourceError when it is not a usable feed."""
    malformed = check_xml(data, url)
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
    )
    if not parsed.get("version") and not parsed.entries:
        looks_html = b"<html" in data[:4096].lower() or "html" in (content_type or "")
        looks_xml = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"
        if malformed is not None and looks_xml and not looks_html:
            raise SourceError(f"{url}: not well-formed XML: {malformed}", reason="malformed_xml")
        raise SourceError(
            f"{url}: not an RSS or Atom feed (content type {content_type!r}); check the feed URL",
            reason="not_a_feed",
        )
    entries: list[Candidate] = []
    rejected: list[Rejected] = []
    for number, entry in enumerate(parsed.entries, start=1):
        link = str(entry.get("link") or "").strip()
        problem = _link_problem(url, link)
        if problem is not None:
            title = str(entry.get("title") or "")[:200]
            rejected.append(
                Rejected(
                    f"{url}#entry-{number}",
                    SourceError(
                        f"{url}: entry {number} ({title!r}) {problem[1]}", reason=problem[0]
                    ),
                    repr(dict(entry)).encode("utf-8")[:65536],
                )
            )
            continue
        target = urljoin(url, link)
        summary = entry.get("summary") or ""
        if not summary and entry.get("content"):
            summary = entry["content"][0].get("value") or ""
        entries.append(
            Candidate(
                url=target,
                title=" ".join(str(entry.get("title") or "").split()),
                summary=html_to_text(str(summary)),
                published_at=_when(entry),
                authors=_authors(entry),
                external_id=str(entry.get("id") or "") or None,
            )
        )
    if malformed is not None and not entries and not rejected:
        raise SourceError(f"{url}: not well-formed XML: {malformed}", reason="malformed_xml")
    warning = None
    if malformed is not None:
        warning = SourceError(
            f"{url}: feed is not well-formed XML ({malformed}); {len(entries)} entries were "
            "still read, later ones may be missing",
            reason="malformed_xml",
        )
    title = " ".join(str(parsed.feed.get("title") or "").split())
    return ParsedFeed(title, tuple(entries), tuple(rejected), warning)


class FeedReader:
    """A news source given by an RSS/Atom feed."""

    def __init__(self, source: SourceConfig) -> None:
        self.source = source

    async def discover(self, fetcher: Fetcher, checkpoint: SourceCheckpoint) -> Discovery:
        url = self.source.entry_url
        key = canonical_url(url)
        state = checkpoint.get(key)
        result = await fetcher.get(url, state.validators if state else None)
        page = IndexPage.of(key, result)
        found = Discovery(fetches=[result], index=[page])
        if result.not_modified or page.unchanged_since(state):
            found.not_modified = True
            return found
        feed = parse_feed(result.content, result.final_url, result.content_type)
        seen: set[str] = set()
        for entry in feed.entries:
            if canonical_url(entry.url) not in seen:
                seen.add(canonical_url(entry.url))
                found.candidates.append(entry)
        del found.candidates[self.source.max_items :]
        found.rejected.extend(feed.rejected)
        if feed.warning is not None:
            found.warnings.append(feed.warning)
        return found

    def build(
        self,
        candidate: Candidate,
        page: FetchResult | None,
        error: SourceError | None,
        observed_at: datetime,
        producer: Producer,
    ) -> DocumentObserved:
        article = None
        if page is not None and error is None:
            try:
                article = article_of(page)
            except SourceError as exc:
                error = exc
        if article is None:
            problem = error or SourceError(f"{candidate.url}: no page", reason="no_page")
            if not candidate.summary:
                raise problem
            return make_event(
                self.source,
                url=identity_url(page, None, candidate.url),
                title=candidate.title,
                body=candidate.summary,
                producer=producer,
                observed_at=observed_at,
                published=first_dated((candidate.published_at, "record")),
                language=None,
                authors=candidate.authors,
                document_type=NEWS_ARTICLE,
                extraction=f"{SUMMARY_PREFIX}{problem.reason}",
                content_type=page.media_type if page else None,
                external_id=candidate.external_id,
            )
        return make_event(
            self.source,
            url=identity_url(page, article, candidate.url),
            title=article.title or candidate.title,
            body=article.text,
            producer=producer,
            observed_at=observed_at,
            published=first_dated(
                (candidate.published_at, "record"), (article.published_at, "metadata")
            ),
            language=article.language,
            authors=article.authors or candidate.authors,
            document_type=NEWS_ARTICLE,
            extraction=";".join((article.method, *article.notes)),
            content_type=page.media_type if page else None,
            external_id=candidate.external_id,
        )
