"""The embedded warehouse's ClickHouse HTTP endpoint, against real clients.

A real chDB and a real server on a free loopback port; the clients are clickhouse-connect,
our ClickhouseWarehouse driver, and urllib/http.client playing curl.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import http.client
import json
import tempfile
import uuid
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import clickhouse_connect
import pytest

from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from sinks.warehouse.endpoint.server import EndpointUser, WarehouseHttpServer

WRITER = ("writer", "secret")
SECRET_FILE = Path(tempfile.mkdtemp(prefix="pw-endpoint-")) / "secret.txt"
SECRET_FILE.write_text("pw-secret-" + uuid.uuid4().hex)
READER = ("default", "")
USERS = [
    EndpointUser("writer", "secret", readonly=False),
    EndpointUser("default", "", readonly=True),
]


class Reply:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode()


def call(
    server: WarehouseHttpServer,
    method: str = "POST",
    body: bytes | None = None,
    *,
    auth: tuple[str, str] | None = READER,
    headers: Mapping[str, str] | None = None,
    path: str = "/",
    **params: str,
) -> Reply:
    """One request, as curl would send it."""
    url = server.url + path + ("?" + urlencode(params) if params else "")
    request = Request(url, data=body, method=method, headers=dict(headers or {}))
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urlopen(request, timeout=30) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except HTTPError as error:
        with error:
            return Reply(error.code, dict(error.headers), error.read())


@pytest.fixture(scope="module")
def warehouse(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    name = "http_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@pytest.fixture(scope="module")
def server(warehouse: ChdbWarehouse) -> Iterator[WarehouseHttpServer]:
    server = WarehouseHttpServer(warehouse, USERS)
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def table(warehouse: ChdbWarehouse) -> Iterator[str]:
    """A fresh (id UInt64, name String) table, filled with rows 1 'a' and 2 'b'."""
    name = "t_" + uuid.uuid4().hex[:10]
    warehouse.command(
        f"CREATE TABLE {name} (id UInt64, name String) ENGINE = MergeTree ORDER BY id"
    )
    warehouse.command(f"INSERT INTO {name} VALUES (1, 'a'), (2, 'b')")
    yield name
    warehouse.command(f"DROP TABLE IF EXISTS {name}")


def rows_of(warehouse: ChdbWarehouse, table: str) -> list[dict[str, Any]]:
    return warehouse.query(f"SELECT * FROM {table} ORDER BY id")


def test_ping_root_and_replicas_status_answer_ok(server: WarehouseHttpServer) -> None:
    for path in ("/ping", "/", "/replicas_status"):
        reply = call(server, "GET", path=path, auth=None)
        assert (reply.status, reply.body) == (200, b"Ok.\n")
    assert call(server, "GET", path="/play", auth=None).status == 404


@pytest.mark.parametrize("compress", [False, "gzip", "lz4", "zstd"])
def test_clickhouse_connect_creates_inserts_and_reads_back(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, compress: bool | str
) -> None:
    name = "cc_" + uuid.uuid4().hex[:10]
    client = clickhouse_connect.get_client(
        host="127.0.0.1",
        port=server.port,
        username="writer",
        password="secret",
        database=warehouse.database,
        compress=compress,
    )
    try:
        assert client.server_version == warehouse.query("SELECT version() AS v")[0]["v"]
        # Its connect-time probe only passes if Native carries BlockInfo for this revision.
        assert client.protocol_version == 54405
        client.command(
            f"CREATE TABLE {name} (id UInt64, label String, at DateTime64(3), tags Array(String), "
            "score Nullable(Int32)) ENGINE = MergeTree ORDER BY id"
        )
        start = dt.datetime(2024, 5, 1, 12, 0, 0)
        rows = [
            [
                i,
                f"row {i} \t'q'",
                start + dt.timedelta(milliseconds=1001 * i),
                ["x"] * (i % 3),
                None,
            ]
            if i % 2
            else [i, f"row {i}", start, [], -i]
            for i in range(2500)
        ]
        client.insert(name, rows, column_names=["id", "label", "at", "tags", "score"])
        back = client.query(f"SELECT * FROM {name} ORDER BY id").result_rows
        assert [list(row) for row in back] == rows
        assert client.command(f"SELECT count() FROM {name}") == 2500
        raw = client.raw_query(f"SELECT id, tags FROM {name} WHERE id = 5", fmt="JSONEachRow")
        assert json.loads(raw) == {"id": 5, "tags": ["x", "x"]}
    finally:
        client.command(f"DROP TABLE IF EXISTS {name}")
        client.close()


@pytest.mark.parametrize("revision", [54405, 54460])
def test_native_output_follows_client_protocol_version(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, revision: int
) -> None:
    columns = {
        "n": "toUInt64(number)",
        "s": "repeat('é', number)",
        "lc": "toLowCardinality(toString(number % 3))",
        "lcn": "CAST(if(number % 2, NULL, 'x') AS LowCardinality(Nullable(String)))",
        "m": "map(toLowCardinality(toString(number)), [toNullable(number), NULL])",
        "t": "CAST((number, toString(number)) AS Tuple(a UInt64, `b c` Nullable(String)))",
        "d": "toDecimal128(number, 3)",
        "e": "CAST(number % 2 AS Enum8('a, (x)' = 0, 'b' = 1))",
        "f": "toFixedString(toString(number % 10), 2)",
        "u": "toUUID('61f0c404-5cb3-11e7-907b-a6006ad3dba0')",
        "ts": "toDateTime64(number, 3, 'UTC')",
        "nested": "[[number], []]",
    }
    # Ground truth column by column: chDB's own revision-0 Native of each one alone.
    expected = b"\x01\x00\x02\xff\xff\xff\xff\x00" + bytes([len(columns), 5])
    for name, expr in columns.items():
        alone = warehouse.query_raw(f"SELECT {expr} AS {name} FROM numbers(5)", fmt="Native")[2:]
        head = 2 + alone[0] + alone[1 + alone[0]]
        expected += alone[:head] + (b"\x00" if revision >= 54454 else b"") + alone[head:]
    select = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    reply = call(
        server,
        body=f"SELECT {select} FROM numbers(5)".encode(),
        default_format="Native",
        client_protocol_version=str(revision),
    )
    assert (reply.status, reply.body) == (200, expected)
    reply = call(server, body=b"SELECT 1", default_format="Native", client_protocol_version="1")
    assert reply.body == b"\x01\x00\x02\xff\xff\xff\xff\x00\x01\x01\x011\x05UInt8\x01"


def test_query_parameters_bind_server_side(server: WarehouseHttpServer) -> None:
    client = clickhouse_connect.get_client(
        host="127.0.0.1", port=server.port, username="default", password="", compress=False
    )
    try:
        result = client.query(
            "SELECT {n:UInt32} * 2 AS twice, {s:String} AS s", parameters={"n": 21, "s": "it's\ta"}
        )
        assert result.result_rows == [(42, "it's\ta")]
        # Past 4 KiB of parameters clickhouse-connect switches to a multipart form body.
        ids = [f"id-{i:05d}" for i in range(1000)]
        result = client.query("SELECT length({ids:Array(String)}) AS n", parameters={"ids": ids})
        assert result.result_rows == [(1000,)]
    finally:
        client.close()
    reply = call(server, "GET", query="SELECT {x:UInt8} + 1 AS y FORMAT JSONEachRow", param_x="41")
    assert json.loads(reply.body) == {"y": 42}


def test_clickhouse_warehouse_driver_works_through_the_endpoint(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse
) -> None:
    url = f"clickhouse://writer:secret@127.0.0.1:{server.port}/{warehouse.database}"
    remote = ClickhouseWarehouse(url)
    name = "drv_" + uuid.uuid4().hex[:10]
    try:
        assert "secret" not in remote.description
        remote.command(
            f"CREATE TABLE {name} (id UInt64, title String, seen DateTime64(3, 'UTC')) "
            "ENGINE = MergeTree ORDER BY id"
        )
        remote.insert_rows(
            name,
            [
                {"id": 2, "title": "beta", "seen": "2024-01-02T03:04:05.250Z"},
                {"id": 1, "title": "alpha", "seen": "2024-01-01 00:00:00", "unknown": 1},
            ],
            dedup_token="batch-1",
        )
        rows = remote.query(
            f"SELECT id, title, toString(seen) AS seen FROM {name} WHERE id >= {{lo:UInt64}} "
            "ORDER BY id",
            params={"lo": 1},
        )
        assert rows == [
            {"id": 1, "title": "alpha", "seen": "2024-01-01 00:00:00.000"},
            {"id": 2, "title": "beta", "seen": "2024-01-02 03:04:05.250"},
        ]
        raw = remote.query_raw(f"SELECT title FROM {name} ORDER BY id", fmt="CSV")
        assert raw == b'"alpha"\n"beta"\n'
    finally:
        remote.command(f"DROP TABLE IF EXISTS {name}")
        remote.close()


def test_curl_style_get_and_post(server: WarehouseHttpServer, table: str) -> None:
    reply = call(server, "GET", query=f"SELECT * FROM {table} ORDER BY id FORMAT JSONEachRow")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.headers["X-ClickHouse-Format"] == "JSONEachRow"
    assert reply.headers["X-ClickHouse-Timezone"] in ("UTC", "Etc/UTC")
    assert reply.headers["X-ClickHouse-Server-Display-Name"] == "policywatch-embedded"
    summary = json.loads(reply.headers["X-ClickHouse-Summary"])
    assert (summary["read_rows"], summary["result_rows"]) == ("2", "2")
    assert int(summary["elapsed_ns"]) > 0
    assert [json.loads(line) for line in reply.body.splitlines()] == [
        {"id": 1, "name": "a"},
        {"id": 2, "name": "b"},
    ]
    reply = call(server, body=f"SELECT name FROM {table} ORDER BY id".encode(), query_id="q-1")
    assert (reply.body, reply.headers["X-ClickHouse-Format"]) == (b"a\nb\n", "TabSeparated")
    assert reply.headers["Content-Type"] == "text/tab-separated-values; charset=UTF-8"
    assert reply.headers["X-ClickHouse-Query-Id"] == "q-1"
    reply = call(server, body=f"SELECT count() AS n FROM {table}".encode(), default_format="JSON")
    assert json.loads(reply.body)["data"] == [{"n": 2}]
    reply = call(server, body=b"3\tc\n", auth=WRITER, query=f"INSERT INTO {table} FORMAT TSV")
    assert (reply.status, reply.body, "X-ClickHouse-Format" in reply.headers) == (200, b"", False)
    reply = call(server, body=f"INSERT INTO {table} VALUES (4, 'd');".encode(), auth=WRITER)
    assert reply.status == 200
    reply = call(server, body=b"  SELECT max(id) FROM " + table.encode() + b" ;\n", auth=WRITER)
    assert reply.body == b"4\n"


@pytest.mark.parametrize("fmt", ["Native", "RowBinary", "JSONEachRow", "TabSeparated", "CSV"])
def test_insert_body_in_each_format(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str, fmt: str
) -> None:
    data = warehouse.query_raw(
        "SELECT toUInt64(number + 10) AS id, concat('n,\"\\t', toString(number)) AS name "
        "FROM numbers(300)",
        fmt=fmt,
    )
    reply = call(
        server, body=data, auth=WRITER, query=f"INSERT INTO {table} (id, name) FORMAT {fmt}"
    )
    assert (reply.status, reply.text) == (200, "")
    rows = rows_of(warehouse, table)
    assert len(rows) == 302
    assert rows[2:] == [{"id": n + 10, "name": f'n,"\t{n}'} for n in range(300)]


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE made_by_reader (x UInt8) ENGINE = Memory",
        "DROP TABLE {table}",
        "INSERT INTO {table} VALUES (9, 'z')",
        "INSERT INTO {table} SELECT 9, 'z'",
        "ALTER TABLE {table} DELETE WHERE 1",
        "TRUNCATE TABLE {table}",
        "SYSTEM STOP MERGES",
        "KILL QUERY WHERE 1",
        "CREATE DATABASE made_by_reader",
        "SELECT * FROM {table} SETTINGS readonly = 0",
        "SELECT * FROM (SELECT * FROM {table} SETTINGS readonly = 0)",
        "SELECT * FROM file('/etc/hostname', 'LineAsString')",
        # readers run with readonly=2 (they may change settings), so these are the
        # endpoint's own refusals, read from ClickHouse's parse of the query
        "SELECT file('{secret}')",  # the scalar file() reads any file in chDB
        "SELECT * FROM `file`('{secret}', 'LineAsString')",
        "SELECT * FROM '{secret}'",
        "SELECT * FROM Python(USERS)",  # chDB reads the endpoint's own Python objects
        "SELECT * FROM filesystem('/etc')",
        "SELECT 1 IN url('http://127.0.0.1:9/x', 'CSV', 'a String')",
        "SELECT * FROM {table} AS t JOIN remote('127.0.0.1:9', system.one) AS r ON 1",
        "SELECT * FROM (SELECT * FROM s3('http://127.0.0.1:9/b/x.csv', 'CSV', 'a String'))",
        "DESCRIBE TABLE file('{secret}', 'LineAsString')",
        "EXPLAIN PLAN SELECT * FROM file('{secret}', 'LineAsString')",
        "WITH (SELECT count() FROM executable('x.sh', 'TSV', 'a String')) AS c SELECT c",
    ],
)
def test_reader_cannot_write(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str, statement: str
) -> None:
    sql = statement.format(table=table, secret=SECRET_FILE)
    reply = call(server, body=sql.encode(), auth=READER)
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (500, "164")
    assert "Cannot" in reply.text and "readonly mode" in reply.text and "(READONLY)" in reply.text
    assert SECRET_FILE.read_text() not in reply.text
    assert rows_of(warehouse, table) == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    assert warehouse.query("EXISTS TABLE made_by_reader") == [{"result": 0}]


def test_reader_reads_a_view_with_parameters_made_after_the_start(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str
) -> None:
    view = table + "_from"
    warehouse.command(f"CREATE VIEW {view} AS SELECT * FROM {table} WHERE id >= {{low:UInt64}}")
    try:
        reply = call(server, body=f"SELECT name FROM {view}(low = 2) FORMAT JSONEachRow".encode())
        assert reply.status == 200, reply.text
        assert [json.loads(line) for line in reply.text.splitlines()] == [{"name": "b"}]
        # a parameter that is not of its type: the engine's own error, with its code
        reply = call(server, body=f"SELECT name FROM {view}(low = 'two')".encode())
        assert reply.status == 500 and reply.headers["X-ClickHouse-Exception-Code"] != "164"
        assert "low" in reply.text or "two" in reply.text, reply.text
        # beside a view, a table function is still refused
        sql = (
            f"SELECT * FROM {view}(low = 1) AS v "
            "JOIN url('http://127.0.0.1:9/x', 'CSV', 'a String') AS u ON 1"
        )
        reply = call(server, body=sql.encode())
        assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (500, "164")
    finally:
        warehouse.command(f"DROP VIEW IF EXISTS {view}")


def test_get_implies_readonly_even_for_the_writer(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str
) -> None:
    reply = call(server, "GET", auth=WRITER, query=f"INSERT INTO {table} VALUES (9, 'z')")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (500, "164")
    assert "method GET implies readonly" in reply.text
    reply = call(server, "GET", auth=WRITER, query="SELECT 1", readonly="0")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (500, "164")
    assert "Cannot modify 'readonly' setting" in reply.text
    assert len(rows_of(warehouse, table)) == 2


def test_url_settings_apply_and_bad_names_are_refused(server: WarehouseHttpServer) -> None:
    query = "SELECT number FROM numbers(5)"
    reply = call(server, body=query.encode(), max_result_rows="1", result_overflow_mode="throw")
    assert reply.status == 500 and "TOO_MANY_ROWS_OR_BYTES" in reply.text
    assert call(server, body=query.encode(), max_result_rows="10").body == b"0\n1\n2\n3\n4\n"
    reply = call(server, body=b"SELECT 1", path="/?" + urlencode({"max_threads;DROP": "1"}))
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (400, "36")
    assert "letters, digits and '_' only" in reply.text


def test_multi_statements_never_run(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str
) -> None:
    for user in (READER, WRITER):
        reply = call(server, body=f"SELECT 1; DROP TABLE {table}".encode(), auth=user)
        assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (400, "62")
        assert "Multi-statements are not allowed" in reply.text
    # After VALUES everything is data, as in ClickHouse: the Values format stops at ';'.
    reply = call(
        server,
        body=f"INSERT INTO {table} VALUES (3, 'c'); DROP TABLE {table}".encode(),
        auth=WRITER,
    )
    assert reply.status == 200
    assert [row["id"] for row in rows_of(warehouse, table)] == [1, 2, 3]


def test_statements_that_would_change_the_shared_session_are_refused(
    server: WarehouseHttpServer, tmp_path: Path
) -> None:
    for statement, code in (("USE system", "48"), ("SET max_threads = 1", "48")):
        reply = call(server, body=statement.encode(), auth=WRITER)
        assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (501, code)
        assert "URL parameters" in reply.text
    target = tmp_path / "out.csv"
    reply = call(server, body=f"SELECT 1 INTO OUTFILE '{target}'".encode(), auth=WRITER)
    assert reply.headers["X-ClickHouse-Exception-Code"] == "358" and not target.exists()


def test_wrong_password_or_unknown_user_is_516(server: WarehouseHttpServer) -> None:
    for auth in (("writer", "wrong"), ("nobody", ""), ("default", "x")):
        reply = call(server, body=b"SELECT 1", auth=auth)
        assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (403, "516")
        assert reply.text.startswith(f"Code: 516. DB::Exception: {auth[0]}: Authentication failed")
        assert "(AUTHENTICATION_FAILED)" in reply.text and "wrong" not in reply.text
    headers = {"X-ClickHouse-User": "writer", "X-ClickHouse-Key": "secret"}
    assert call(server, body=b"SELECT 7", auth=None, headers=headers).body == b"7\n"
    assert (
        call(server, body=b"SELECT 8", auth=None, user="writer", password="secret").body == b"8\n"
    )
    reply = call(server, body=b"SELECT 9", auth=WRITER, user="writer", password="secret")
    assert reply.headers["X-ClickHouse-Exception-Code"] == "516"


def test_sql_errors_carry_clickhouse_message_and_code(server: WarehouseHttpServer) -> None:
    reply = call(server, body=b"SELEC 1")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (400, "62")
    assert reply.text.startswith("Code: 62. DB::Exception: Syntax error")
    assert "formatQuerySingleLine" not in reply.text
    reply = call(server, body=b"SELECT * FROM no_such_table")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (404, "60")
    assert "no_such_table" in reply.text and "(UNKNOWN_TABLE)" in reply.text
    reply = call(server, body=b"SELECT 1", database="no_such_db")
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (404, "81")


def test_compressed_and_chunked_bodies(
    server: WarehouseHttpServer, warehouse: ChdbWarehouse, table: str
) -> None:
    insert = f"INSERT INTO {table} FORMAT CSV\n".encode()
    reply = call(
        server,
        body=gzip.compress(insert + b"3,c\n"),
        auth=WRITER,
        headers={"Content-Encoding": "gzip"},
    )
    assert reply.status == 200
    reply = call(
        server,
        body=zlib.compress(insert + b"4,d\n"),
        auth=WRITER,
        headers={"Content-Encoding": "deflate"},
    )
    assert reply.status == 200
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        token = base64.b64encode(b"writer:secret").decode()
        chunks = iter([insert, b"5,", b"e\n6,f\n"])
        headers = {"Authorization": f"Basic {token}", "Transfer-Encoding": "chunked"}
        connection.request("POST", "/", body=chunks, headers=headers, encode_chunked=True)
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"")
    finally:
        connection.close()
    assert [row["id"] for row in rows_of(warehouse, table)] == [1, 2, 3, 4, 5, 6]
    reply = call(server, body=b"SELECT 1", headers={"Content-Encoding": "br"})
    assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (400, "89")
    assert "'br' is not supported" in reply.text and "gzip" in reply.text


def test_connections_are_kept_alive_unless_a_body_is_left_unread(
    server: WarehouseHttpServer,
) -> None:
    reader, stranger = "Og==", base64.b64encode(b"x:y").decode()  # ":" is default, no password
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        replies, sockets = [], []
        for body, auth in ((b"SELECT 1", reader), (b"SELECT 2", reader), (b"SELECT 3", stranger)):
            connection.request("POST", "/", body=body, headers={"Authorization": f"Basic {auth}"})
            sockets.append(connection.sock)
            response = connection.getresponse()
            replies.append((response.status, response.getheader("Connection"), response.read()))
        assert sockets[0] is sockets[1] is sockets[2] is not None
        assert replies[:2] == [(200, "Keep-Alive", b"1\n"), (200, "Keep-Alive", b"2\n")]
        assert replies[2][:2] == (403, "close") and b"x: Authentication failed" in replies[2][2]
        assert connection.sock is None  # closed: the refused request's body was never read
    finally:
        connection.close()


def test_oversized_body_is_413(warehouse: ChdbWarehouse) -> None:
    small = WarehouseHttpServer(warehouse, USERS, max_body_bytes=1024)
    small.start()
    ping = small.url + "/ping"
    try:
        reply = call(small, body=b"SELECT '" + b"x" * 4096 + b"'")
        assert (reply.status, reply.headers["X-ClickHouse-Exception-Code"]) == (413, "229")
        assert "limit of 1024 bytes" in reply.text
        bomb = gzip.compress(b"SELECT '" + b"x" * 100_000 + b"'")
        reply = call(small, body=bomb, headers={"Content-Encoding": "gzip"})
        assert len(bomb) < 1024 and reply.status == 413
        assert call(small, body=b"SELECT 'fits'").body == b"fits\n"
    finally:
        small.stop()
        small.stop()
    with pytest.raises(URLError):  # stopped: nothing listens any more
        urlopen(ping, timeout=5)
