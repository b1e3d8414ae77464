"""The warehouse sink against a real Tansu and a real chDB."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.topics import TopicNames
from sinks.consumer import PartitionReader, describe_topics
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.writer import SinkConfig, WarehouseSink
from tests.conftest import Broker
from tests.integration.test_warehouse_schema import classified
from tests.waiting import wait_for

P = Producer(name="test", version="1")


def make_sink(
    broker: Broker, topics: TopicNames, warehouse: ChdbWarehouse, batch: int = 500
) -> WarehouseSink:
    names = [topics.documents, topics.classified, topics.deadletter]
    return WarehouseSink(
        warehouse,
        PartitionReader(broker.bootstrap, "test-sink", batch),
        describe_topics(broker.bootstrap, names),
        SinkConfig(batch_size=batch, batch_linger_ms=50),
    )


def run_in_thread(sink: WarehouseSink) -> threading.Thread:
    thread = threading.Thread(target=sink.run, daemon=True)
    thread.start()
    return thread


def count(warehouse: ChdbWarehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0]["n"])


def test_sink_writes_dead_letters_and_resumes_from_stored_positions(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    day = datetime(2026, 2, 2, tzinfo=UTC)
    docs = [
        observe_document(
            document_id=f"d{i}",
            source=SourceRef(id="s", kind="news"),
            title=f"t{i}",
            body=f"body {i}",
            producer=P,
            published_at=day,
        )
        for i in range(40)
    ]
    records = [Outgoing(topics.documents, d.document_id.encode(), encode(d)) for d in docs]
    records += [
        Outgoing(topics.classified, f"d{i}".encode(), classified(f"d{i}", "quad", day))
        for i in range(40)
    ]
    records.append(Outgoing(topics.classified, b"bad", b"{this is not an event"))
    publisher = Publisher(broker.bootstrap)
    assert publisher.publish(records).failed == 0

    sink = make_sink(broker, topics, fresh_database)
    thread = run_in_thread(sink)
    wait_for(
        lambda: (
            count(fresh_database, "SELECT count() AS n FROM deadletter") == 1
            and count(fresh_database, "SELECT uniqExact(document_id) AS n FROM classifications")
            == 40
        )
    )
    sink.stop()
    thread.join(10)
    [dead] = fresh_database.query("SELECT stage, reason, topic FROM deadletter")
    assert dead == {"stage": "sink", "reason": "not_json", "topic": topics.classified}
    assert count(fresh_database, "SELECT uniqExact(document_id) AS n FROM documents") == 40

    # A new sink resumes from the positions stored in the warehouse: nothing is re-read.
    rows_before = count(fresh_database, "SELECT count() AS n FROM mentions")
    resumed = make_sink(broker, topics, fresh_database)
    positions = resumed.start_positions()
    assert sum(p or 0 for p in positions.values()) == len(records)
    more = observe_document(
        document_id="d-late",
        source=SourceRef(id="s", kind="news"),
        title="late",
        body="late body",
        producer=P,
        published_at=day,
    )
    publisher.publish([Outgoing(topics.documents, b"d-late", encode(more))])
    thread = run_in_thread(resumed)
    wait_for(
        lambda: count(fresh_database, "SELECT uniqExact(document_id) AS n FROM documents") == 41
    )
    resumed.stop()
    thread.join(10)
    publisher.close()
    assert count(fresh_database, "SELECT count() AS n FROM mentions") == rows_before
    assert count(fresh_database, "SELECT count() AS n FROM documents") == 41


def test_positions_of_a_recreated_topic_are_not_reused(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    """The embedded broker forgets topics on restart; stale positions must not skip data."""
    migrate(fresh_database, MIGRATIONS_DIR)
    from sinks.offsets import save_positions

    save_positions(fresh_database, "test-sink", [(topics.documents, "an-old-topic-id", 0, 1000)])
    sink = make_sink(broker, topics, fresh_database)
    positions = sink.start_positions()
    assert positions[(topics.documents, 0)] is None


def test_a_batch_read_ahead_and_not_written_is_read_again(
    broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    """The sink reads the next batch while it writes one; stopped in between, it stores
    positions only for what it wrote, so the batch it held is written after a restart."""
    migrate(fresh_database, MIGRATIONS_DIR)
    day = datetime(2026, 2, 2, tzinfo=UTC)
    total = 200
    publisher = Publisher(broker.bootstrap)
    events = [
        Outgoing(topics.classified, f"d{i}".encode(), classified(f"d{i}", "quad", day))
        for i in range(total)
    ]
    assert publisher.publish(events).failed == 0
    publisher.close()

    def stored() -> int:
        return count(fresh_database, "SELECT sum(next_offset) AS n FROM sink_offsets FINAL")

    first = make_sink(broker, topics, fresh_database, batch=20)
    thread = run_in_thread(first)
    wait_for(lambda: stored() > 0)
    first.stop()
    thread.join(10)
    written = count(fresh_database, "SELECT uniqExact(document_id) AS n FROM classifications")
    assert 0 < stored() < total  # stopped with batches still unread or read ahead
    assert written == stored()  # what it wrote, and nothing it only held

    second = make_sink(broker, topics, fresh_database, batch=20)
    thread = run_in_thread(second)
    wait_for(
        lambda: (
            count(fresh_database, "SELECT uniqExact(document_id) AS n FROM classifications")
            == total
        )
    )
    second.stop()
    thread.join(10)
    assert stored() == total
    assert count(fresh_database, "SELECT count() AS n FROM classifications") == total
