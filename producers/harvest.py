"""One run of one source: discover, fetch each article, emit new revisions, record health.

Order of effects, so that a restart neither re-emits nor skips: events are
sent and acknowledged first, then the checkpoint records them; a feed or
listing page is recorded only when every item on it was handled. A transient
failure (timeout, 5xx, broker down) records nothing, so the next run retries.
A permanent one (404, no text, unsafe XML) becomes a dead letter once, and a
source-health error every run. Nothing here raises: a broken source yields an
``error`` health row and the others go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import Executor

from producers import outcomes
from producers.checkpoints import CheckpointStore, SourceCheckpoint
from producers.discovery import BuildJob, Candidate, Discovery, SourceReader, build_in_worker
from producers.feeds import FeedReader
from producers.fetch import Fetcher, FetchError, FetchResult
from producers.health import (
    HealthMarks,
    HealthRecorder,
    RunTally,
    SourceHealth,
    publish_metrics,
    summarize,
)
from producers.official import ListingReader
from producers.outcomes import Outcome
from producers.outlets import Outlet, Record
from producers.sources import SourceConfig
from schemas.envelope import Producer, utcnow
from schemas.errors import SourceError
from schemas.ids import canonical_url

log = logging.getLogger(__name__)


def reader_for(source: SourceConfig) -> SourceReader:
    return FeedReader(source) if source.feed is not None else ListingReader(source)


class Harvester:
    """Runs sources once; shared by ``fetch --once``, the scheduler and the benchmark."""

    def __init__(
        self,
        fetcher: Fetcher,
        outlet: Outlet,
        *,
        producer: Producer,
        checkpoints: CheckpointStore | None = None,
        health: Sequence[HealthRecorder] = (),
        batch_size: int = 50,
        executor: Executor | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.outlet = outlet
        self.producer = producer
        self.checkpoints = checkpoints
        self.health = tuple(health)
        self.batch_size = batch_size
        self.executor = executor  # where extraction runs; None: the loop's default threads

    async def run(self, source: SourceConfig, stop: asyncio.Event | None = None) -> SourceHealth:
        started = utcnow()
        tally = RunTally(source.id)
        if self.checkpoints is not None:
            checkpoint = await asyncio.to_thread(self.checkpoints.load, source.id)
        else:
            checkpoint = SourceCheckpoint(source.id)
        if checkpoint.damaged:
            tally.error(
                SourceError(
                    f"{source.id}: checkpoint was unreadable ({checkpoint.damaged}); started "
                    "afresh, so unchanged articles may be sent again (same ids)",
                    reason="checkpoint_damaged",
                )
            )
        self.fetcher.limit_host(source.host, source.rate_limit, source.concurrency)
        reader = reader_for(source)
        try:
            found = await reader.discover(self.fetcher, checkpoint)
            for result in found.fetches:
                tally.fetched(result)
            for warning in found.warnings:
                tally.error(warning)
            done = await self._handle(reader, found, checkpoint, tally, stop)
            if done and found.complete:
                for page in found.index:
                    state = checkpoint.get(page.key)
                    checkpoint.update(
                        page.key,
                        etag=page.validators.etag,
                        last_modified=page.validators.last_modified,
                        revision=page.digest or (state.revision if state else None),
                    )
        except SourceError as exc:
            tally.fatal = True
            tally.error(exc)
            if isinstance(exc, FetchError):
                tally.failed_request()
        except Exception as exc:  # a bug in one source must not stop the others
            log.exception("source %s failed unexpectedly", source.id)
            tally.fatal = True
            tally.error(
                SourceError(f"{source.id}: {type(exc).__name__}: {exc}", reason="internal_error")
            )
        health = summarize(source.id, source.kind.value, started, tally, checkpoint.health)
        checkpoint.health = HealthMarks(
            health.last_success_at,
            health.last_error_at,
            health.last_error_reason,
            health.last_error_message,
            health.documents_total,
        )
        try:
            await asyncio.to_thread(checkpoint.save)
        except OSError as exc:
            log.error("cannot write the checkpoint of %s: %s", source.id, exc)
        publish_metrics(health)
        for recorder in self.health:
            try:
                await asyncio.to_thread(recorder.record, health)
            except Exception:
                log.exception(
                    "health recorder %s failed for %s", type(recorder).__name__, source.id
                )
        return health

    async def _handle(
        self,
        reader: SourceReader,
        found: Discovery,
        checkpoint: SourceCheckpoint,
        tally: RunTally,
        stop: asyncio.Event | None,
    ) -> bool:
        """Every candidate, in batches; True when all were handled for good."""
        done = True
        rejected = [
            outcomes.rejected(reader.source.id, r, checkpoint, self.producer)
            for r in found.rejected
        ]
        candidates = found.candidates
        for start in range(0, max(len(candidates), 1), self.batch_size):
            if stop is not None and stop.is_set():
                return False
            chunk = candidates[start : start + self.batch_size]
            results = await asyncio.gather(
                *(self._item(reader, c, checkpoint, tally) for c in chunk)
            )
            if start == 0:
                results = [*rejected, *results]
            done = await self._deliver(results, checkpoint, tally) and done
            await asyncio.to_thread(checkpoint.save)
        return done

    async def _item(
        self,
        reader: SourceReader,
        candidate: Candidate,
        checkpoint: SourceCheckpoint,
        tally: RunTally,
    ) -> Outcome:
        key = canonical_url(candidate.url)
        state = checkpoint.get(key)
        page: FetchResult | None = None
        error: SourceError | None = None
        try:
            page = await self.fetcher.get(
                candidate.url, state.validators if state and state.revision else None
            )
            tally.fetched(page)
        except SourceError as exc:
            tally.failed_request()
            if exc.retriable:
                return Outcome("retry", key, error=exc)
            error = exc
        if page is not None and page.not_modified:
            return Outcome("unchanged", key)
        job = BuildJob(
            reader,
            candidate,
            page,
            (error.reason, str(error)) if error else None,
            utcnow(),
            self.producer,
        )
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self.executor, build_in_worker, job
            )
        except Exception as exc:  # an extractor bug: dead-letter the page, go on
            log.exception("building %s failed", candidate.url)
            result = ("internal_error", f"{candidate.url}: {type(exc).__name__}: {exc}")
        if not isinstance(result, tuple):
            return outcomes.built(key, result, page=page, error=error, state=state)
        raw = page.content if page is not None else b""
        return outcomes.failed(
            reader.source.id,
            key,
            SourceError(result[1], reason=result[0]),
            raw=raw,
            state=state,
            producer=self.producer,
        )

    async def _deliver(
        self, results: Sequence[Outcome], checkpoint: SourceCheckpoint, tally: RunTally
    ) -> bool:
        """Send the batch, then record in the checkpoint only what was acknowledged."""
        sending = [o for o in results if o.record is not None]
        records: list[Record] = [r for o in sending if (r := o.record) is not None]
        delivery = await self.outlet.send(records)
        acked = {id(o) for o, ok in zip(sending, delivery.acked, strict=True) if ok}
        done = outcomes.record(results, acked, checkpoint, tally)
        if not delivery.complete:
            tally.fatal = tally.fatal or not any(delivery.acked)
            tally.error(
                SourceError(
                    f"{tally.source}: {delivery.acked.count(False)} of {len(records)} records not "
                    f"acknowledged ({'; '.join(delivery.errors[:3])}); retried next run",
                    reason="publish_failed",
                )
            )
        return done
