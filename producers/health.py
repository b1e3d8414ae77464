"""Source health as data: one row per source run, and the policywatch_source_* metrics.

Analysts need to know when a source goes quiet or breaks. Every run of every
source ends in a :class:`SourceHealth` (status, last success, last error and
its reason, documents emitted, fetch latency) handed to each
:class:`HealthRecorder`; ops wires a recorder that writes the ``source_health``
table (sinks/warehouse/migrations/010_source_health.sql has the same columns as
:meth:`SourceHealth.as_row`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from producers import metrics
from producers.fetch_types import FetchResult
from schemas.envelope import utcnow
from schemas.errors import SourceError
from schemas.ids import event_id_for

log = logging.getLogger(__name__)
Status = Literal["ok", "degraded", "error"]


@dataclass(frozen=True)
class SourceHealth:
    """One run of one source.

    ``status``: ok (read, nothing failed), degraded (read, but some articles or
    parts failed: see the last error), error (the source could not be read or
    nothing could be published).
    """

    source_id: str
    source_kind: str
    run_id: str
    started_at: datetime
    finished_at: datetime
    status: Status
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error_reason: str
    last_error_message: str
    documents_emitted: int
    documents_unchanged: int
    documents_total: int
    dead_letters: int
    errors: int
    requests: int
    not_modified: int
    fetch_seconds_avg: float
    fetch_seconds_max: float

    def as_row(self) -> dict[str, Any]:
        """The warehouse row (column names of ``source_health``)."""
        row = asdict(self)
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = value.isoformat()
        return row


@dataclass(frozen=True)
class HealthMarks:
    """Source health that must survive a restart."""

    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error_reason: str = ""
    last_error_message: str = ""
    documents_total: int = 0


@dataclass
class RunTally:
    """What one run did, counted as it happens (metrics are updated at once)."""

    source: str
    emitted: int = 0
    unchanged: int = 0
    dead: int = 0
    errors: int = 0
    not_modified: int = 0
    requests: int = 0
    seconds: list[float] = field(default_factory=list)
    last_error: SourceError | None = None
    fatal: bool = False

    def error(self, exc: SourceError) -> None:
        self.errors += 1
        self.last_error = exc
        metrics.SOURCE_ERRORS.labels(self.source, exc.reason).inc()

    def count(self, outcome: str, n: int = 1) -> None:
        metrics.SOURCE_DOCUMENTS.labels(self.source, outcome).inc(n)

    def failed_request(self) -> None:
        self.requests += 1
        metrics.SOURCE_REQUESTS.labels(self.source, "error").inc()

    def fetched(self, result: FetchResult) -> None:
        self.requests += 1
        self.seconds.append(result.elapsed_s)
        self.not_modified += result.not_modified
        metrics.SOURCE_FETCH_SECONDS.labels(self.source).observe(result.elapsed_s)
        outcome = "not_modified" if result.not_modified else "ok"
        metrics.SOURCE_REQUESTS.labels(self.source, outcome).inc()


class HealthRecorder(Protocol):
    def record(self, health: SourceHealth) -> None:
        """Store one run's health (called from a worker thread; may block)."""
        ...


class LogHealthRecorder:
    """One log line per run: warning when degraded, error when the source failed."""

    def record(self, health: SourceHealth) -> None:
        level = {"ok": logging.INFO, "degraded": logging.WARNING, "error": logging.ERROR}
        log.log(
            level[health.status],
            "source %s %s: %d emitted, %d unchanged, %d dead letters, %d errors%s",
            health.source_id,
            health.status,
            health.documents_emitted,
            health.documents_unchanged,
            health.dead_letters,
            health.errors,
            f"; last error {health.last_error_reason}: {health.last_error_message}"
            if health.status != "ok"
            else "",
        )


def publish_metrics(health: SourceHealth) -> None:
    """Per-run gauges and the run counter (per-request counters are kept as they happen)."""
    source = health.source_id
    metrics.SOURCE_RUNS.labels(source, health.status).inc()
    metrics.SOURCE_LAST_RUN.labels(source).set(health.finished_at.timestamp())
    metrics.SOURCE_UP.labels(source).set(0 if health.status == "error" else 1)
    if health.last_success_at is not None:
        metrics.SOURCE_LAST_SUCCESS.labels(source).set(health.last_success_at.timestamp())


def summarize(
    source_id: str, source_kind: str, started: datetime, tally: RunTally, marks: HealthMarks
) -> SourceHealth:
    """The health row of a finished run; what this run did not see comes from ``marks``."""
    finished = utcnow()
    status: Status = "error" if tally.fatal else ("degraded" if tally.errors else "ok")
    error = tally.last_error
    seconds = tally.seconds
    return SourceHealth(
        source_id=source_id,
        source_kind=source_kind,
        run_id=event_id_for(source_id, started.isoformat(), "source.run"),
        started_at=started,
        finished_at=finished,
        status=status,
        last_success_at=finished if status != "error" else marks.last_success_at,
        last_error_at=finished if error is not None else marks.last_error_at,
        last_error_reason=error.reason if error is not None else marks.last_error_reason,
        last_error_message=str(error)[:2000] if error is not None else marks.last_error_message,
        documents_emitted=tally.emitted,
        documents_unchanged=tally.unchanged,
        documents_total=marks.documents_total + tally.emitted,
        dead_letters=tally.dead,
        errors=tally.errors,
        requests=tally.requests,
        not_modified=tally.not_modified,
        fetch_seconds_avg=sum(seconds) / len(seconds) if seconds else 0.0,
        fetch_seconds_max=max(seconds, default=0.0),
    )
