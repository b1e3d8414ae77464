"""Official statement sites: a listing page of links -> statements -> DocumentObserved.

Ministries publish press releases, joint statements, briefing transcripts and
speeches as a listing (often paginated) linking to one page per statement.
Per site, sources.yaml gives the listing URL and CSS selectors; the statement
page is read with the site's ``content_selector`` when set, else trafilatura.
``document_type: auto`` infers the type from the title. A listing on which the
link selector matches nothing fails loudly (``no_links``): the site changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from producers.checkpoints import SourceCheckpoint
from producers.dates import find_date, first_dated, parse_datetime
from producers.discovery import (
    Candidate,
    Discovery,
    IndexPage,
    Rejected,
    article_of,
    identity_url,
    make_event,
)
from producers.extract import decode_html, parse_html, select
from producers.fetch import Fetcher, FetchResult
from producers.sources import DocumentType, ListingConfig, SourceConfig
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from schemas.errors import InvalidURL, SourceError
from schemas.ids import canonical_url

_TYPE_RULES: tuple[tuple[re.Pattern[str], DocumentType], ...] = (
    (re.compile(r"\bjoint (statement|declaration|communiqu)", re.I), DocumentType.JOINT_STATEMENT),
    (
        re.compile(r"\b(transcript|briefing|press conference|press meet)\b", re.I),
        DocumentType.BRIEFING,
    ),
    (re.compile(r"\b(speech|remarks|address by|keynote)\b", re.I), DocumentType.SPEECH),
    (re.compile(r"\b(statement by|statement on|statement of)\b", re.I), DocumentType.STATEMENT),
)


def document_type_of(title: str, configured: DocumentType) -> str:
    """The configured type, or for ``auto`` the one the title announces (default press release)."""
    if configured is not DocumentType.AUTO:
        return configured.value
    for pattern, kind in _TYPE_RULES:
        if pattern.search(title):
            return kind.value
    return DocumentType.PRESS_RELEASE.value


@dataclass(frozen=True)
class ListingPage:
    links: tuple[Candidate, ...]
    next_url: str | None
    rejected: tuple[Rejected, ...] = ()


def _web_link(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` when it is a usable http(s) URL, else None."""
    try:
        target = urljoin(base, href.strip())
        canonical_url(target)
    except (ValueError, InvalidURL):
        return None
    return target if urlsplit(target).scheme in ("http", "https") else None


def parse_listing(
    data: bytes, url: str, listing: ListingConfig, charset: str | None = None
) -> ListingPage:
    """Links (with their text as title) and the next page of one listing page. Pure."""
    tree = parse_html(decode_html(data, charset, url)[0], url)
    links: list[Candidate] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for element in select(tree, listing.link_selector):
        anchor = element if element.tag == "a" else next(iter(select(element, "a[href]")), None)
        href = anchor.get("href") if anchor is not None else None
        if not href:
            continue
        try:
            target = urljoin(url, href.strip())
            key = canonical_url(target) if urlsplit(target).scheme in ("http", "https") else None
        except (ValueError, InvalidURL) as exc:  # a link no URL parser accepts
            rejected.append(
                Rejected(
                    f"{url}#link-{len(links) + len(rejected) + 1}",
                    SourceError(
                        f"{url}: link {href[:200]!r} is no valid URL: {exc}", reason="invalid_url"
                    ),
                    href.encode("utf-8", "replace")[:65536],
                )
            )
            continue
        if key is None or key in seen:
            continue  # mailto:, javascript: and the like are not statements; repeats neither
        seen.add(key)
        text = " ".join(element.text_content().split())
        found = find_date(text)
        links.append(
            Candidate(
                url=target,
                title=" ".join(anchor.text_content().split()) if anchor is not None else text,
                published_at=parse_datetime(found.isoformat()) if found else None,
            )
        )
    next_url = None
    if listing.next_selector:
        for element in select(tree, listing.next_selector):
            href = element.get("href")
            target = _web_link(url, href) if href else None
            if target is not None and target != url:
                next_url = target
                break
    return ListingPage(tuple(links), next_url, tuple(rejected))


class ListingReader:
    """An official-statement source given by a listing page and selectors."""

    def __init__(self, source: SourceConfig) -> None:
        if source.listing is None:
            raise ValueError(f"source {source.id} has no listing")
        self.source = source
        self.listing: ListingConfig = source.listing

    async def discover(self, fetcher: Fetcher, checkpoint: SourceCheckpoint) -> Discovery:
        found = Discovery()
        seen: set[str] = set()
        url: str | None = self.listing.url
        for page_number in range(1, self.listing.max_pages + 1):
            if url is None or len(found.candidates) >= self.source.max_items:
                break
            key = canonical_url(url)
            state = checkpoint.get(key)
            try:
                result = await fetcher.get(url, state.validators if state else None)
            except SourceError as exc:
                if page_number == 1:
                    raise
                found.warnings.append(exc)  # older pages: keep what the newer ones gave
                found.complete = False
                break
            found.fetches.append(result)
            index_page = IndexPage.of(key, result)
            found.index.append(index_page)
            if result.not_modified or index_page.unchanged_since(state):
                # this page and the older ones behind it are handled
                found.not_modified = page_number == 1
                break
            page = parse_listing(result.content, result.final_url, self.listing, result.charset)
            if not page.links and page_number == 1:
                raise SourceError(
                    f"{result.final_url}: link_selector {self.listing.link_selector!r} matched "
                    "no links; the site's layout may have changed, update sources.yaml",
                    reason="no_links",
                )
            found.rejected.extend(page.rejected)
            for link in page.links:
                if canonical_url(link.url) not in seen:
                    seen.add(canonical_url(link.url))
                    found.candidates.append(link)
            url = page.next_url
        del found.candidates[self.source.max_items :]
        return found

    def build(
        self,
        candidate: Candidate,
        page: FetchResult | None,
        error: SourceError | None,
        observed_at: datetime,
        producer: Producer,
    ) -> DocumentObserved:
        if error is not None:
            raise error
        if page is None:
            raise SourceError(f"{candidate.url}: no page", reason="no_page")
        article = article_of(
            page,
            content_selector=self.listing.content_selector,
            title_selector=self.listing.title_selector,
            date_selector=self.listing.date_selector,
        )
        title = article.title or candidate.title
        return make_event(
            self.source,
            url=identity_url(page, article, candidate.url),
            title=title,
            body=article.text,
            producer=producer,
            observed_at=observed_at,
            published=first_dated(
                (article.published_at, "metadata"), (candidate.published_at, "record")
            ),
            language=article.language,
            authors=article.authors,
            document_type=document_type_of(title, self.listing.document_type),
            extraction=";".join((article.method, *article.notes)),
            content_type=page.media_type,
        )
