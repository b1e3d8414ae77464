"""Records (JSON objects, CSV rows) and the shared pieces of file parsing. Pure: no I/O.

A record is {url, title, text, published, source, ...}, the same whether it
comes from a JSONL line, a CSV row (same column names; ``source`` may be split
into ``source_id``, ``source_kind``, ``source_name``, ``source_country``;
``authors`` separated by ``;``) or elsewhere. Errors name the field.
"""

from __future__ import annotations

import hashlib
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
from schemas.errors import SourceError
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
        if "id" in source:
            record["source"] = source
    if isinstance(record.get("authors"), str):
        record["authors"] = [a.strip() for a in record["authors"].split(";") if a.strip()]
    return record


def _source_of(record: dict[str, Any], defaults: FileDefaults) -> SourceRef:
    src = record.get("source")
    kind = record.get("source_kind") or defaults.source_kind.value
    if isinstance(src, dict):
        return SourceRef.model_validate({"kind": kind, **src})
    if isinstance(src, str) and src.strip():
        return SourceRef(id=src.strip(), kind=kind, name=src.strip())
    return SourceRef(id=defaults.source_id, kind=kind, name=defaults.source_name)


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
    try:
        source = _source_of(record, defaults)
    except ValidationError as exc:
        raise SourceError(
            f"{location}: field 'source' invalid: {exc.errors()[0]['msg']}", reason="invalid_record"
        ) from exc
    url = record.get("url") if isinstance(record.get("url"), str) else None
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
            language=str(record.get("language") or "en"),
            authors=tuple(str(a) for a in authors) if isinstance(authors, list) else (),
            document_type=record.get("document_type"),
            fetch=FetchInfo(method="file", location=location, truncated=truncated),
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        raise SourceError(
            f"{location}: field {field!r}: {err['msg']}", reason="invalid_record"
        ) from exc
