"""A paced replay on a real broker and a real chDB: each chunk waits for the stack's
backlog (the workers' committed offsets), and a backlog nobody consumes ends the pacing
so every stored document is still published."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from ops.features.replay import replay
from ops.features.replay_pacing import Pacer
from ops.features.replay_progress import BacklogReader
from ops.runtime.consumer_lag import partition_ends
from ops.runtime.topics import ensure_topics
from ops.settings import Settings, load_settings
from producers.publish import Publisher
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.topics import TopicNames
from sinks.consumer import describe_topics
from sinks.projection import TableRows
from sinks.read_model.documents import ReplayFilter
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from tests.conftest import Broker

STORED = 12


def stack_settings(broker: Broker, topics: TopicNames) -> Settings:
    app_id = "g" + uuid.uuid4().hex[:8]
    ensure_topics(broker.bootstrap, [f"{app_id}-story-requests"], partitions=1)
    ensure_topics(broker.bootstrap, [topics.documents, topics.classified], partitions=4)
    return load_settings(topics=topics.model_dump(), streams={"app_id": app_id})


def store_documents(warehouse: ChdbWarehouse) -> None:
    migrate(warehouse, MIGRATIONS_DIR)
    rows = TableRows()
    for n in range(STORED):
        rows.add_record(
            encode(
                observe_document(
                    document_id=f"doc-{n:02d}",
                    source=SourceRef(id="s", kind="news", name="S"),
                    title=f"Report {n}",
                    body="The Quad foreign ministers met in Tokyo.",
                    producer=Producer(name="test", version="1"),
                    published_at=datetime(2026, 1, 1, tzinfo=UTC),
                )
            )
        )
    warehouse.insert_rows("documents", rows.tables["documents"])


def test_a_backlog_nobody_consumes_ends_the_pacing_and_everything_is_published(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    settings = stack_settings(broker, topics)
    store_documents(fresh_database)
    pacer = Pacer(BacklogReader(settings, broker.bootstrap, fresh_database), limit=3, stall_s=0.5)
    publisher = Publisher(broker.bootstrap)
    started = time.monotonic()
    try:
        sent = replay(
            fresh_database, publisher, topics.documents, ReplayFilter(), pace=pacer.wait, chunk=2
        )
    finally:
        publisher.close()
    assert sent == STORED
    assert "did not shrink" in pacer.stopped
    assert time.monotonic() - started >= 0.5  # it waited for the stack before giving up


def test_each_chunk_waits_for_the_workers_to_take_the_ones_before(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    """A stand-in for the workers commits what was published, a moment later; every chunk
    is published only once the backlog is down to the limit."""
    settings = stack_settings(broker, topics)
    store_documents(fresh_database)
    reader = BacklogReader(settings, broker.bootstrap, fresh_database)
    [documents] = describe_topics(broker.bootstrap, [topics.documents])
    partitions = [TopicPartition(documents.name, p) for p in documents.partitions]
    stop = threading.Event()

    def workers() -> None:
        group = KafkaConsumer(
            bootstrap_servers=broker.bootstrap,
            group_id=settings.streams.app_id,
            enable_auto_commit=False,
        )
        try:
            while not stop.wait(0.3):
                ends = partition_ends(broker.bootstrap, partitions)
                group.commit({tp: OffsetAndMetadata(end, "", -1) for tp, end in ends.items()})
        finally:
            group.close(autocommit=False)

    at_publish: list[int] = []

    def pace() -> None:
        pacer.wait()
        at_publish.append(reader().classify)

    pacer = Pacer(reader, limit=3, interval_s=0.05, stall_s=20)
    committer = threading.Thread(target=workers, daemon=True)
    committer.start()
    publisher = Publisher(broker.bootstrap)
    try:
        sent = replay(
            fresh_database, publisher, topics.documents, ReplayFilter(), pace=pace, chunk=2
        )
    finally:
        publisher.close()
        stop.set()
        committer.join(timeout=10)
    assert sent == STORED and not pacer.stopped
    assert len(at_publish) == STORED // 2
    assert max(at_publish) <= 3  # read after each wait, before the chunk went out
