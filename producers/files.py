"""Files -> DocumentObserved. Pure: bytes in, events (or SourceError) out.

The one side effect: a JSONL or CSV file whose records carry fields the reader
does not know gets one warning (logged) naming them, so nothing is ignored silently.

Plain text is read like the seeds: an optional headline line, an optional date
line ("New Delhi, 12 March 2026", "Published: 2026-03-12"), then the body.
JSONL holds one record per line: {url, title, text, published, source, ...};
CSV has the same columns (see ``producers.records``). Saved web pages (.html,
.htm) are extracted like fetched ones; a page's rel=canonical URL names it.
Published dates are the documents' own, never the time of the backfill.
"""

from __future__ import annotations

import csv
import io
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from producers.dates import find_date, parse_datetime
from producers.extract import extract_article
from producers.records import (
    FileDefaults,
    ParsedItem,
    cap,
    decode_text,
    ignored_fields,
    parse_record,
    record_from_row,
)
from schemas.documents import DocumentObserved, FetchInfo, SourceRef, observe_document
from schemas.errors import InvalidURL, SourceError
from schemas.ids import canonical_url, document_id_for_external, document_id_for_url

TEXT_SUFFIXES = frozenset({".txt", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CSV_SUFFIXES = frozenset({".csv"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
__all__ = [
    "FileDefaults",
    "FileSelection",
    "ParsedItem",
    "expand_paths",
    "parse_path",
    "select_files",
    "split_text_document",
]
SUPPORTED = TEXT_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES | HTML_SUFFIXES
log = logging.getLogger(__name__)
_HEADLINE_MAX = 200


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
    body, truncated = cap(body, defaults.max_body_chars)
    return observe_document(
        document_id=document_id_for_external(defaults.source_id, path.name),
        source=SourceRef(
            id=defaults.source_id, kind=defaults.source_kind, name=defaults.source_name
        ),
        title=title,
        body=body,
        producer=defaults.producer,
        published_at=published,
        date_source="text" if published else "observed",
        external_id=path.name,
        fetch=FetchInfo(
            method="file", location=location, content_type="text/plain", truncated=truncated
        ),
    )


class _IgnoredFields:
    """Fields the reader skipped in one file, reported once when the file is done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.names: set[str] = set()
        self.records = 0

    def note(self, record: object) -> None:
        found = ignored_fields(record)
        if found:
            self.names |= found
            self.records += 1

    def report(self) -> None:
        if self.names:
            log.warning(
                "%s: ignored field(s) %s in %d record(s); policywatch reads url, title, text, "
                "published, source (id, kind, name, country), kind, id, language, authors, "
                "document_type (docs/SOURCES.md)",
                self.path,
                ", ".join(sorted(self.names)[:20]),
                self.records,
            )


def parse_jsonl(data: bytes, path: Path, defaults: FileDefaults) -> Iterator[ParsedItem]:
    text = decode_text(data, str(path))
    ignored = _IgnoredFields(path)
    try:
        yield from _jsonl_items(text, path, defaults, ignored)
    finally:
        ignored.report()


def _jsonl_items(
    text: str, path: Path, defaults: FileDefaults, ignored: _IgnoredFields
) -> Iterator[ParsedItem]:
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
        ignored.note(record)
        try:
            yield ParsedItem(location, event=parse_record(record, location, defaults), raw=raw)
        except SourceError as exc:
            yield ParsedItem(location, error=exc, raw=raw)


def parse_csv(data: bytes, path: Path, defaults: FileDefaults) -> Iterator[ParsedItem]:
    """One record per row; columns as in JSONL. A row the csv module rejects ends the file."""
    reader = csv.DictReader(io.StringIO(decode_text(data, str(path)), newline=""), strict=True)
    ignored = _IgnoredFields(path)
    try:
        yield from _csv_items(reader, path, defaults, ignored)
    finally:
        ignored.report()


def _csv_items(
    reader: csv.DictReader[str], path: Path, defaults: FileDefaults, ignored: _IgnoredFields
) -> Iterator[ParsedItem]:
    rows = iter(reader)
    while True:
        location = f"{path}:{reader.line_num + 1}"
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            error = SourceError(f"{location}: not readable as CSV: {exc}", reason="invalid_record")
            yield ParsedItem(location, error=error)
            return
        location = f"{path}:{reader.line_num}"
        raw = orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS)
        extra = row.get(None)
        if extra:
            error = SourceError(
                f"{location}: {len(extra)} more cells than the header has columns",
                reason="invalid_record",
            )
            yield ParsedItem(location, error=error, raw=raw)
            continue
        try:
            record = record_from_row(row)
            ignored.note(record)
            yield ParsedItem(location, event=parse_record(record, location, defaults), raw=raw)
        except SourceError as exc:
            yield ParsedItem(location, error=exc, raw=raw)


def _declared_web_url(declared: str | None) -> str | None:
    """A saved page's rel=canonical when it is a web URL; else the file's name names it."""
    if not declared or "://" not in declared or declared.startswith("file:"):
        return None
    try:
        canonical_url(declared)
    except InvalidURL:
        return None
    return declared


def parse_html_file(data: bytes, path: Path, defaults: FileDefaults) -> DocumentObserved:
    """A saved web page: extracted like a fetched one, named by its canonical URL if it has one."""
    location = str(path)
    article = extract_article(data, path.resolve().as_uri())
    body, truncated = cap(article.text, defaults.max_body_chars)
    url = _declared_web_url(article.canonical_url)
    return observe_document(
        document_id=document_id_for_url(url)
        if url
        else document_id_for_external(defaults.source_id, path.name),
        source=SourceRef(
            id=defaults.source_id, kind=defaults.source_kind, name=defaults.source_name
        ),
        title=article.title or path.stem,
        body=body,
        producer=defaults.producer,
        published_at=article.published_at,
        date_source="metadata" if article.published_at else "observed",
        url=url,
        external_id=None if url else path.name,
        language=article.language,
        authors=article.authors,
        fetch=FetchInfo(
            method="file",
            location=location,
            content_type="text/html",
            truncated=truncated,
            extraction=";".join((article.method, *article.notes)),
        ),
    )


@dataclass(frozen=True)
class FileSelection:
    """The files to read, and what a directory walk left out on purpose (path, why)."""

    files: tuple[Path, ...]
    skipped: tuple[tuple[Path, str], ...] = ()


def _never(_path: Path) -> str | None:
    return None


def select_files(
    paths: Sequence[Path], skip_dir: Callable[[Path], str | None] = _never
) -> FileSelection:
    """Files named, and the supported files inside directories named (sorted, recursive).

    A walk does not enter hidden folders (``.git``, ``.venv``), links to folders, or a
    directory that ``skip_dir`` names a reason for (the data directory: warehouse files
    and logs are no documents), nor read hidden files; each is listed in ``skipped``. A path named
    explicitly is read even when hidden; a named directory that ``skip_dir`` refuses is not.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        why: str | None = skip_dir(path)
        if why is not None:
            skipped.append((path, why))
            continue
        found: list[Path] = []
        for folder, dirs, names in os.walk(path):
            here = Path(folder)
            for name in sorted(dirs):
                if name.startswith("."):
                    why = "hidden folder"
                elif (here / name).is_symlink():  # followed, a link could loop: name it instead
                    why = "a link to a folder; name its target to read it"
                else:
                    why = skip_dir(here / name)
                if why is not None:
                    skipped.append((here / name, why))
                    dirs.remove(name)
            for name in names:
                if Path(name).suffix.lower() not in SUPPORTED:
                    continue
                if name.startswith("."):
                    skipped.append((here / name, "hidden file"))
                elif (here / name).is_file():
                    found.append(here / name)
        files.extend(sorted(found))
    return FileSelection(tuple(files), tuple(skipped))


def expand_paths(paths: list[Path]) -> Iterator[Path]:
    """The files :func:`select_files` reads (hidden entries left out)."""
    yield from select_files(paths).files


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
        elif suffix in CSV_SUFFIXES:
            yield from parse_csv(data, path, defaults)
        elif suffix in TEXT_SUFFIXES:
            yield ParsedItem(location, event=parse_text_file(data, path, defaults), raw=data)
        elif suffix in HTML_SUFFIXES:
            yield ParsedItem(
                location, event=parse_html_file(data, path, defaults), raw=data[:65536]
            )
        else:
            raise SourceError(
                f"{location}: unsupported file type {suffix!r}; use .txt, .jsonl, .csv or .html",
                reason="unsupported_type",
            )
    except SourceError as exc:
        yield ParsedItem(location, error=exc, raw=data[:65536])
