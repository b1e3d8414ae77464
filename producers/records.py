"""Records (JSON objects, CSV rows) and the shared pieces of file parsing. Pure: no I/O.

A record is {url, title, text, published, source, ...}, the same whether it
comes from a JSONL line, a CSV row (same column names; ``source`` may be split
into ``source_id``, ``source_kind``, ``source_name``, ``source_country``;
``authors`` separated by ``;``) or elsewhere. The common shapes are accepted:
``kind`` at the top level or as ``source.kind``, where a top-level ``kind`` may
also name the document's type (``press_release``: an official statement of that
type), and ``source`` as an object or as the source's name (its id is then a
slug of the name). Errors name the field;
fields the reader does not know are listed by :func:`ignored_fields`, so the
caller can say which ones it ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from producers.dates import parse_datetime
from schemas.documents import (
    MAX_BODY_CHARS,
    DocumentObserved,
    FetchInfo,
    SourceKind,
    SourceRef,
    observe_document,
)
from schemas.envelope import Producer
from schemas.errors import InvalidURL, SourceError
from schemas.ids import document_id_for_external, document_id_for_url


@dataclass(frozen=True)
class FileDefaults:
    source_id: str = "files"
    source_kind: SourceKind = SourceKind.NEWS
    source_name: str = "Local files"
    producer: Producer = field(
        default_factory=lambda: Producer(name="policywatch-ingest", version="0")
    )
    max_body_chars: int = MAX_BODY_CHARS


@dataclass(frozen=True)
class ParsedItem:
    """One input item: an event, or the reason it could not become one."""

    location: str
    event: DocumentObserved | None = None
    error: SourceError | None = None
    raw: bytes = b""


def decode_text(data: bytes, location: str) -> str:
    if b"\x00" in data[:4096]:
        raise SourceError(
            f"{location}: looks binary (NUL bytes); expected UTF-8 text", reason="binary_file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{location}: not UTF-8 (byte {exc.start}); re-save it as UTF-8",
            reason="bad_encoding",
        ) from exc


def cap(body: str, limit: int) -> tuple[str, bool]:
    return (body[:limit], True) if len(body) > limit else (body, False)


def record_from_row(row: dict[str, str | None]) -> dict[str, Any]:
    """A CSV row as a record: empty cells dropped, source columns and authors folded."""
    record: dict[str, Any] = {
        k.strip(): v for k, v in row.items() if k and v is not None and v.strip() != ""
    }
    source = {
        name: record.pop(f"source_{name}")
        for name in ("id", "kind", "name", "country", "url")
        if f"source_{name}" in record
    }
    if source:
        kind = source.pop("kind", None)
        if kind:
            record["source_kind"] = kind
        if source:
            record["source"] = source
    if isinstance(record.get("authors"), str):
        record["authors"] = [a.strip() for a in record["authors"].split(";") if a.strip()]
    return record


#: top-level fields a record may have; anything else is ignored (and reported)
KNOWN_FIELDS = frozenset(
    {
        "url",
        "title",
        "text",
        "body",
        "published",
        "published_at",
        "source",
        "source_kind",
        "kind",
        "id",
        "external_id",
        "language",
        "authors",
        "document_type",
    }
)
_NOT_SLUG = re.compile(r"[^\w]+")


def ignored_fields(record: Any) -> set[str]:
    """Top-level fields of ``record`` that :func:`parse_record` does not read."""
    return {str(k) for k in record if k not in KNOWN_FIELDS} if isinstance(record, dict) else set()


def source_slug(name: str) -> str:
    """An id for a source known only by its name: ``Nikkei Asia`` -> ``nikkei-asia``."""
    return _NOT_SLUG.sub("-", name.strip().lower()).strip("-_")[:200] or "source"


#: a top-level ``kind`` that names what the document is rather than where it comes from:
#: (source kind it implies, document_type it sets when the record gives none)
_DOCUMENT_KINDS = {
    "news_article": SourceKind.NEWS,
    "press_release": SourceKind.OFFICIAL_STATEMENT,
    "joint_statement": SourceKind.OFFICIAL_STATEMENT,
    "briefing": SourceKind.OFFICIAL_STATEMENT,
    "speech": SourceKind.OFFICIAL_STATEMENT,
    "statement": SourceKind.OFFICIAL_STATEMENT,
}
_KINDS = ", ".join([*(k.value for k in SourceKind), *_DOCUMENT_KINDS])


def _top_level_kind(record: dict[str, Any], location: str) -> tuple[str | None, str | None]:
    """(source kind, document type) a top-level ``kind`` says: ``official_statement``, or a
    document type such as ``press_release`` (an official statement of that type)."""
    kind = record.get("kind")
    if kind in (None, ""):
        return None, None
    if kind in {k.value for k in SourceKind}:
        return str(kind), None
    if kind in _DOCUMENT_KINDS:
        return _DOCUMENT_KINDS[kind].value, str(kind)
    raise SourceError(
        f"{location}: field 'kind' {str(kind)[:50]!r} is not one of {_KINDS}",
        reason="invalid_record",
    )


def _kind_of(
    record: dict[str, Any], src: Any, location: str, default: SourceKind
) -> tuple[Any, str | None]:
    """(source kind, document type implied) from ``source.kind``, top-level ``kind`` or
    ``source_kind``; different source kinds are an error."""
    top, document_type = _top_level_kind(record, location)
    given = {
        name: value
        for name, value in (
            ("source.kind", src.get("kind") if isinstance(src, dict) else None),
            ("kind", top),
            ("source_kind", record.get("source_kind")),
        )
        if value not in (None, "")
    }
    if len(set(map(str, given.values()))) > 1:
        said = ", ".join(f"{name} {value!r}" for name, value in given.items())
        raise SourceError(
            f"{location}: {said} disagree; give the kind once", reason="invalid_record"
        )
    return next(iter(given.values()), default.value), document_type


def _source_of(
    record: dict[str, Any], location: str, defaults: FileDefaults, kind: Any
) -> SourceRef:
    src = record.get("source")
    if isinstance(src, dict):
        fields = {**src, "kind": kind}
        name = fields.get("name")
        if not fields.get("id"):  # known by its name, or not at all: the file's source then
            named = isinstance(name, str) and bool(name.strip())
            fields["id"] = source_slug(str(name)) if named else defaults.source_id
            fields["name"] = name if named else defaults.source_name
        return SourceRef.model_validate(fields)
    if isinstance(src, str) and src.strip():
        return SourceRef(id=source_slug(src), kind=kind, name=src.strip()[:300])
    if src not in (None, ""):
        raise SourceError(
            f"{location}: field 'source' must be an object or the source's name, "
            f"got {type(src).__name__}",
            reason="invalid_record",
        )
    return SourceRef(id=defaults.source_id, kind=kind, name=defaults.source_name)


def _url_of(record: dict[str, Any], location: str) -> str | None:
    """The record's URL, checked: a URL that cannot name a document is the record's error."""
    url = record.get("url")
    if url is None or url == "":
        return None
    if not isinstance(url, str):
        raise SourceError(
            f"{location}: field 'url' must be a string, got {type(url).__name__}; "
            "give one URL per record",
            reason="invalid_record",
        )
    try:
        document_id_for_url(url)
    except InvalidURL as exc:
        raise InvalidURL(f"{location}: field 'url': {exc}") from None
    return url


def parse_record(record: Any, location: str, defaults: FileDefaults) -> DocumentObserved:
    """One JSON record -> event; errors name the field."""
    if not isinstance(record, dict):
        raise SourceError(
            f"{location}: expected a JSON object, got {type(record).__name__}",
            reason="invalid_record",
        )
    text = record.get("text", record.get("body"))
    if not isinstance(text, str) or not text.strip():
        raise SourceError(f"{location}: field 'text' is missing or empty", reason="empty_document")
    kind, implied_type = _kind_of(record, record.get("source"), location, defaults.source_kind)
    try:
        source = _source_of(record, location, defaults, kind)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(("source", *(str(p) for p in err["loc"])))
        raise SourceError(
            f"{location}: field {field!r} invalid: {err['msg']}", reason="invalid_record"
        ) from exc
    url = _url_of(record, location)
    external = record.get("id", record.get("external_id"))
    if url:
        document_id = document_id_for_url(url)
    elif external is not None:
        document_id = document_id_for_external(source.id, str(external))
    else:
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
        document_id = document_id_for_external(source.id, "sha:" + digest)
    published_raw = record.get("published", record.get("published_at"))
    published = parse_datetime(str(published_raw)) if published_raw else None
    if published_raw and published is None:
        raise SourceError(
            f"{location}: field 'published' {published_raw!r} is not a date; "
            "use ISO 8601 such as 2026-03-12T09:00:00+05:30",
            reason="invalid_record",
        )
    body, truncated = cap(text.strip(), defaults.max_body_chars)
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = [authors]
    try:
        return observe_document(
            document_id=document_id,
            source=source,
            title=str(record.get("title") or "").strip(),
            body=body,
            producer=defaults.producer,
            published_at=published,
            date_source="record" if published else "observed",
            url=url,
            external_id=None if external is None else str(external),
            language=str(record.get("language") or "") or None,
            authors=tuple(str(a) for a in authors) if isinstance(authors, list) else (),
            document_type=record.get("document_type") or implied_type,
            fetch=FetchInfo(method="file", location=location, truncated=truncated),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise SourceError(
            f"{location}: field {field!r}: {err['msg']}", reason="invalid_record"
        ) from exc
