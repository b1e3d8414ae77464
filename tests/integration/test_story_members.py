"""The story stage's changelog kept in the warehouse and published back: real Tansu, chDB.

The sink stores the changelog's records verbatim (deletions included, the latest record
of a key wins); the restore publishes the live rows into a fresh changelog so that a
consumer reading up to the topic's end offset, as Faust's table recovery does, sees
every one of them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ops.roles import MIGRATIONS_DIR
from ops.story_restore import restore_story_members
from ops.topics import ensure_topics
from producers.publish import Outgoing, Publisher
from schemas.topics import TopicNames
from sinks.consumer import PartitionReader, describe_topics
from sinks.story_members import live_story_members
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import migrate
from sinks.writer import SinkConfig, WarehouseSink
from streams.agents import _rebuild_index
from streams.classify.stories import StoryIndex, story_features
from tests.conftest import Broker
from tests.integration.test_sink import run_in_thread, wait_for


def read_to_end(bootstrap: str, topic: str) -> list[tuple[bytes, bytes]]:
    """Records up to the end offset the broker reports (what a table recovery reads)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        part = TopicPartition(topic, 0)
        consumer.assign([part])
        consumer.seek_to_beginning(part)
        end = consumer.end_offsets([part])[part]
        out: list[tuple[bytes, bytes]] = []
        while consumer.position(part) < end:
            for records in consumer.poll(timeout_ms=500).values():
                out.extend((r.key, r.value) for r in records if r.offset < end)
        return out
    finally:
        consumer.close()


def member(index: StoryIndex, document_id: str, text: str) -> bytes:
    index.assign_features(
        document_id, datetime(2026, 3, 2, tzinfo=UTC), story_features(text, {"quad"})
    )
    found = index.member(document_id)
    assert found is not None
    return orjson.dumps(found)


def test_the_changelog_is_kept_and_published_back_whole(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    changelog = f"t{uuid.uuid4().hex[:8]}-story-members-changelog"
    ensure_topics(broker.bootstrap, [changelog], 1)
    index = StoryIndex()
    texts = {
        f"d{i}": f"Quad ministers met in Tokyo on maritime awareness, round {i} of {i * 7} talks."
        for i in range(30)
    }
    records = [
        Outgoing(changelog, f'"{d}"'.encode(), member(index, d, t)) for d, t in texts.items()
    ]
    publisher = Publisher(broker.bootstrap)
    try:
        assert publisher.publish(records).failed == 0  # one batch: Tansu's end offset says 1
    finally:
        publisher.close()
    # d3 changes, d4 leaves the index (a record without a value)
    changed = member(StoryIndex(), "d3", "Wheat prices rose in Chicago.")
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap)
    try:
        producer.send(changelog, key=b'"d3"', value=changed)
        producer.send(changelog, key=b'"d4"', value=None)
        producer.flush(timeout=30)
    finally:
        producer.close()

    sink = WarehouseSink(
        fresh_database,
        PartitionReader(broker.bootstrap, "test-sink", 500),
        describe_topics(broker.bootstrap, [changelog]),
        SinkConfig(batch_size=7, batch_linger_ms=50),  # several batches
        story_members_topic=changelog,
    )
    thread = run_in_thread(sink)
    wait_for(lambda: fresh_database.query("SELECT count() AS n FROM story_members")[0]["n"] >= 32)
    sink.stop()
    thread.join(10)
    live = dict(kv for page in live_story_members(fresh_database, page=8) for kv in page)
    assert len(live) == 29 and b'"d4"' not in live
    assert live[b'"d3"'] == changed
    assert live[b'"d0"'] == records[0].value

    fresh = f"t{uuid.uuid4().hex[:8]}-story-members-changelog"
    ensure_topics(broker.bootstrap, [fresh], 1)
    publisher = Publisher(broker.bootstrap)
    try:
        assert restore_story_members(fresh_database, publisher, fresh) == 29
    finally:
        publisher.close()
    assert dict(read_to_end(broker.bootstrap, fresh)) == live

    rebuilt = StoryIndex()
    assert _rebuild_index(rebuilt, [*live.values(), b"{not json", b'{"id": "x"}']) == 2
    assert len(rebuilt) == 29
