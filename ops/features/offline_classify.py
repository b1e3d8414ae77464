"""`policywatch classify`: the stream's classifier on local files, without Kafka.

Inputs are read by the producers' file parsers (so a file classifies here as it
would after `ingest`): plain text shaped like an article, JSONL/JSON records,
saved HTML pages; ``-`` reads standard input and guesses which of the three it
is. Each document gets the stream's labels plus, for taxonomy authors, why it
is (not) relevant and which alias matches no label used (``ignored``).
Stories are grouped across the documents of one run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from producers.files import parse_html_file, parse_jsonl, parse_path, parse_text_file
from producers.records import FileDefaults, ParsedItem, parse_record
from schemas.documents import DocumentObserved
from schemas.errors import SourceError
from streams.classify.classifier import Classification, Classifier, DocumentText
from streams.classify.normalise import normalise
from streams.classify.report_features import report_features
from streams.classify.stories import StoryIndex

STDIN = "-"
MAX_INPUT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Outcome:
    """One input item: a classified document or the reason it could not be read."""

    location: str
    result: dict[str, Any] | None = None
    error: str | None = None


def _json_items(data: bytes, location: str, defaults: FileDefaults) -> Iterator[ParsedItem]:
    """A JSON document (one record or a list of them), else JSON lines."""
    try:
        whole = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        yield from parse_jsonl(data, Path(location), defaults)
        return
    records = whole if isinstance(whole, list) else [whole]
    for index, record in enumerate(records):
        where = f"{location}[{index}]" if isinstance(whole, list) else location
        try:
            yield ParsedItem(where, event=parse_record(record, where, defaults))
        except SourceError as exc:
            yield ParsedItem(where, error=exc)


def read_stdin_items(data: bytes, defaults: FileDefaults) -> Iterator[ParsedItem]:
    """Standard input: JSON when it starts with ``{``/``[``, HTML with ``<``, else text."""
    head = data.lstrip()[:1]
    try:
        if head in (b"{", b"["):
            yield from _json_items(data, "<stdin>", defaults)
        elif head == b"<":
            yield ParsedItem("<stdin>", event=parse_html_file(data, Path("stdin.html"), defaults))
        else:
            yield ParsedItem("<stdin>", event=parse_text_file(data, Path("<stdin>"), defaults))
    except SourceError as exc:
        yield ParsedItem("<stdin>", error=exc)


def read_items(path: Path, defaults: FileDefaults) -> Iterator[ParsedItem]:
    """Items of one file; ``.json`` holds a record or a list of records."""
    if path.suffix.lower() != ".json":
        yield from parse_path(path, defaults, MAX_INPUT_BYTES)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = SourceError(f"{path}: cannot read: {exc.strerror}", reason="unreadable")
        yield ParsedItem(str(path), error=error)
        return
    yield from _json_items(data, str(path), defaults)


def relevance_reason(result: Classification) -> str:
    """Why the relevance flag is what it is, in the classifier's own rule."""
    if result.initiatives:
        return f"{len(result.initiatives)} initiative(s) named"
    persons = [a for a in result.actors if a.kind == "person"]
    if result.relevant and persons:
        return f"{len(persons)} office holder(s) named"
    if result.relevant:
        return f"{len(result.actors)} actors named"
    return (
        f"no initiative and {len(result.actors)} actor(s); needs an initiative, an office "
        "holder named (not by a surname alone), or two actors"
    )


def ignored_matches(
    classifier: Classifier, body: str, result: Classification
) -> list[dict[str, Any]]:
    """Alias matches in the body that no label used, with the likely reason."""
    evidence = [e for lab in result.initiatives for e in lab.evidence]
    evidence += [e for lab in result.actors for e in lab.evidence]
    used = [(e.start, e.end) for e in evidence]
    rules = {i.id: i.context for i in classifier.taxonomy.initiatives}
    norm = normalise(body)
    out = []
    for match in classifier.matcher.scan(norm, body):
        start, end = norm.span(match.start, match.end)
        if any(s < end and start < e for s, e in used):
            continue
        for payload in match.payloads:
            if payload.kind == "ambiguous":
                rule = rules.get(payload.id)
                why = "ambiguous alias: the context rule was not met"
                if rule is not None:
                    why += (
                        f" (needs one of {', '.join(rule.requires_any[:6])}"
                        f"{', ...' if len(rule.requires_any) > 6 else ''} within "
                        f"{rule.window} characters"
                        + (
                            f"; none of {', '.join(rule.forbids_any[:6])}"
                            if rule.forbids_any
                            else ""
                        )
                        + ")"
                    )
            elif payload.kind == "office_title":
                why = "office title without a country next to it, or no holder on the date"
            elif payload.kind == "office":
                why = "office with no holder on the document date in the taxonomy"
            elif payload.kind == "actor_short":
                why = "surname shared by several actors, or attached to another mention"
            else:
                continue
            out.append(
                {
                    "kind": payload.kind,
                    "id": payload.id,
                    "start": start,
                    "end": end,
                    "text": body[start:end],
                    "why": why,
                }
            )
    return out


def _document_text(
    event: DocumentObserved, override: date | None, today: date | None = None
) -> DocumentText:
    """What the classifier reads; ``override`` (--date) stands for a publication date,
    ``today`` for the day it was observed (reproducible output)."""
    given = override or (event.published_at.astimezone(UTC).date() if event.published_at else None)
    return DocumentText(
        document_id=event.document_id,
        title=event.title,
        body=event.body,
        language=event.language,
        published=given,
        date_source=None if override else event.date_source,
        observed=today or event.observed_at.astimezone(UTC).date(),
    )


def classify_items(
    classifier: Classifier,
    items: Iterator[ParsedItem],
    *,
    on_date: date | None = None,
    explain: bool = False,
    today: date | None = None,
) -> Iterator[Outcome]:
    """Classify every item; stories are assigned across the items of this call.
    ``today`` stands for the day the items were observed (default: now)."""
    stories = StoryIndex()
    for item in items:
        if item.event is None:
            yield Outcome(item.location, error=str(item.error or "unreadable"))
            continue
        event = item.event
        result = classifier.classify(_document_text(event, on_date, today))
        day = result.published or today or event.observed_at.astimezone(UTC).date()
        story_id = None
        if result.relevant:
            features = report_features(event.title, event.body, event.language, result)
            when = datetime(day.year, day.month, day.day, tzinfo=UTC)
            story_id = stories.assign_features(event.document_id, when, features)
        record: dict[str, Any] = {
            "id": event.external_id or event.url or event.document_id,
            "location": item.location,
            "title": event.title,
            "date": day.isoformat(),
            "date_source": result.date_source,
            "relevant": result.relevant,
            "relevance": relevance_reason(result),
            "initiatives": [lab.model_dump(mode="json") for lab in result.initiatives],
            "actors": [lab.model_dump(mode="json") for lab in result.actors],
            "countries": list(result.countries),
            "story_id": story_id,
            "commitments": [c.model_dump(mode="json") for c in result.commitments],
            "candidates": [c.model_dump(mode="json") for c in result.candidates],
            "occurrences": [o.model_dump(mode="json") for o in result.occurrences],
            "truncated": result.truncated,
            "classifier_version": classifier.version,
            "taxonomy_version": classifier.taxonomy_version,
        }
        if explain:
            record["ignored"] = ignored_matches(classifier, event.body, result)
        yield Outcome(item.location, result=record)
