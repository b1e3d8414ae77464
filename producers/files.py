"""Files -> DocumentObserved. Pure: bytes in, events (or SourceError) out.

Plain text is read like the seeds: an optional headline line, an optional date
line ("New Delhi, 12 March 2026", "Published: 2026-03-12"), then the body.
JSONL holds one record per line: {url, title, text, published, source, ...}.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from producers.dates import find_date, parse_datetime
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

TEXT_SUFFIXES = frozenset({".txt", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_HEADLINE_MAX = 200


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


def _cap(body: str, limit: int) -> tuple[str, bool]:
    return (body[:limit], True) if len(body) > limit else (body, False)


def _looks_like_headline(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped) <= _HEADLINE_MAX and not stripped.endswith((".", ":", ";", ","))


def split_text_document(text: str) -> tuple[str, datetime | None, str]:
    """(title, published, body) of a seed-shaped plain-text document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    title = ""
    published: datetime | None = None
    if lines and _looks_like_headline(lines[0]):
        title = lines.pop(0).strip()
        while lines and not lines[0].strip():
            lines.pop(0)
    if lines and len(lines[0]) <= _HEADLINE_MAX and find_date(lines[0]) is not None:
        published = parse_datetime(lines[0].split(":", 1)[-1]) or parse_datetime(lines[0])
        lines.pop(0)
    body = "\n".join(lines).strip()
    if not title and body:
        first = body.split("\n", 1)[0]
        sentence = first.split(". ", 1)[0]
        title = sentence if len(sentence) <= _HEADLINE_MAX else sentence[:_HEADLINE_MAX] + "…"
    return title, published, body


def parse_text_file(data: bytes, path: Path, defaults: FileDefaults) -> DocumentObserved:
    location = str(path)
    text = decode_text(data, location)
    title, published, body = split_text_document(text)
    if not body:
        raise SourceError(f"{location}: no text after the headline", reason="empty_document")
    body, truncated = _cap(body, defaults.max_body_chars)
    return observe_document(
        document_id=document_id_for_external(defaults.source_id, path.name),
        source=SourceRef(
            id=defaults.source_id, kind=defaults.source_kind, name=defaults.source_name
        ),
        title=title,
        body=body,
        producer=defaults.producer,
        published_at=published,
        external_id=path.name,
        fetch=FetchInfo(
            method="file", location=location, content_type="text/plain", truncated=truncated
        ),
    )


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
    body, truncated = _cap(text.strip(), defaults.max_body_chars)
    authors = record.get("authors") or ()
    try:
        return observe_document(
            document_id=document_id,
            source=source,
            title=str(record.get("title") or "").strip(),
            body=body,
            producer=defaults.producer,
            published_at=published,
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


def parse_jsonl(data: bytes, path: Path, defaults: FileDefaults) -> Iterator[ParsedItem]:
    text = decode_text(data, str(path))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        location = f"{path}:{number}"
        raw = line.encode("utf-8")
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield ParsedItem(
                location,
                error=SourceError(f"{location}: not JSON: {exc}", reason="invalid_record"),
                raw=raw,
            )
            continue
        try:
            yield ParsedItem(location, event=parse_record(record, location, defaults), raw=raw)
        except SourceError as exc:
            yield ParsedItem(location, error=exc, raw=raw)


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """Files named, and the supported files inside directories named (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES:
                    yield child
        else:
            yield path


def parse_path(path: Path, defaults: FileDefaults, max_bytes: int) -> Iterator[ParsedItem]:
    """Every item of one file; a file that cannot be read yields one error item."""
    location = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(
                f"{location}: {size} bytes is over the {max_bytes}-byte limit "
                "(POLICYWATCH_INGEST__MAX_FILE_BYTES)",
                reason="too_large",
            )
        data = path.read_bytes()
    except OSError as exc:
        yield ParsedItem(
            location,
            error=SourceError(f"{location}: cannot read: {exc.strerror}", reason="unreadable"),
        )
        return
    except SourceError as exc:
        yield ParsedItem(location, error=exc)
        return
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            yield from parse_jsonl(data, path, defaults)
        elif suffix in TEXT_SUFFIXES:
            yield ParsedItem(location, event=parse_text_file(data, path, defaults), raw=data)
        else:
            raise SourceError(
                f"{location}: unsupported file type {suffix!r}; use .txt or .jsonl",
                reason="unsupported_type",
            )
    except SourceError as exc:
        yield ParsedItem(location, error=exc, raw=data[:65536])
