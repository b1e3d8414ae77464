"""DocumentObserved: one event per new document or new revision of it."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Event, Producer, UtcDatetime, utcnow
from schemas.ids import event_id_for, revision_of

MAX_BODY_CHARS = 2_000_000
#: how much of a text is read to tell its script, and the share of its letters in Japanese
#: script (kana, kanji) from which it is written in Japanese
_SCRIPT_SAMPLE_CHARS = 2_000
_JAPANESE_SHARE = 0.2
_JAPANESE_CHAR = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uff66-\uff9f]")


def language_by_script(text: str) -> str:
    """The language a text's script tells: "ja" for one written mostly in kana and kanji,
    else "en" (the sources followed write in one or the other). What a document declares
    nothing about is not English by default: a Japanese page is Japanese."""
    sample = text[:_SCRIPT_SAMPLE_CHARS]
    if _JAPANESE_CHAR.search(sample) is None:  # most pages: one search at C speed
        return "en"
    letters = japanese = 0
    for char in sample:
        if char.isalpha():
            letters += 1
            code = ord(char)
            if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0xFF66 <= code <= 0xFF9F:
                japanese += 1
    return "ja" if letters and japanese >= _JAPANESE_SHARE * letters else "en"


DateSource = Literal["record", "metadata", "text", "observed"]
"""Where a document's publication date came from: the input record (feed entry, JSONL
field, intake request), the page's HTML metadata, a dateline or date in its opening lines,
or nowhere (``observed``: only the time policywatch saw it)."""


class SourceKind(StrEnum):
    NEWS = "news"
    OFFICIAL_STATEMENT = "official_statement"


class SourceRef(BaseModel):
    """Where a document came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    kind: SourceKind
    name: str = Field(default="", max_length=300)
    country: str | None = Field(default=None, max_length=8)
    url: str | None = Field(default=None, max_length=4096)


class FetchInfo(BaseModel):
    """How the document was obtained (file path, HTTP status, extraction notes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: str = Field(default="file", max_length=50)
    location: str | None = Field(default=None, max_length=4096)
    content_type: str | None = Field(default=None, max_length=200)
    truncated: bool = False
    extraction: str | None = Field(default=None, max_length=100)


class DocumentObserved(Event):
    """A document (or a new revision of it) as policywatch observed it."""

    EVENT_TYPE = "document.observed"
    SCHEMA_VERSION = 1

    event_type: Literal["document.observed"] = "document.observed"
    schema_version: Literal[1] = 1

    document_id: str = Field(min_length=1, max_length=64)
    revision: str = Field(min_length=1, max_length=64)
    source: SourceRef
    url: str | None = Field(default=None, max_length=4096)
    external_id: str | None = Field(default=None, max_length=500)
    title: str = Field(default="", max_length=2000)
    body: str = Field(max_length=MAX_BODY_CHARS)
    language: str = Field(default="en", max_length=16)
    authors: tuple[str, ...] = ()
    document_type: str | None = Field(default=None, max_length=50)
    published_at: UtcDatetime | None = None
    fetch: FetchInfo = FetchInfo()
    # Optional since schema_version 1 was released: None reads as "record" when
    # published_at is set, else "observed".
    date_source: DateSource | None = None


def observe_document(
    *,
    document_id: str,
    source: SourceRef,
    title: str,
    body: str,
    producer: Producer,
    published_at: UtcDatetime | None = None,
    observed_at: UtcDatetime | None = None,
    url: str | None = None,
    external_id: str | None = None,
    language: str | None = None,
    authors: tuple[str, ...] = (),
    document_type: str | None = None,
    fetch: FetchInfo | None = None,
    trace_id: str | None = None,
    date_source: DateSource | None = None,
) -> DocumentObserved:
    """Build a DocumentObserved with its derived ids filled in; without a ``language``,
    the one its script tells."""
    revision = revision_of(title, body)
    event_id = event_id_for(document_id, revision, DocumentObserved.EVENT_TYPE)
    seen = observed_at or utcnow()
    return DocumentObserved(
        event_id=event_id,
        occurred_at=published_at or seen,
        observed_at=seen,
        producer=producer,
        trace_id=trace_id or event_id,
        document_id=document_id,
        revision=revision,
        source=source,
        url=url,
        external_id=external_id,
        title=title,
        body=body,
        language=language or language_by_script(f"{title}\n{body}"),
        authors=authors,
        document_type=document_type,
        published_at=published_at,
        fetch=fetch or FetchInfo(),
        date_source=date_source or ("record" if published_at else "observed"),
    )
