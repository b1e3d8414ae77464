"""One contract, both drivers: chDB in-process and clickhouse-connect over HTTP.

The server driver talks to the embedded endpoint, a real ClickHouse engine, so
both drivers run in CI without Docker. Also: retention and a warehouse outage.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.errors import WarehouseError
from schemas.topics import TopicNames
from sinks.consumer import PartitionReader, describe_topics
from sinks.warehouse.base import ColumnRows, Warehouse, query_columns
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from sinks.warehouse.endpoint.server import EndpointUser, WarehouseHttpServer
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.warehouse.retention import apply_retention
from sinks.writer import SinkConfig, WarehouseSink
from tests.conftest import Broker

WRITER = EndpointUser("writer", "s3cret", readonly=False)


def write_errors() -> float:
    value = REGISTRY.get_sample_value(
        "policywatch_sink_write_errors_total", {"reason": "unreachable"}
    )
    return value or 0.0


@pytest.fixture()
def chdb_side(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    name = "c_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(params=["chdb", "clickhouse"])
def warehouse(request: pytest.FixtureRequest, chdb_side: ChdbWarehouse) -> Iterator[Warehouse]:
    if request.param == "chdb":
        yield chdb_side
        return
    server = WarehouseHttpServer(chdb_side, [WRITER])
    server.start()
    client = ClickhouseWarehouse(
        f"clickhouse://writer:s3cret@127.0.0.1:{server.port}/{chdb_side.database}"
    )
    yield client
    client.close()
    server.stop()


def test_statements_queries_and_parameters(warehouse: Warehouse) -> None:
    warehouse.command(
        "CREATE TABLE t (id String, n UInt32, at DateTime64(3, 'UTC'), "
        "tags Array(String)) ENGINE = MergeTree ORDER BY id "
        "SETTINGS non_replicated_deduplication_window = 100"
    )
    rows = [
        {"id": f"k{i}", "n": i, "at": "2026-01-02 03:04:05.678", "tags": ["a", "b"]}
        for i in range(5)
    ]
    warehouse.insert_rows("t", rows, dedup_token="batch-1")
    warehouse.insert_rows("t", rows, dedup_token="batch-1")  # a retry: no-op
    warehouse.insert_rows("t", rows[:1], dedup_token="batch-2")
    got = warehouse.query(
        "SELECT id, n, tags FROM t WHERE n >= {m:UInt32} ORDER BY id, n", params={"m": 3}
    )
    assert got == [
        {"id": "k3", "n": 3, "tags": ["a", "b"]},
        {"id": "k4", "n": 4, "tags": ["a", "b"]},
    ]
    assert warehouse.query("SELECT count() AS c FROM t")[0]["c"] == 6
    raw = warehouse.query_raw("SELECT id FROM t WHERE n = 0 ORDER BY id", fmt="TabSeparated")
    assert raw == b"k0\nk0\n"
    assert warehouse.query("SELECT 1 AS x", settings={"max_threads": 1}) == [{"x": 1}]


def test_rows_by_column_insert_and_read_back_alike(warehouse: Warehouse) -> None:
    """The sink's derived rows go in as JSONCompactEachRow under their column names (in
    any order) and its read-backs come out by column: the values a JSONEachRow insert
    stores, awkward texts and 64-bit integers included."""
    warehouse.command(
        "CREATE TABLE c (id String, state UInt64, sign Int8, at DateTime64(3, 'UTC'), "
        "day Date, tags Array(String)) ENGINE = MergeTree ORDER BY id"
    )
    awkward = ['quote " and \\ back', "tab\tand\nnewline", "日本語 ✓", ""]
    rows = ColumnRows(("state", "id", "day", "sign", "at", "tags"))  # not the table's order
    for i, text in enumerate(awkward):
        rows.append(
            (
                2**64 - 1 - i,
                text,
                "2026-01-02",
                -1 if i % 2 else 1,
                "2026-01-02 03:04:05.678",
                [text, "x"],
            )
        )
    warehouse.insert_rows("c", rows)
    first = dict(zip(rows.columns, rows.values[0], strict=True))
    warehouse.insert_rows("c", [first])  # the same first row, as JSONEachRow
    got = query_columns(
        warehouse,
        "SELECT id, toString(state) AS state, sign, toString(at) AS at, "
        "toString(day) AS day, tags FROM c ORDER BY state DESC, id",
    )
    assert got["id"] == [awkward[0], awkward[0], *awkward[1:]]
    assert got["state"] == [str(2**64 - 1)] * 2 + [str(2**64 - 1 - i) for i in range(1, 4)]
    assert got["sign"] == [1, 1, -1, 1, -1]
    assert set(got["at"]) == {"2026-01-02 03:04:05.678"} and set(got["day"]) == {"2026-01-02"}
    assert got["tags"] == [[t, "x"] for t in got["id"]]
    assert query_columns(warehouse, "SELECT id FROM c WHERE sign > 5") == {"id": []}
    for width in (1, 3):  # a row of the wrong width is refused, not shifted
        bad = ColumnRows(("id", "state"))
        bad.append(("k", 1, 2)[:width])
        with pytest.raises(WarehouseError):
            warehouse.insert_rows("c", bad)
    assert warehouse.query("SELECT count() AS n FROM c")[0]["n"] == 5


def test_errors_carry_clickhouses_message(warehouse: Warehouse) -> None:
    with pytest.raises(WarehouseError, match=r"UNKNOWN_TABLE|doesn't exist|does not exist"):
        warehouse.query("SELECT * FROM no_such_table")
    with pytest.raises(WarehouseError, match="Syntax error"):
        warehouse.command("CREAT TABLE x")


def test_migrations_run_the_same_on_both_drivers(warehouse: Warehouse) -> None:
    applied = migrate(warehouse, MIGRATIONS_DIR)
    assert applied and migrate(warehouse, MIGRATIONS_DIR) == []


def test_retention_sets_and_removes_ttls(chdb_side: ChdbWarehouse) -> None:
    migrate(chdb_side, MIGRATIONS_DIR)
    apply_retention(chdb_side, {"deadletter": 30, "documents": None})

    def create(table: str) -> str:
        return str(
            chdb_side.query(
                "SELECT create_table_query AS q FROM system.tables WHERE database = "
                "currentDatabase() AND name = {t:String}",
                params={"t": table},
            )[0]["q"]
        )

    assert "TTL toDateTime(observed_at) + toIntervalDay(30)" in create("deadletter")
    assert "TTL" not in create("documents")
    apply_retention(chdb_side, {"deadletter": None})
    assert "TTL" not in create("deadletter")
    with pytest.raises(ValueError, match="no retention rule"):
        apply_retention(chdb_side, {"nonsense": 1})


def test_a_warehouse_outage_pauses_the_sink_and_it_catches_up(
    broker: Broker, topics: TopicNames, chdb_side: ChdbWarehouse
) -> None:
    migrate(chdb_side, MIGRATIONS_DIR)
    server = WarehouseHttpServer(chdb_side, [WRITER])
    server.start()
    port = server.port
    client = ClickhouseWarehouse(
        f"clickhouse://writer:s3cret@127.0.0.1:{port}/{chdb_side.database}"
    )
    names = [topics.documents, topics.classified, topics.deadletter]
    sink = WarehouseSink(
        client,
        PartitionReader(broker.bootstrap, "outage", 100),
        describe_topics(broker.bootstrap, names),
        SinkConfig(consumer="outage", batch_linger_ms=20, retry_max_s=0.5),
    )
    thread = threading.Thread(target=sink.run, daemon=True)
    thread.start()
    server.stop()  # the warehouse goes away
    errors_before = write_errors()
    producer = Producer(name="t", version="1")
    docs = [
        observe_document(
            document_id=f"o{i}",
            source=SourceRef(id="s", kind="news"),
            title="t",
            body=f"body {i}",
            producer=producer,
            published_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(30)
    ]
    publisher = Publisher(broker.bootstrap)
    publisher.publish([Outgoing(topics.documents, d.document_id.encode(), encode(d)) for d in docs])
    publisher.close()
    deadline = time.monotonic() + 30
    while write_errors() <= errors_before:
        assert time.monotonic() < deadline, "the sink never tried to write"
        time.sleep(0.1)
    assert chdb_side.query("SELECT count() AS n FROM sink_offsets WHERE consumer = 'outage'") == [
        {"n": 0}
    ]  # nothing committed while failing
    revived = WarehouseHttpServer(chdb_side, [WRITER], port=port)
    revived.start()
    try:
        deadline = time.monotonic() + 30
        while chdb_side.query("SELECT uniqExact(document_id) AS n FROM documents")[0]["n"] < 30:
            assert time.monotonic() < deadline, "the sink did not catch up"
            time.sleep(0.1)
    finally:
        sink.stop()
        thread.join(10)
        revived.stop()
    assert chdb_side.query("SELECT count() AS n FROM documents")[0]["n"] == 30
