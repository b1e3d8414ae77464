"""Consumer lag on Tansu, whose end offsets are lower than the records it serves.

Tansu 0.6.0 reports a partition's end as (base offset of its last batch) + 1; the lag
behind ``policywatch status`` and ``policywatch_consumer_lag_messages`` must count every
record nonetheless.
"""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from ops.consumer_lag import group_lag
from ops.topics import ensure_topics
from sinks.consumer import PartitionReader
from tests.conftest import Broker

BATCHES = (6, 13, 6)  # three multi-record batches: 25 records, the last batch at 19


def produce_batches(bootstrap: str, topic: str) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=100)
    for size in BATCHES:
        for i in range(size):
            producer.send(topic, key=b"k", value=b"record-%d" % i)
        producer.flush()
    producer.close()


def test_lag_counts_every_record_although_the_end_offset_is_under_reported(
    tansu: Broker,
) -> None:
    topic = f"lag-{uuid.uuid4().hex[:8]}"
    ensure_topics(tansu.bootstrap, [topic], partitions=1)
    produce_batches(tansu.bootstrap, topic)
    total = sum(BATCHES)
    tp = TopicPartition(topic, 0)
    plain = KafkaConsumer(bootstrap_servers=tansu.bootstrap)
    reported = plain.end_offsets([tp])[tp]
    plain.close()
    assert reported < total  # the trap this guards against (Apache Kafka reports 25)

    reader = PartitionReader(tansu.bootstrap, "lag-test", max_poll_records=5)
    try:
        reader.assign({(topic, 0): None})
        assert reader.lag() == {(topic, 0): total}  # nothing read yet: all 25
        read: list[int] = []
        while len(read) < 10:
            read += [r.offset for r in reader.poll(1000, 10 - len(read))]
        assert reader.lag() == {(topic, 0): total - 10}
        while len(read) < total:
            read += [r.offset for r in reader.poll(1000, 500)]
        assert read == list(range(total))
        assert reader.lag() == {(topic, 0): 0}
    finally:
        reader.close()


def test_a_groups_lag_in_status_counts_every_record(broker: Broker) -> None:
    """``policywatch status`` reads the workers' group lag from the broker; on Tansu the end
    offset alone would say 20 behind for 25 records not consumed (on Kafka it says 25)."""
    topic = f"glag-{uuid.uuid4().hex[:8]}"
    group = f"g-{uuid.uuid4().hex[:8]}"
    ensure_topics(broker.bootstrap, [topic], partitions=1)
    produce_batches(broker.bootstrap, topic)
    tp = TopicPartition(topic, 0)
    member = KafkaConsumer(bootstrap_servers=broker.bootstrap, group_id=group)
    member.assign([tp])
    member.commit({tp: OffsetAndMetadata(0, "", -1)})  # committed, nothing consumed yet
    member.close()
    [lag] = group_lag(broker.bootstrap, group)
    assert (lag.topic, lag.committed, lag.end, lag.lag) == (topic, 0, 25, 25)
