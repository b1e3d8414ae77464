"""`--wait`'s backlogs on a real broker and a real chDB: what the workers' group has not
committed past, and what the sink has not stored."""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

from ops.features.replay_progress import SINK_CONSUMER, Backlog, BacklogReader
from ops.runtime.consumer_lag import partition_ends
from ops.runtime.topics import ensure_topics
from ops.settings import load_settings
from producers.publish import Outgoing, Publisher
from schemas.topics import TopicNames
from sinks.consumer import describe_topics
from sinks.offsets import save_positions
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from tests.conftest import Broker


def test_the_backlogs_count_from_the_start_until_the_group_commits_and_the_sink_stores(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    app_id = "g" + uuid.uuid4().hex[:8]
    requests = f"{app_id}-story-requests"
    ensure_topics(broker.bootstrap, [requests], partitions=1)
    settings = load_settings(topics=topics.model_dump(), streams={"app_id": app_id})
    publisher = Publisher(broker.bootstrap)
    sent = [Outgoing(topics.documents, f"d{i}".encode(), b"{}") for i in range(5)]
    sent += [Outgoing(requests, b"d0", b"{}")]
    sent += [Outgoing(topics.classified, f"d{i}".encode(), b"{}") for i in range(3)]
    assert publisher.publish(sent).failed == 0
    publisher.close()

    backlog = BacklogReader(settings, broker.bootstrap, fresh_database)
    # nothing committed, nothing stored: a stack that has not begun is not done
    assert backlog() == Backlog(6, 3)

    read = [
        TopicPartition(t.name, p)
        for t in describe_topics(broker.bootstrap, [topics.documents, requests])
        for p in t.partitions
    ]
    ends = partition_ends(broker.bootstrap, read)
    group = KafkaConsumer(
        bootstrap_servers=broker.bootstrap, group_id=app_id, enable_auto_commit=False
    )
    try:
        group.commit({tp: OffsetAndMetadata(end, "", -1) for tp, end in ends.items()})
    finally:
        group.close(autocommit=False)
    assert backlog() == Backlog(0, 3)

    [classified] = describe_topics(broker.bootstrap, [topics.classified])
    tps = [TopicPartition(classified.name, p) for p in classified.partitions]
    stored = partition_ends(broker.bootstrap, tps)
    first, *rest = sorted(stored.items())
    save_positions(
        fresh_database,
        SINK_CONSUMER,
        [(classified.name, classified.topic_id, tp.partition, end) for tp, end in rest],
    )
    assert backlog() == Backlog(0, first[1])
    save_positions(
        fresh_database,
        SINK_CONSUMER,
        [(classified.name, classified.topic_id, first[0].partition, first[1])],
    )
    assert backlog().done
