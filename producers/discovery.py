"""What a source reader finds on its feed or listing, and how a page becomes an event.

Each reader (``feeds``, ``official``) answers two questions: which article URLs
does the source list now (``discover``, I/O), and what event does one fetched
article make (``build``, pure and CPU-bound, run in a worker thread).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from urllib.parse import urlsplit

from producers.checkpoints import SourceCheckpoint, UrlState
from producers.extract import Article, extract_article
from producers.fetch import Fetcher, FetchResult, Validators
from producers.sources import SourceConfig
from schemas.deadletter import DeadLetter, encode_bytes
from schemas.documents import (
    MAX_BODY_CHARS,
    DateSource,
    DocumentObserved,
    FetchInfo,
    SourceRef,
    observe_document,
)
from schemas.envelope import Producer, utcnow
from schemas.errors import InvalidURL, SourceError
from schemas.ids import canonical_url, document_id_for_url, event_id_for

SUMMARY_PREFIX = "feed_summary:"  # extraction mark of an event built from a feed summary
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/plain"})


@dataclass(frozen=True)
class Candidate:
    """An article the source links to, with what the listing or feed says about it."""

    url: str
    title: str = ""
    summary: str = ""
    published_at: datetime | None = None
    authors: tuple[str, ...] = ()
    external_id: str | None = None


@dataclass(frozen=True)
class Rejected:
    """Something on the feed or listing that cannot become a candidate."""

    location: str
    error: SourceError
    raw: bytes = b""


@dataclass(frozen=True)
class IndexPage:
    """A feed or listing page, remembered once every item on it is handled.

    ``digest`` (of the body) lets a site that sends no ETag or Last-Modified still
    skip an unchanged page.
    """

    key: str
    validators: Validators
    digest: str | None = None

    @classmethod
    def of(cls, key: str, result: FetchResult) -> IndexPage:
        digest = None if result.not_modified else body_digest(result.content)
        return cls(key, result.validators, digest)

    def unchanged_since(self, state: UrlState | None) -> bool:
        return state is not None and self.digest is not None and state.revision == self.digest


def body_digest(data: bytes) -> str:
    return "b" + hashlib.blake2b(data, digest_size=12).hexdigest()


@dataclass
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    index: list[IndexPage] = field(default_factory=list)
    fetches: list[FetchResult] = field(default_factory=list)
    warnings: list[SourceError] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    not_modified: bool = False
    complete: bool = True  # False: a page could not be read, so the index is not remembered


class SourceReader(Protocol):
    source: SourceConfig

    async def discover(self, fetcher: Fetcher, checkpoint: SourceCheckpoint) -> Discovery:
        """Fetch the feed or listing (conditionally) and list what it links to."""
        ...

    def build(
        self,
        candidate: Candidate,
        page: FetchResult | None,
        error: SourceError | None,
        observed_at: datetime,
        producer: Producer,
    ) -> DocumentObserved:
        """The event for one article; raises SourceError when there is nothing to keep."""
        ...


def source_ref(source: SourceConfig) -> SourceRef:
    return SourceRef(
        id=source.id,
        kind=source.kind,
        name=source.name or source.id,
        country=source.country,
        url=source.entry_url,
    )


def article_of(
    page: FetchResult,
    *,
    content_selector: str | None = None,
    title_selector: str | None = None,
    date_selector: str | None = None,
) -> Article:
    """Extract a fetched page; anything but HTML (or text) is refused with its type."""
    if page.media_type not in HTML_TYPES:
        raise SourceError(
            f"{page.final_url}: content type {page.media_type!r} is not HTML",
            reason="unsupported_content_type",
        )
    return extract_article(
        page.content,
        page.final_url,
        declared_charset=page.charset,
        content_selector=content_selector,
        title_selector=title_selector,
        date_selector=date_selector,
    )


def identity_url(page: FetchResult | None, article: Article | None, fallback: str) -> str:
    """The URL whose canonical form names the document.

    The page's rel=canonical wins when it stays on the same host (it folds AMP
    and print variants into one document); otherwise the URL after redirects.
    """
    url = page.final_url if page is not None else fallback
    declared = article.canonical_url if article is not None else None
    if not declared:
        return url
    try:
        same_host = urlsplit(canonical_url(declared)).netloc == urlsplit(canonical_url(url)).netloc
    except InvalidURL:  # a page's own claim, and a broken one: the URL it was fetched at names it
        return url
    return declared if same_host else url


def make_event(
    source: SourceConfig,
    *,
    url: str,
    title: str,
    body: str,
    producer: Producer,
    observed_at: datetime,
    published: tuple[datetime | None, DateSource],
    language: str | None,
    authors: tuple[str, ...],
    document_type: str | None,
    extraction: str,
    content_type: str | None,
    external_id: str | None = None,
) -> DocumentObserved:
    """``published``: the publication time and where it came from (see ``first_dated``)."""
    truncated = len(body) > MAX_BODY_CHARS
    return observe_document(
        document_id=document_id_for_url(url),
        source=source_ref(source),
        title=" ".join(title.split())[:2000],
        body=body[:MAX_BODY_CHARS],
        producer=producer,
        published_at=published[0],
        date_source=published[1],
        observed_at=observed_at,
        url=canonical_url(url),
        external_id=(external_id or None) and external_id[:500],
        language=(language or source.language)[:16],
        authors=tuple(a[:200] for a in authors[:20]),
        document_type=document_type,
        fetch=FetchInfo(
            method="http",
            location=url[:4096],
            content_type=(content_type or None) and content_type[:200],
            truncated=truncated,
            extraction=extraction[:100],
        ),
    )


def fetch_deadletter(
    source_id: str, location: str, error: SourceError, raw: bytes, producer: Producer
) -> DeadLetter:
    """The dead letter of an article or entry; its id is the same every time it fails so."""
    now = utcnow()
    event_id = event_id_for(source_id, location, DeadLetter.EVENT_TYPE, error.reason)
    return DeadLetter(
        event_id=event_id,
        occurred_at=now,
        observed_at=now,
        producer=producer,
        trace_id=event_id,
        stage="fetch",
        reason=error.reason[:100],
        error=str(error)[:4000],
        original_key=encode_bytes(location.encode("utf-8")),
        original_value=encode_bytes(raw[:65536]) or "",
    )


@dataclass(frozen=True)
class BuildJob:
    """One article to build in an executor (threads or processes: everything pickles)."""

    reader: SourceReader
    candidate: Candidate
    page: FetchResult | None
    error: tuple[str, str] | None  # (reason, message): our errors lose ``reason`` in a pickle
    observed_at: datetime
    producer: Producer


def build_in_worker(job: BuildJob) -> DocumentObserved | tuple[str, str]:
    """``reader.build`` with errors returned as (reason, message) instead of raised."""
    problem = SourceError(job.error[1], reason=job.error[0]) if job.error else None
    try:
        return job.reader.build(job.candidate, job.page, problem, job.observed_at, job.producer)
    except SourceError as exc:
        return (exc.reason, str(exc))
