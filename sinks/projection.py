"""Project events onto warehouse rows. Pure: no I/O.

Every row carries the keys that make it idempotent (document_id, revision,
classifier_version, event_id), so writing the same event twice changes no count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from schemas.alerts import AlertDelivery, AlertRaised
from schemas.classification import DocumentClassified, Evidence
from schemas.codec import decode_any
from schemas.deadletter import DeadLetter, dead_letter_for
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from schemas.errors import InvalidEvent
from schemas.subscriptions import SubscriptionChanged
from sinks.warehouse.base import EncodedRows

Row = dict[str, Any]


def ts(value: datetime | None) -> str | None:
    """DateTime64(3) literal ClickHouse parses in JSONEachRow: ``YYYY-MM-DD HH:MM:SS.mmm``
    (the ISO form up to its offset: half the time of strftime, which the sink calls for
    every row)."""
    return None if value is None else value.isoformat(" ", "milliseconds")[:23]


def date_source_of(event: DocumentObserved | DocumentClassified) -> str:
    """Where the publication time came from; events from before the field say nothing,
    and then a given ``published_at`` came from the record."""
    if event.date_source is not None:
        return event.date_source
    return "record" if event.published_at is not None else "observed"


def document_row(event: DocumentObserved, raw: bytes) -> Row:
    return {
        "document_id": event.document_id,
        "revision": event.revision,
        "event_id": event.event_id,
        "schema_version": event.schema_version,
        "source_id": event.source.id,
        "source_kind": event.source.kind.value,
        "source_name": event.source.name,
        "source_country": event.source.country or "",
        "url": event.url or "",
        "title": event.title,
        "body": event.body,
        "language": event.language,
        "authors": list(event.authors),
        "document_type": event.document_type or "",
        "published_at": ts(event.published_at),
        "occurred_at": ts(event.occurred_at),
        "observed_at": ts(event.observed_at),
        "date_source": date_source_of(event),
        "event": raw.decode("utf-8"),
    }


def classification_rows(event: DocumentClassified) -> tuple[Row, list[Row]]:
    """The classification row and one mention row per label."""
    labels = {
        "initiatives": [lab.model_dump(mode="json") for lab in event.initiatives],
        "actors": [lab.model_dump(mode="json") for lab in event.actors],
    }
    row = {
        "document_id": event.document_id,
        "revision": event.revision,
        "classifier_version": event.classifier_version,
        "taxonomy_version": event.taxonomy_version,
        "event_id": event.event_id,
        "source_id": event.source_id,
        "source_kind": event.source_kind,
        "published_at": ts(event.published_at),
        "occurred_at": ts(event.occurred_at),
        "observed_at": ts(event.observed_at),
        "classified_at": ts(event.observed_at),
        "relevant": int(event.relevant),
        "story_id": event.story_id or "",
        "countries": list(event.countries),
        "initiatives": [lab.id for lab in event.initiatives],
        "actors": [lab.id for lab in event.actors],
        "labels": orjson.dumps(labels).decode("utf-8"),
        "commitments": orjson.dumps([c.model_dump(mode="json") for c in event.commitments]).decode(
            "utf-8"
        ),
        "truncated": int(event.truncated),
        "date_source": date_source_of(event),
        "language": event.language or "",
    }
    common = {
        "occurred_at": ts(event.occurred_at),
        "document_id": event.document_id,
        "revision": event.revision,
        "classifier_version": event.classifier_version,
        "source_id": event.source_id,
        "source_kind": event.source_kind,
        "story_id": event.story_id or "",
        "date_source": date_source_of(event),
    }
    mentions: list[Row] = []
    for ini in event.initiatives:
        mentions.append(
            common
            | {
                "label_type": "initiative",
                "label_id": ini.id,
                "label_name": ini.name,
                "role": "",
                "country": "",
                "confidence": ini.confidence,
                "evidence_count": len(ini.evidence),
            }
        )
    for actor in event.actors:
        mentions.append(
            common
            | {
                "label_type": "actor",
                "label_id": actor.id,
                "label_name": actor.name,
                "role": actor.role or "",
                "country": actor.country or "",
                "confidence": actor.confidence,
                "evidence_count": len(actor.evidence),
            }
        )
    for country in event.countries:
        mentions.append(
            common
            | {
                "label_type": "country",
                "label_id": country,
                "label_name": country,
                "role": "",
                "country": country,
                "confidence": 1.0,
                "evidence_count": 0,
            }
        )
    return row, mentions


def commitment_rows(event: DocumentClassified) -> list[Row]:
    return [
        {
            "document_id": event.document_id,
            "revision": event.revision,
            "classifier_version": event.classifier_version,
            "ordinal": ordinal,
            "initiative": c.initiative or "",
            "candidate": c.candidate or "",
            "action": c.action,
            "due_text": c.due_text,
            "due_from": c.due_from.isoformat(),
            "due_to": c.due_to.isoformat(),
            "evidence": _spans(c.evidence),
            "occurred_at": ts(event.occurred_at),
            "source_id": event.source_id,
            "source_kind": event.source_kind,
            "story_id": event.story_id or "",
            "date_source": date_source_of(event),
        }
        for ordinal, c in enumerate(event.commitments)
    ]


def story_row(event: DocumentClassified) -> Row | None:
    if not event.story_id:
        return None
    return {
        "story_id": event.story_id,
        "document_id": event.document_id,
        "revision": event.revision,
        "classifier_version": event.classifier_version,
        "occurred_at": ts(event.occurred_at),
        "source_id": event.source_id,
        "source_kind": event.source_kind,
        "title": event.title,
        "date_source": date_source_of(event),
        "language": event.language or "",
        "labels": [lab.id for lab in event.initiatives] + [lab.id for lab in event.actors],
    }


def _spans(evidence: tuple[Evidence, ...]) -> str:
    return orjson.dumps([e.model_dump() for e in evidence]).decode("utf-8")


def candidate_rows(event: DocumentClassified) -> list[Row]:
    """One row per initiative candidate (a named initiative the taxonomy lacks)."""
    return [
        {
            "key": c.key,
            "document_id": event.document_id,
            "revision": event.revision,
            "classifier_version": event.classifier_version,
            "name": c.name,
            "parties": list(c.parties),
            "actors": list(c.actors),
            "confidence": c.confidence,
            "evidence": _spans(c.evidence),
            "evidence_text": c.evidence[0].text if c.evidence else "",
            "language": event.language or "",
            "source_id": event.source_id,
            "source_kind": event.source_kind,
            "title": event.title,
            "story_id": event.story_id or "",
            "published_at": ts(event.published_at),
            "occurred_at": ts(event.occurred_at),
            "date_source": date_source_of(event),
        }
        for c in event.candidates
    ]


def occurrence_rows(event: DocumentClassified) -> list[Row]:
    """One row per report that an initiative's (or candidate's) event took place."""
    return [
        {
            "subject": o.initiative or o.candidate or "",
            "document_id": event.document_id,
            "revision": event.revision,
            "classifier_version": event.classifier_version,
            "ordinal": ordinal,
            "initiative": o.initiative or "",
            "candidate": o.candidate or "",
            "kind": o.kind,
            "happened_on": o.on.isoformat(),
            "evidence": _spans(o.evidence),
            "evidence_text": o.evidence[0].text if o.evidence else "",
            "source_id": event.source_id,
            "source_kind": event.source_kind,
            "title": event.title,
            "story_id": event.story_id or "",
            "occurred_at": ts(event.occurred_at),
            "date_source": date_source_of(event),
        }
        for ordinal, o in enumerate(event.occurrences)
    ]


def alert_row(event: AlertRaised, raw: bytes) -> Row:
    return {
        "alert_id": event.alert_id,
        "subscription_id": event.subscription_id,
        "subscription_name": event.subscription_name,
        "trigger": event.trigger,
        "channel": event.channel,
        "title": event.title,
        "count": event.count,
        "document_ids": [d.document_id for d in event.documents],
        "initiatives": sorted({lab.id for d in event.documents for lab in d.initiatives}),
        "actors": sorted({lab.id for d in event.documents for lab in d.actors}),
        "window_start": ts(event.window_start),
        "window_end": ts(event.window_end),
        "raised_at": ts(event.observed_at),  # when it fired
        "document_at": ts(event.occurred_at),  # when what it is about happened
        "event": raw.decode("utf-8"),
    }


def delivery_row(event: AlertDelivery) -> Row:
    return {
        "alert_id": event.alert_id,
        "subscription_id": event.subscription_id,
        "channel": event.channel,
        "attempt": event.attempt,
        "status": event.status,
        "endpoint": event.endpoint,
        "http_status": event.http_status,
        "error": event.error,
        "latency_ms": event.latency_ms,
        "attempted_at": ts(event.occurred_at),
        "next_attempt_at": ts(event.next_attempt_at),
        "event_id": event.event_id,
    }


def subscription_row(event: SubscriptionChanged) -> Row:
    """The change without secrets: channel kind only, never its URL or signing secret."""
    sub = event.subscription
    return {
        "subscription_id": event.subscription_id,
        "version": event.version,
        "change": event.change,
        "name": sub.name if sub else "",
        "owner": sub.owner if sub else "",
        "active": int(bool(sub and sub.active)),
        "trigger": sub.trigger.kind if sub else "",
        "channel": sub.channel.kind if sub else "",
        "digest": sub.digest if sub else "",
        "filter": sub.filter.model_dump_json() if sub else "{}",
        "changed_at": ts(event.occurred_at),
    }


def deadletter_row(event: DeadLetter) -> Row:
    return {
        "event_id": event.event_id,
        "stage": event.stage,
        "reason": event.reason,
        "error": event.error,
        "topic": event.topic or "",
        "partition": event.partition,
        "offset": event.offset,
        "original_key": event.original_key or "",
        "original_value": event.original_value,
        "occurred_at": ts(event.occurred_at),
        "observed_at": ts(event.observed_at),
    }


def sink_deadletter(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    error: InvalidEvent,
    producer: Producer,
) -> DeadLetter:
    """A record the sink itself cannot read becomes a dead letter, not a crash."""
    return dead_letter_for(
        stage="sink",
        error=error,
        producer=producer,
        origin=f"{topic}/{partition}@{offset}",
        topic=topic,
        partition=partition,
        offset=offset,
        key=key,
        value=value,
    )


@dataclass
class TableRows:
    """Rows of one batch, per table, in the order they are written."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    events: int = 0

    def encode(self) -> None:
        """Make every table's JSONEachRow text now (see EncodedRows); rows added later
        would not be in it, so this is the batch's last step before it is written."""
        for table, rows in self.tables.items():
            self.tables[table] = EncodedRows(rows)

    def add_record(self, raw: bytes) -> None:
        """Project one record's bytes; raises InvalidEvent for a record it cannot read."""
        event = decode_any(raw)
        if isinstance(event, DocumentObserved):
            self.tables["documents"].append(document_row(event, raw))
        elif isinstance(event, DocumentClassified):
            row, mentions = classification_rows(event)
            self.tables["classifications"].append(row)
            self.tables["mentions"].extend(mentions)
            self.tables["commitments"].extend(commitment_rows(event))
            story = story_row(event)
            if story is not None:
                self.tables["stories"].append(story)
            self.tables["initiative_candidates"].extend(candidate_rows(event))
            self.tables["occurrences"].extend(occurrence_rows(event))
        elif isinstance(event, DeadLetter):
            self.tables["deadletter"].append(deadletter_row(event))
        elif isinstance(event, AlertRaised):
            self.tables["alerts"].append(alert_row(event, raw))
        elif isinstance(event, AlertDelivery):
            self.tables["deliveries"].append(delivery_row(event))
        elif isinstance(event, SubscriptionChanged):
            self.tables["subscriptions"].append(subscription_row(event))
        else:  # pragma: no cover - every released model is handled above
            raise InvalidEvent(
                f"the sink does not store {event.event_type}", reason="unexpected_event_type"
            )
        self.events += 1

    def add_row(self, table: str, row: Row) -> None:
        """A row that is not projected from an event (a stream table's record)."""
        self.tables[table].append(row)
        self.events += 1

    def add_deadletter(self, event: DeadLetter) -> None:
        self.tables["deadletter"].append(deadletter_row(event))
        self.events += 1
