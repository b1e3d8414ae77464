"""Reads through the embedded endpoint are bounded and never hold the sink's writes.

Real chDB, a real endpoint on a loopback port with small caps, and hostile reads sent as
any client would: bounded in time, memory and result size, at most ``concurrency`` at once
(503 with Retry-After beyond), cancelled when their client disconnects; meanwhile the
warehouse's own writes land.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.endpoint.read_policy import ReadLimits
from sinks.warehouse.endpoint.server import EndpointUser, WarehouseHttpServer
from tests.integration.test_http_endpoint import READER, Reply, call
from tests.waiting import wait_for

LIMITS = ReadLimits(
    max_execution_time_s=20,
    max_memory_bytes=256 << 20,
    max_result_rows=100_000,
    max_result_bytes=16 << 20,
    max_threads=2,
    concurrency=2,
    queue_wait_s=0.2,
    retry_after_s=2,
)
HOSTILE = "SELECT sum(number) FROM numbers(1e13)"  # hours of work without the caps


@pytest.fixture(scope="module")
def warehouse(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    name = "lim_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    warehouse.command("CREATE TABLE docs (id UInt64, title String) ENGINE = MergeTree ORDER BY id")
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(scope="module")
def server(warehouse: ChdbWarehouse) -> Iterator[WarehouseHttpServer]:
    server = WarehouseHttpServer(
        warehouse, [EndpointUser("default", "", readonly=True)], limits=LIMITS
    )
    server.start()
    yield server
    server.stop()


def running(warehouse: ChdbWarehouse, marker: str) -> int:
    """Reads containing ``marker`` that are running now (system.processes)."""
    rows = warehouse.query(
        "SELECT count() AS n FROM system.processes "
        "WHERE query LIKE {m:String} AND query NOT LIKE '%system.processes%'",
        params={"m": f"%{marker}%"},
    )
    return int(rows[0]["n"])


def in_background(server: WarehouseHttpServer, sql: str, **params: str) -> threading.Thread:
    thread = threading.Thread(target=call, args=(server,), kwargs={"body": sql.encode(), **params})
    thread.start()
    return thread


def test_a_read_is_stopped_by_the_time_limit_it_may_lower(server: WarehouseHttpServer) -> None:
    reply = call(server, body=HOSTILE.encode(), max_execution_time="1")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (408, "159")
    assert "TIMEOUT_EXCEEDED" in reply.text


def test_a_live_read_is_not_taken_for_a_gone_client_in_a_process_with_many_files(
    server: WarehouseHttpServer,
) -> None:
    """A long-running process holds descriptors above select()'s 1024; its reads live on."""
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        reply = call(server, body=HOSTILE.encode(), max_execution_time="1")
    finally:
        for fd in held:
            os.close(fd)
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (408, "159")


@pytest.mark.parametrize(
    ("sql", "code", "name"),
    [
        ("SELECT groupArray(number) FROM numbers(1e9)", "241", "MEMORY_LIMIT_EXCEEDED"),
        ("SELECT number FROM numbers(1e7)", "396", "TOO_MANY_ROWS_OR_BYTES"),
        (
            "SELECT repeat(toString(number), 100) FROM numbers(90000)",
            "396",
            "TOO_MANY_ROWS_OR_BYTES",
        ),
        # a constant is small in memory but not once written out: the memory cap holds it
        ("SELECT repeat('x', 1000000) FROM numbers(100000)", "241", "MEMORY_LIMIT_EXCEEDED"),
    ],
)
def test_memory_and_result_size_are_capped_by_default(
    server: WarehouseHttpServer, sql: str, code: str, name: str
) -> None:
    reply = call(server, body=sql.encode())
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"], name in reply.text) == (
        500,
        code,
        True,
    )


@pytest.mark.parametrize(
    ("setting", "value", "code"),
    [
        ("max_execution_time", "21", "452"),
        ("max_execution_time", "0", "452"),  # 0 would mean no limit
        ("max_memory_usage", str(1 << 40), "452"),
        ("max_result_rows", "0", "452"),
        ("max_threads", "64", "452"),
        ("priority", "1", "164"),  # would outrank the sink's writes
        ("readonly", "0", "164"),
    ],
)
def test_settings_beyond_the_caps_are_refused_like_clickhouse_does(
    server: WarehouseHttpServer, setting: str, value: str, code: str
) -> None:
    reply = call(server, body=b"SELECT 1", **{setting: value})
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (500, code)
    if code == "452":
        assert f"Setting {setting} shouldn't be greater than" in reply.text
        assert "(SETTING_CONSTRAINT_VIOLATION)" in reply.text
    lower = call(
        server, body=b"SELECT getSetting('max_threads')", max_threads="1", max_execution_time="5"
    )
    assert (lower.status, lower.body) == (200, b"1\n")


def test_reads_beyond_the_concurrency_limit_get_503_with_retry_after(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse
) -> None:
    marker = uuid.uuid4().hex[:12]
    slow = f"SELECT sum(number) FROM numbers(1e13) WHERE toString(number) != '{marker}'"
    threads = [in_background(server, slow, max_execution_time="3") for _ in range(2)]
    wait_for(lambda: running(warehouse, marker) == 2, what="two reads running")
    busy = call(server, body=b"SELECT 1")
    for thread in threads:
        thread.join()
    assert (busy.status, busy.headers["X-ClickHouse-Exception-Code"]) == (503, "202")
    assert busy.headers["Retry-After"] == "2" and "Too many simultaneous queries" in busy.text
    assert call(server, body=b"SELECT 1").body == b"1\n"  # a lane is free again


def test_a_disconnected_clients_read_is_cancelled(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse
) -> None:
    marker = uuid.uuid4().hex[:12]
    sql = f"SELECT sum(number) FROM numbers(1e13) WHERE toString(number) != '{marker}'"
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    client.request("POST", "/?" + urlencode({"max_execution_time": "20"}), body=sql.encode())
    wait_for(lambda: running(warehouse, marker) == 1, what="the read starting")
    assert client.sock is not None
    client.sock.shutdown(socket.SHUT_RDWR)
    client.close()
    wait_for(lambda: running(warehouse, marker) == 0, what="the read being cancelled", timeout=10)
    assert call(server, body=b"SELECT 1").body == b"1\n"


def test_the_warehouses_writes_land_while_hostile_reads_run(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse
) -> None:
    """The sink writes on its own connection: a write never waits for a read to end."""
    marker = uuid.uuid4().hex[:12]
    hostile = f"SELECT sum(number) FROM numbers(1e13) WHERE toString(number) != '{marker}'"
    answered: list[tuple[float, Reply]] = []

    refused: list[Reply] = []

    def read() -> None:
        deadline = time.monotonic() + 60
        while True:  # a lane an earlier test's cancelled read still holds is freed soon
            reply = call(server, body=hostile.encode(), max_execution_time="20")
            if reply.status != 503 or time.monotonic() > deadline:
                break
            refused.append(reply)
        answered.append((time.monotonic(), reply))

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    wait_for(
        lambda: running(warehouse, marker) == 2,
        what="two hostile reads running",
        explain=lambda: (
            f"answered: {[(r.status, r.text[:200]) for _, r in answered]}; "
            f"refused first: {len(refused)}"
        ),
    )
    for i in range(5):
        warehouse.insert_rows("docs", [{"id": i, "title": f"written during reads {i}"}])
    landed = warehouse.query("SELECT count() AS n FROM docs")
    landed_at = time.monotonic()
    reader_sees = call(server, body=b"SELECT count() FROM docs", auth=READER)
    for thread in threads:
        thread.join()
    assert landed == [{"n": 5}]
    # both reads ran to their time limit and answered after the writes had landed
    assert [(r.status, r.headers["X-ClickHouse-Exception-Code"]) for _, r in answered] == [
        (408, "159"),
        (408, "159"),
    ]
    assert landed_at < min(at for at, _ in answered)
    assert reader_sees.status == 503  # both read lanes were busy: readers wait, writers do not
