"""One document through the stream: decode -> de-duplicate -> classify. Pure: no Kafka.

The Faust agent is a thin loop around :func:`process_document`; everything that
can go wrong with one record ends as a :class:`DeadLetter` outcome, never an
exception, so one bad message cannot stop the worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from schemas.classification import DocumentClassified
from schemas.codec import decode
from schemas.deadletter import DeadLetter, dead_letter_for
from schemas.documents import DocumentObserved
from schemas.envelope import Producer, utcnow
from schemas.errors import InvalidEvent, PolicywatchError
from schemas.ids import event_id_for
from streams.alerts.keywords import KeywordIndex
from streams.alerts.snippets import label_snippets
from streams.classify.classifier import Classification, Classifier, DocumentText
from streams.classify.report_features import report_features
from streams.classify.stories import StoryFeatures

log = logging.getLogger(__name__)

STAGE = "classify"


class StoryAssigner(Protocol):
    def assign_features(
        self, document_id: str, published: datetime, features: StoryFeatures
    ) -> str: ...


@dataclass(frozen=True)
class RecordRef:
    """Where a record came from, for dead letters."""

    topic: str
    partition: int
    offset: int
    key: bytes | None


@dataclass(frozen=True)
class Classified:
    """A classification; with ``story_features`` its story is assigned by the story stage."""

    event: DocumentClassified
    story_features: StoryFeatures | None = None


@dataclass(frozen=True)
class Duplicate:
    document_id: str
    revision: str


@dataclass(frozen=True)
class Dead:
    event: DeadLetter


Outcome = Classified | Duplicate | Dead


def dedup_marker(revision: str, classifier_version: str, ref: RecordRef) -> str:
    """What the seen-table stores per document: the last (revision, classifier) processed,
    and the record it came from."""
    return f"{revision}|{classifier_version}|{ref.topic}/{ref.partition}@{ref.offset}"


def is_duplicate(
    seen_marker: str | None, revision: str, classifier_version: str, ref: RecordRef
) -> bool:
    """Already classified, from another record.

    The same record read again is not a duplicate: after a crash the worker re-reads
    records past its last committed offset, and the table's changelog may already hold
    their markers while their classified events were still buffered and are lost.
    Re-classifying them is safe (downstream is idempotent); skipping them loses them.
    """
    if seen_marker is None:
        return False
    marked_revision, _, rest = seen_marker.partition("|")
    marked_version, _, marked_at = rest.partition("|")
    if (marked_revision, marked_version) != (revision, classifier_version):
        return False
    return marked_at != f"{ref.topic}/{ref.partition}@{ref.offset}"


def dead_letter(
    ref: RecordRef, value: bytes | None, error: PolicywatchError, producer: Producer, stage: str
) -> DeadLetter:
    return dead_letter_for(
        stage=stage,
        error=error,
        producer=producer,
        origin=f"{ref.topic}/{ref.partition}@{ref.offset}",
        topic=ref.topic,
        partition=ref.partition,
        offset=ref.offset,
        key=ref.key,
        value=value,
    )


def published_at(doc: DocumentObserved, result: Classification) -> datetime | None:
    """The document's publication time: as given, else the date read from its text
    (midnight UTC), else None (only the observation time is known)."""
    if doc.published_at is not None:
        return doc.published_at
    if result.published is None:
        return None
    day = result.published
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def classified_event(
    doc: DocumentObserved,
    result: Classification,
    classifier: Classifier,
    story_id: str | None,
    producer: Producer,
    *,
    keywords: KeywordIndex | None = None,
) -> DocumentClassified:
    hits = keywords.find(doc.title, doc.body) if keywords else []
    snippets = label_snippets(doc.body, (*result.initiatives, *result.actors))
    published = published_at(doc, result)
    return DocumentClassified(
        event_id=event_id_for(
            doc.document_id, doc.revision, DocumentClassified.EVENT_TYPE, classifier.version
        ),
        occurred_at=published or doc.observed_at,
        observed_at=utcnow(),
        producer=producer,
        trace_id=doc.trace_id,
        document_id=doc.document_id,
        revision=doc.revision,
        classifier_version=classifier.version,
        taxonomy_version=classifier.taxonomy_version,
        source_id=doc.source.id,
        source_kind=doc.source.kind.value,
        title=doc.title,
        published_at=published,
        relevant=result.relevant,
        initiatives=result.initiatives,
        actors=result.actors,
        countries=result.countries,
        story_id=story_id,
        commitments=result.commitments,
        truncated=result.truncated or doc.fetch.truncated,
        url=doc.url,
        language=doc.language,
        document_observed_at=doc.observed_at,
        keyword_hits=tuple(h.keyword for h in hits),
        snippets=snippets + (keywords.snippets(hits) if keywords else ()),
        date_source=result.date_source,
        candidates=result.candidates,
        occurrences=result.occurrences,
    )


def process_document(
    value: bytes | None,
    ref: RecordRef,
    *,
    classifier: Classifier,
    seen_marker: str | None,
    stories: StoryAssigner | None,
    producer: Producer,
    story_stage: bool = False,
    keywords: KeywordIndex | None = None,
) -> Outcome:
    """Decide what one record of ``policy.documents`` becomes.

    With ``story_stage``, a relevant document's story is left to the story stage (one
    index for every partition): the outcome carries the features it needs instead.
    ``keywords`` are the subscribed keywords looked up in the text (the body stays here).
    """
    try:
        if value is None:
            raise InvalidEvent("record has no value", reason="empty_record")
        doc = decode(value, DocumentObserved)
        if is_duplicate(seen_marker, doc.revision, classifier.version, ref):
            return Duplicate(doc.document_id, doc.revision)
        given = doc.published_at.date() if doc.published_at else None
        result = classifier.classify(
            DocumentText(
                document_id=doc.document_id,
                title=doc.title,
                body=doc.body,
                language=doc.language,
                published=given,
                date_source=doc.date_source if given else None,
                observed=doc.observed_at.date(),
            )
        )
        published = published_at(doc, result) or doc.observed_at
        story_id = None
        if story_stage and result.relevant:
            features = report_features(doc.title, doc.body, doc.language, result)
            event = classified_event(doc, result, classifier, None, producer, keywords=keywords)
            return Classified(event, story_features=features)
        if stories is not None and result.relevant:
            features = report_features(doc.title, doc.body, doc.language, result)
            story_id = stories.assign_features(doc.document_id, published, features)
        return Classified(
            classified_event(doc, result, classifier, story_id, producer, keywords=keywords)
        )
    except PolicywatchError as exc:
        return Dead(dead_letter(ref, value, exc, producer, STAGE))
    except Exception as exc:  # a bug must not stop the stream: dead-letter it with its type
        log.exception("unexpected error classifying %s/%s@%s", ref.topic, ref.partition, ref.offset)
        error = PolicywatchError(f"{type(exc).__name__}: {exc}", reason="internal_error")
        return Dead(dead_letter(ref, value, error, producer, STAGE))
