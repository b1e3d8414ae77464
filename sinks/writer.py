"""The warehouse sink: Kafka batches -> idempotent warehouse rows -> stored positions.

Order per batch: every table's rows, then the positions. A crash before the
positions are stored replays the batch; rows are keyed so that a replay changes
no count, and each insert carries a de-duplication token derived from the
topic/partition/offset range, so an identical retry is a no-op. The additive
counts (sinks.counted) are read back instead: a document is counted once per
newer classification, whatever the batches. A warehouse
outage pauses the sink (retries with backoff, no position stored) and it
catches up afterwards.

While a batch is written, a reader thread fetches and decodes the next one (at most one
ahead): the warehouse engine runs without holding the interpreter, so decoding and writing
use two cores. Positions are stored only for written batches, so a batch read ahead and
not written is read again after a restart.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from schemas.envelope import Producer
from schemas.errors import BrokerError, InvalidEvent, WarehouseError
from sinks import metrics
from sinks.consumer import PartitionReader, Record, TopicInfo
from sinks.counted import change_rows
from sinks.offsets import load_positions, save_positions
from sinks.projection import TableRows, sink_deadletter
from sinks.story_members import TABLE as STORY_MEMBERS
from sinks.story_members import story_member_row
from sinks.story_ranks import TABLE as STORY_RANKS
from sinks.story_ranks import story_rank_rows
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)

#: Write order: the event log first; classifications last, because a classification row
#: is what marks a document as held (the spool keeper and the demo wait for it).
TABLE_ORDER = (
    "documents",
    "mentions",
    "commitments",
    "stories",
    "story_members",
    "initiative_candidates",
    "occurrences",
    "deadletter",
    "subscriptions",
    "alerts",
    "deliveries",
    "label_changes",
    "co_mention_changes",
    "story_ranks",
    "classifications",
)


@dataclass(frozen=True)
class SinkConfig:
    consumer: str = "warehouse-sink"
    batch_size: int = 5000
    batch_linger_ms: int = 1000
    retry_max_s: float = 30.0
    version: str = "0"


def batch_token(consumer: str, table: str, records: list[Record]) -> str:
    """Insert de-duplication token from the batch's topic/partition/offset ranges."""
    return batch_tokens(consumer, records)(table)


def batch_tokens(consumer: str, records: list[Record]) -> Callable[[str], str]:
    """``batch_token`` for each table of one batch, its offset ranges read once (a batch
    has thousands of records and a dozen tables)."""
    ranges: dict[tuple[str, int], list[int]] = {}
    for r in records:
        span = ranges.setdefault((r.topic, r.partition), [r.offset, r.offset])
        if r.offset < span[0]:
            span[0] = r.offset
        elif r.offset > span[1]:
            span[1] = r.offset
    text = ";".join(f"{t}/{p}:{a}-{b}" for (t, p), (a, b) in sorted(ranges.items()))

    def token(table: str) -> str:
        key = f"{consumer}|{table}|{text}".encode()
        return hashlib.blake2b(key, digest_size=16).hexdigest()

    return token


def write_rows(
    warehouse: Warehouse,
    rows: TableRows,
    token_of: Callable[[str], str | None] = lambda _table: None,
) -> None:
    """A batch's rows in TABLE_ORDER, each table's insert with ``token_of(table)``, and
    the additive counts' changes and the stories' rows read back from the warehouse
    (sinks.counted, sinks.story_ranks) on every attempt: a retry writes only the changes
    not yet written, without a token."""
    classifications = rows.tables.get("classifications", [])
    changes = change_rows(warehouse, classifications)
    for table in TABLE_ORDER:
        if table == STORY_RANKS:  # after the stories rows, before the classifications
            ranks = story_rank_rows(warehouse, classifications)
            if ranks:
                warehouse.insert_rows(table, ranks)
                metrics.ROWS.labels(table).inc(len(ranks))
            continue
        if table in changes:
            warehouse.insert_rows(table, changes[table])
            metrics.ROWS.labels(table).inc(len(changes[table]))
            continue
        table_rows = rows.tables.get(table)
        if table_rows:
            warehouse.insert_rows(table, table_rows, dedup_token=token_of(table))
            metrics.ROWS.labels(table).inc(len(table_rows))


#: a batch's records and their rows, as the reader thread hands it to the writer
Batch = tuple[list[Record], TableRows]


def _next(
    ahead: queue.Queue[Batch],
) -> Batch | None:
    try:
        return ahead.get(timeout=0.1)
    except queue.Empty:
        return None


class WarehouseSink:
    """Consumes event topics and writes them to the warehouse, exactly-once in effect."""

    def __init__(
        self,
        warehouse: Warehouse,
        reader: PartitionReader,
        topics: list[TopicInfo],
        config: SinkConfig,
        story_members_topic: str | None = None,
    ) -> None:
        """``story_members_topic``: the story stage's changelog, stored verbatim (see
        sinks.story_members) so a restarted embedded stack can restore it."""
        self._warehouse = warehouse
        self._story_members_topic = story_members_topic
        self._version = 0
        self._reader = reader
        self._topics = {t.name: t for t in topics}
        self._config = config
        self._stop = threading.Event()
        self._producer = Producer(name="policywatch-sink", version=config.version)

    def start_positions(self) -> dict[tuple[str, int], int | None]:
        positions: dict[tuple[str, int], int | None] = {}
        for info in self._topics.values():
            stored = load_positions(
                self._warehouse, self._config.consumer, info.name, info.topic_id
            )
            for partition in info.partitions:
                positions[(info.name, partition)] = stored.get(partition)
        return positions

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        """Assign from stored positions and write batches until ``stop()``."""
        delay = 0.2
        while True:  # a warehouse that is down at start pauses the sink, as one down later does
            try:
                positions = self.start_positions()
                break
            except WarehouseError as exc:
                metrics.WRITE_ERRORS.labels(exc.reason).inc()
                if self._stop.is_set():
                    return
                log.warning("cannot read stored positions (%s); retrying in %.1fs", exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, self._config.retry_max_s)
        self._reader.assign(positions)
        log.info("sink %s reading %s", self._config.consumer, sorted(self._topics))
        ahead: queue.Queue[Batch] = queue.Queue(maxsize=1)
        failed: list[BaseException] = []
        reader = threading.Thread(
            target=self._read_ahead, args=(ahead, failed), name="sink-reader", daemon=True
        )
        reader.start()
        try:
            while not self._stop.is_set():
                batch = _next(ahead)
                if batch is not None:
                    self._write_with_retry(*batch)
                elif failed:
                    raise failed[0]
        finally:
            self._stop.set()
            reader.join()

    def _read_ahead(
        self,
        ahead: queue.Queue[Batch],
        failed: list[BaseException],
    ) -> None:
        """The reader thread: every use of the Kafka consumer (not thread-safe) is here."""
        last_lag = 0.0
        try:
            while not self._stop.is_set():
                batch = self._read()
                while batch is not None and not self._stop.is_set():
                    try:
                        ahead.put(batch, timeout=0.1)
                        batch = None
                    except queue.Full:
                        continue
                if time.monotonic() - last_lag > 5:
                    self._report_lag()
                    last_lag = time.monotonic()
        except BaseException as exc:  # the writer raises it: the role exits and restarts
            log.exception("sink reader failed")
            failed.append(exc)

    def _collect(self) -> list[Record]:
        """Up to batch_size records, waiting at most batch_linger_ms after the first."""
        cfg = self._config
        records = self._reader.poll(
            timeout_ms=max(cfg.batch_linger_ms, 100), max_records=cfg.batch_size
        )
        deadline = time.monotonic() + cfg.batch_linger_ms / 1000
        while records and len(records) < cfg.batch_size and time.monotonic() < deadline:
            remaining = int((deadline - time.monotonic()) * 1000)
            more = self._reader.poll(
                timeout_ms=max(remaining, 0), max_records=cfg.batch_size - len(records)
            )
            if not more:
                break
            records.extend(more)
        return records

    def step(self) -> int:
        """Read one batch, write it, store positions; returns the number of records."""
        batch = self._read()
        if batch is None:
            return 0
        records, rows = batch
        self._write_with_retry(records, rows)
        return len(records)

    def _read(self) -> Batch | None:
        """The next batch and its rows, or None (nothing to read, or Kafka unreachable)."""
        try:
            records = self._collect()
        except BrokerError:
            log.exception("sink cannot read from Kafka; retrying")
            self._stop.wait(1.0)
            return None
        if not records:
            return None
        rows = self._project(records)
        rows.encode()
        return records, rows

    def _project(self, records: list[Record]) -> TableRows:
        rows = TableRows()
        for record in records:
            try:
                if record.topic == self._story_members_topic:
                    self._version = max(time.time_ns(), self._version + 1)
                    row = story_member_row(record.key, record.value, self._version)
                    rows.add_row(STORY_MEMBERS, row)
                    metrics.EVENTS.labels(record.topic, "ok").inc()
                    continue
                if record.value is None:
                    raise InvalidEvent("record has no value (tombstone)", reason="empty_record")
                rows.add_record(record.value)
                metrics.EVENTS.labels(record.topic, "ok").inc()
            except InvalidEvent as exc:
                log.warning(
                    "sink dead-letters %s/%s@%s: %s",
                    record.topic,
                    record.partition,
                    record.offset,
                    exc,
                )
                metrics.EVENTS.labels(record.topic, "deadletter").inc()
                metrics.DEADLETTERS.labels("sink", exc.reason).inc()
                rows.add_deadletter(
                    sink_deadletter(
                        topic=record.topic,
                        partition=record.partition,
                        offset=record.offset,
                        key=record.key,
                        value=record.value,
                        error=exc,
                        producer=self._producer,
                    )
                )
        return rows

    def _write_with_retry(self, records: list[Record], rows: TableRows) -> None:
        delay = 0.2
        while True:
            try:
                self._write(records, rows)
                return
            except WarehouseError as exc:
                metrics.WRITE_ERRORS.labels(exc.reason).inc()
                if self._stop.is_set():
                    raise
                log.warning(
                    "warehouse write failed (%s); retrying in %.1fs without storing positions",
                    exc,
                    delay,
                )
                self._stop.wait(delay)
                delay = min(delay * 2, self._config.retry_max_s)

    def _write(self, records: list[Record], rows: TableRows) -> None:
        started = time.perf_counter()
        consumer = self._config.consumer
        write_rows(self._warehouse, rows, batch_tokens(consumer, records))
        ends: dict[tuple[str, int], int] = {}
        for r in records:
            ends[(r.topic, r.partition)] = max(ends.get((r.topic, r.partition), -1), r.offset + 1)
        save_positions(
            self._warehouse,
            self._config.consumer,
            [(t, self._topics[t].topic_id, p, nxt) for (t, p), nxt in ends.items()],
        )
        metrics.BATCH_EVENTS.observe(len(records))
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)

    def _report_lag(self) -> None:
        try:
            for (topic, partition), lag in self._reader.lag().items():
                metrics.LAG.labels(self._config.consumer, topic, str(partition)).set(lag)
        except BrokerError:  # lag is informational; never stop the sink for it
            log.debug("could not compute consumer lag", exc_info=True)
