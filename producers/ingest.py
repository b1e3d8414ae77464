"""Ingest files: parse, publish documents, dead-letter what cannot be read.

A file that cannot be parsed is reported with its path and reason, recorded on
the dead-letter topic, and does not stop the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from producers import metrics
from producers.files import FileDefaults, ParsedItem, expand_paths, parse_path
from producers.publish import Outgoing, Publisher
from producers.spool import Spool, SpooledRecord
from schemas.codec import encode
from schemas.deadletter import DeadLetter, dead_letter_for
from schemas.errors import SourceError
from schemas.topics import TopicNames

log = logging.getLogger(__name__)
CHUNK = 1000


@dataclass
class IngestReport:
    documents: int = 0
    failed_items: list[tuple[str, str, str]] = field(default_factory=list)  # location, reason, msg
    publish_errors: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed_items and not self.publish_errors


def ingest_deadletter(item: ParsedItem, error: SourceError, defaults: FileDefaults) -> DeadLetter:
    return dead_letter_for(
        stage="ingest",
        error=error,
        producer=defaults.producer,
        origin=item.location,
        key=item.location.encode("utf-8"),
        value=item.raw,
    )


def file_size(path: Path) -> int:
    """Bytes of a file to read, 0 if it cannot be seen (reading it will say why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def ingest_paths(
    paths: list[Path],
    *,
    publisher: Publisher,
    topics: TopicNames,
    defaults: FileDefaults,
    max_file_bytes: int,
    on_progress: Callable[[int], None] | None = None,
    spool: Spool | None = None,
    on_bytes: Callable[[int], None] | None = None,
    pace: Callable[[], None] | None = None,
    chunk: int = CHUNK,
) -> IngestReport:
    """Parse every path and publish; returns what was sent and what failed, per item.

    ``on_progress`` gets the number of records each acknowledgement covers; ``on_bytes``
    the bytes of the files read so far, as they are read (each record's bytes, the rest
    of a file at its end): against the files' total size, a measure of the time left.

    With a ``spool``, each chunk of documents is written to it durably before it is
    published, so an acknowledged document survives a crash of an in-memory broker.
    Records go ``chunk`` at a time, each after ``pace`` returns (ops.features.replay_pacing:
    a bulk load kept out of the live documents' way).
    """
    report = IngestReport()
    pending: list[Outgoing] = []
    pending_ids: list[str | None] = []  # document_id per pending record, None for dead letters

    def flush() -> bool:
        """Publish the pending chunk; False when part of it was not acknowledged."""
        if pace is not None:
            pace()
        if spool is not None:
            spool.append(
                [
                    SpooledRecord(r.key or b"", r.value)
                    for r in pending
                    if r.topic == topics.documents
                ]
            )
        result = publisher.publish(pending, on_ack=on_progress)
        for index, document_id in enumerate(pending_ids):
            if document_id is not None and index not in result.failed_indices:
                report.documents += 1
                report.document_ids.append(document_id)
        report.publish_errors.extend(result.errors)
        metrics.PUBLISHED.labels("ingest", "sent").inc(result.sent)
        metrics.PUBLISHED.labels("ingest", "failed").inc(result.failed)
        pending.clear()
        pending_ids.clear()
        return result.failed == 0

    for path in expand_paths(paths):
        size = file_size(path) if on_bytes is not None else 0
        counted = 0
        for item in parse_path(path, defaults, max_file_bytes):
            if on_bytes is not None and item.raw is not None:
                step = min(len(item.raw) + 1, size - counted)  # + its line break
                on_bytes(step)
                counted += step
            if item.event is not None:
                pending.append(
                    Outgoing(topics.documents, item.event.document_id.encode(), encode(item.event))
                )
                pending_ids.append(item.event.document_id)
            else:
                error = item.error or SourceError(f"{item.location}: unreadable")
                log.warning("cannot ingest: %s", error)
                report.failed_items.append((item.location, error.reason, str(error)))
                dead = ingest_deadletter(item, error, defaults)
                pending.append(Outgoing(topics.deadletter, dead.event_id.encode(), encode(dead)))
                pending_ids.append(None)
            if len(pending) >= chunk and not flush():
                report.stopped_early = True
                return report  # the broker is failing: stop instead of timing out per chunk
        if on_bytes is not None:
            on_bytes(size - counted)
    if pending:
        flush()
    return report
