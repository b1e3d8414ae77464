"""The embedded endpoint behaves as ClickHouse does for a readonly=2 user with capped limits.

Request headers (X-ClickHouse-Format, X-ClickHouse-Database), compressed responses,
progress headers, a true X-ClickHouse-Summary, and settings a reader may change, as seen
by raw httpx requests and by clickhouse-connect.
"""

from __future__ import annotations

import gzip
import json
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import clickhouse_connect
import httpx
import lz4.frame
import pytest
from clickhouse_connect.driver.exceptions import DatabaseError

from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.http_server import EndpointUser, WarehouseHttpServer
from sinks.warehouse.read_policy import ReadLimits

USERS = [EndpointUser("writer", "secret", readonly=False), EndpointUser("default", "", True)]
LIMITS = ReadLimits(max_execution_time_s=30, max_threads=2)


@pytest.fixture(scope="module")
def warehouse(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    name = "proto_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    warehouse.command("CREATE TABLE t (id UInt64, name String) ENGINE = MergeTree ORDER BY id")
    warehouse.insert_rows("t", [{"id": i, "name": f"n{i}"} for i in range(1000)])
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(scope="module")
def server(warehouse: ChdbWarehouse) -> Iterator[WarehouseHttpServer]:
    server = WarehouseHttpServer(warehouse, USERS, limits=LIMITS)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def http(server: WarehouseHttpServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_format_and_database_come_from_x_clickhouse_headers(
    http: httpx.Client, warehouse: ChdbWarehouse
) -> None:
    reply = http.post(
        "/",
        content=b"SELECT count() AS n, currentDatabase() AS db FROM t",
        headers={"X-ClickHouse-Format": "JSONEachRow", "X-ClickHouse-Database": warehouse.database},
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["X-ClickHouse-Format"] == "JSONEachRow"
    assert json.loads(reply.content) == {"n": 1000, "db": warehouse.database}
    # the URL wins over the header, as in ClickHouse
    reply = http.post(
        "/?default_format=CSV",
        content=b"SELECT 1 AS x",
        headers={"X-ClickHouse-Format": "JSONEachRow"},
    )
    assert (reply.headers["X-ClickHouse-Format"], reply.content) == ("CSV", b"1\n")


@pytest.mark.parametrize(
    ("encoding", "decode"),
    [
        ("gzip", gzip.decompress),
        ("deflate", zlib.decompress),
        ("lz4", lz4.frame.decompress),
    ],
)
def test_responses_are_compressed_when_asked(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, encoding: str, decode: object
) -> None:
    query = f"SELECT name FROM {warehouse.database}.t ORDER BY id"
    with httpx.Client(base_url=server.url, timeout=30) as raw:
        request = raw.build_request(
            "POST",
            "/?enable_http_compression=1",
            content=query.encode(),
            headers={"Accept-Encoding": encoding},
        )
        reply = raw.send(request, stream=True)
        body = b"".join(reply.iter_raw())
        reply.close()
    assert reply.headers["Content-Encoding"] == encoding
    assert callable(decode)
    assert decode(body) == b"".join(f"n{i}\n".encode() for i in range(1000))
    assert len(body) < 5000  # 5,890 bytes uncompressed


def test_no_compression_when_switched_off_or_not_accepted(http: httpx.Client) -> None:
    off = http.post(
        "/?enable_http_compression=0", content=b"SELECT 1", headers={"Accept-Encoding": "gzip"}
    )
    identity = http.post("/", content=b"SELECT 1", headers={"Accept-Encoding": "identity"})
    refused = http.post("/", content=b"SELECT 1", headers={"Accept-Encoding": "gzip;q=0, br"})
    for reply in (off, identity, refused):
        assert "Content-Encoding" not in reply.headers and reply.content == b"1\n"


def test_progress_headers_while_a_read_runs_and_a_true_summary(http: httpx.Client) -> None:
    reply = http.post(
        "/?send_progress_in_http_headers=1&http_headers_progress_interval_ms=100",
        content=b"SELECT sum(number) FROM numbers(2e9) WHERE number % 3 = 1",
    )
    assert reply.status_code == 200, reply.text
    progress = [json.loads(v) for v in reply.headers.get_list("X-ClickHouse-Progress")]
    assert progress, "no X-ClickHouse-Progress header"
    read = [int(p["read_rows"]) for p in progress]
    assert read == sorted(read) and read[-1] > 0
    assert int(progress[-1]["total_rows_to_read"]) == 2_000_000_000
    summary = json.loads(reply.headers["X-ClickHouse-Summary"])
    assert summary["read_rows"] == "2000000000" and summary["result_rows"] == "1"
    assert int(summary["read_bytes"]) == 16_000_000_000 and int(summary["elapsed_ns"]) > 0


def test_an_error_after_progress_headers_is_sent_as_clickhouse_does(http: httpx.Client) -> None:
    reply = http.post(
        "/?send_progress_in_http_headers=1&http_headers_progress_interval_ms=50"
        "&max_execution_time=1",
        content=b"SELECT sum(number) FROM numbers(1e13)",
    )
    assert reply.headers.get_list("X-ClickHouse-Progress")  # the status was already sent
    assert (reply.status_code, reply.headers["X-ClickHouse-Exception-Code"]) == (200, "159")
    assert "TIMEOUT_EXCEEDED" in reply.text


def test_summary_counts_written_rows(http: httpx.Client, warehouse: ChdbWarehouse) -> None:
    warehouse.command("CREATE TABLE w (id UInt64, name String) ENGINE = MergeTree ORDER BY id")
    reply = http.post(
        f"/?query=INSERT INTO {warehouse.database}.w FORMAT TSV",
        content=b"5000\ta\n5001\tb\n5002\tc\n",
        auth=("writer", "secret"),
    )
    assert reply.status_code == 200, reply.text
    summary = json.loads(reply.headers["X-ClickHouse-Summary"])
    assert summary["written_rows"] == "3" and int(summary["written_bytes"]) > 0


def test_a_reader_sees_settings_as_changeable_and_clickhouse_connect_sends_them(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse
) -> None:
    client = clickhouse_connect.get_client(
        host="127.0.0.1", port=server.port, username="default", password=""
    )
    try:
        rows = client.query(
            "SELECT name, readonly FROM system.settings "
            "WHERE name IN ('max_threads', 'max_execution_time', 'readonly')"
        ).result_rows
        assert dict(rows) == {"max_threads": 0, "max_execution_time": 0, "readonly": 1}
        result = client.query(
            "SELECT getSetting('max_threads'), getSetting('max_execution_time')",
            settings={"max_threads": 1, "max_execution_time": 7},
        )
        assert result.result_rows == [(1, 7)]
        with pytest.raises(DatabaseError, match="SETTING_CONSTRAINT_VIOLATION"):
            client.query("SELECT 1", settings={"max_execution_time": 3600})
        with pytest.raises(DatabaseError, match="READONLY"):
            client.command(f"INSERT INTO {warehouse.database}.t VALUES (9, 'x')")
        # and compressed (clickhouse-connect asks for lz4 or zstd) reads arrive intact
        assert client.query(f"SELECT count() FROM {warehouse.database}.t").result_rows == [(1000,)]
    finally:
        client.close()
