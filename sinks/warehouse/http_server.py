"""The embedded warehouse over ClickHouse's HTTP interface, on a loopback port.

chDB allows one engine per process, so the process holding it serves it here for other
processes, clickhouse-connect, Grafana's ClickHouse datasource and curl. Invariants:

- Every statement is first parsed by ClickHouse itself (``formatQuerySingleLine``): one
  statement per request, and the canonical text it returns is what runs, so the checks
  below read ClickHouse's parse rather than a regex's guess at it.
- Read-only callers (read-only users, and every GET, as in ClickHouse) run only
  SELECT/WITH/SHOW/DESCRIBE/EXISTS/EXPLAIN, without SETTINGS clauses, and always with
  ClickHouse's own ``readonly=1``, which also refuses file(), url() and other table functions.
- USE and SET are refused for everyone: the chDB session is shared by every client.
- Native output is re-framed for the client_protocol_version a client sends (BlockInfo,
  custom-serialization flags), as clickhouse-connect's probe and clickhouse-go (Grafana) expect.
- Inline INSERT data never reaches the SQL text: it is spooled to a temporary file and
  read with ``INSERT ... FROM INFILE``, so binary formats (Native, RowBinary) insert as sent.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from schemas.errors import WarehouseError
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.http_protocol import (
    READ_KINDS,
    InsertData,
    RequestOptions,
    RequestRefused,
    check_statement,
    content_type,
    credentials,
    decode_body,
    engine_error,
    escape_param,
    native_for_revision,
    parse_multipart,
    parse_options,
    quote,
    readonly_refusal,
    settings_clause,
    split_format,
    split_insert,
    split_insert_target,
    too_large,
)

logger = logging.getLogger(__name__)

DISPLAY_NAME = "policywatch-embedded"
_KEEP_ALIVE_SECONDS = 30
_DRAIN_LIMIT = 8 * 1024 * 1024  # unread body bytes discarded so a 413 reaches the client
_TEXT = "text/plain; charset=UTF-8"
# Summary counters chDB's query() does not report; sent as "0" so clients can parse them.
_UNCOUNTED = (
    "read_rows",
    "read_bytes",
    "written_rows",
    "written_bytes",
    "total_rows_to_read",
    "result_rows",
)
_PARSER_SETTINGS = ("max_query_size", "max_parser_depth", "max_parser_backtracks")


@dataclass(frozen=True)
class EndpointUser:
    """A user of the endpoint; ``readonly`` users may only read.

    The password is compared in constant time and kept out of ``repr`` so it never reaches a log.
    """

    name: str
    password: str = field(repr=False)
    readonly: bool


@dataclass
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Exchange:
    """What one request was, for its log line."""

    method: str
    user: str = "-"
    sql: str = ""
    query_id: str = ""


class WarehouseHttpServer:
    """Serves a ChdbWarehouse over the ClickHouse HTTP protocol until ``stop()``."""

    def __init__(
        self,
        warehouse: ChdbWarehouse,
        users: Sequence[EndpointUser],
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = 256 * 1024 * 1024,
    ) -> None:
        self._warehouse = warehouse
        self._users = {user.name: user for user in users}
        self._address = (host, port)
        self._max_body = max_body_bytes
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._version = ""
        self._timezone = "UTC"

    def start(self) -> None:
        """Bind and serve in a daemon thread; port 0 picks a free port."""
        if self._server is not None:
            return
        identity = self._warehouse.query_raw("SELECT version(), timezone()").decode()
        version, _, timezone = identity.strip().partition("\t")
        self._version, self._timezone = version, timezone or "UTC"
        try:
            self._server = _Server(self._address, self)
        except OSError as exc:
            raise WarehouseError(
                f"cannot serve the warehouse on {self._address[0]}:{self._address[1]}: {exc}; "
                "choose a free port, or 0 for any",
                reason="endpoint_bind",
            ) from exc
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="warehouse-http", daemon=True
        )
        self._thread.start()
        logger.info("warehouse HTTP endpoint serving on %s", self.url)

    @property
    def port(self) -> int:
        if self._server is None:
            raise WarehouseError("the warehouse endpoint is not started; call start() first")
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        host = self._address[0]
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    def stop(self) -> None:
        """Stop serving, close open connections and join the thread; safe to repeat."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()

    def respond(self, handler: _Handler, exchange: _Exchange) -> _Reply:
        """The reply to one request: the query's output, or ClickHouse's error for it."""
        try:
            return self._serve(handler, exchange)
        except RequestRefused as exc:
            return self._error(exc.status, exc.code, exc.body(), exchange)
        except WarehouseError as exc:
            status, code, message = engine_error(str(exc))
            return self._error(status, code, message, exchange)

    def _error(self, status: int, code: int, message: str, exchange: _Exchange) -> _Reply:
        body = f"{message} (version {self._version})\n".encode()
        headers = {"Content-Type": _TEXT, "X-ClickHouse-Exception-Code": str(code)}
        if exchange.query_id:
            headers["X-ClickHouse-Query-Id"] = exchange.query_id
        return _Reply(status, body, headers)

    def _serve(self, handler: _Handler, exchange: _Exchange) -> _Reply:
        parts = urlsplit(handler.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        has_query = any(key == "query" for key, _ in pairs)
        if parts.path in ("/ping", "/replicas_status") or (
            parts.path == "/" and exchange.method == "GET" and not has_query
        ):
            return _Reply(200, b"Ok.\n", {"Content-Type": _TEXT})
        if parts.path != "/":
            message = f"There is no handle {parts.path}\n\nUse / or /ping for health checks.\n"
            return _Reply(404, message.encode(), {"Content-Type": _TEXT})
        exchange.user, secret = credentials(handler.headers, pairs)
        user = self._users.get(exchange.user)
        expected = user.password if user is not None else ""
        if not hmac.compare_digest(secret.encode(), expected.encode()) or user is None:
            raise RequestRefused(
                "AUTHENTICATION_FAILED",
                f"{exchange.user}: Authentication failed: password is incorrect, "
                "or there is no user with such name",
            )
        via_get = exchange.method == "GET"
        body = b"" if via_get else handler.read_body(self._max_body)
        body = decode_body(body, handler.headers.get("Content-Encoding", ""), self._max_body)
        form_type = handler.headers.get("Content-Type", "")
        if form_type.startswith("multipart/form-data"):
            pairs, body = pairs + parse_multipart(body, form_type), b""
        options = parse_options(
            pairs, readonly=user.readonly or via_get, user=user.name, via_get=via_get
        )
        exchange.query_id = options.query_id or str(uuid.uuid4())
        raw = (options.query.encode() + b"\n" if options.query else b"") + body
        started = time.perf_counter_ns()
        output, fmt = self._execute(raw, options, user, via_get, exchange)
        summary = dict.fromkeys(_UNCOUNTED, "0") | {"result_bytes": str(len(output))}
        summary["elapsed_ns"] = str(time.perf_counter_ns() - started)
        headers = {
            "Content-Type": content_type(fmt) if fmt else _TEXT,
            "X-ClickHouse-Query-Id": exchange.query_id,
            "X-ClickHouse-Timezone": self._timezone,
            "X-ClickHouse-Summary": json.dumps(summary, separators=(",", ":")),
        }
        if fmt:
            headers["X-ClickHouse-Format"] = fmt
        return _Reply(200, output, headers)

    def _execute(
        self,
        raw: bytes,
        options: RequestOptions,
        user: EndpointUser,
        via_get: bool,
        exchange: _Exchange,
    ) -> tuple[bytes, str | None]:
        """The statement's output and its format (None for statements without a result)."""
        readonly = user.readonly or via_get
        insert = split_insert(raw)
        exchange.sql = (insert.statement if insert else raw[:200].decode("utf-8", "replace"))[:200]
        if insert is not None:
            if readonly:
                raise readonly_refusal(user.name, via_get)
            self._insert(insert, options)
            return b"", None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestRefused("SYNTAX_ERROR", f"query is not valid UTF-8: {exc}") from exc
        canonical = self._canonical(text, options)
        kind = check_statement(canonical, readonly=readonly, user=user.name, via_get=via_get)
        settings = dict(options.settings)
        if readonly:
            settings["readonly"] = "1"  # last, so the URL's settings still apply
        plain = kind in ("INSERT", "DELETE", "UPDATE")  # these take SETTINGS last, no FORMAT
        head, own_format, tail = (canonical, None, None) if plain else split_format(canonical)
        fmt = own_format or options.default_format
        if not settings:
            sql = canonical
        elif plain:
            sql = canonical + settings_clause(None, settings)
        else:  # ``FORMAT x SETTINGS ...`` makes them query settings, even after CREATE TABLE
            sql = f"{head} FORMAT {fmt}{settings_clause(tail, settings)}"
        if kind not in READ_KINDS and sql != canonical and not self._parses(sql, options):
            logger.debug("%s takes no query settings here; running it without %s", kind, settings)
            sql = canonical
        output = self._warehouse.query_raw(
            sql, fmt=fmt, params=options.params or None, database=options.database
        )
        if fmt == "Native" and options.protocol_version:
            output = native_for_revision(output, options.protocol_version)
        return output, fmt if kind in READ_KINDS or output else None

    def _insert(self, insert: InsertData, options: RequestOptions) -> None:
        canonical = self._canonical(f"{insert.statement} FORMAT {insert.fmt}", options)
        target, tail = split_insert_target(canonical)
        descriptor, path = tempfile.mkstemp(prefix="policywatch-insert-", suffix=".data")
        try:
            with os.fdopen(descriptor, "wb") as spool:
                spool.write(insert.data)
            sql = (
                f"{target} FROM INFILE {quote(path)} COMPRESSION 'none'"
                f"{settings_clause(tail, options.settings)} FORMAT {insert.fmt}"
            )
            self._warehouse.query_raw(sql, params=options.params or None, database=options.database)
        finally:
            os.unlink(path)

    def _canonical(self, sql: str, options: RequestOptions) -> str:
        """ClickHouse's own single-line rendering of ``sql``; raises unless it is one statement."""
        limits = {k: v for k, v in options.settings.items() if k in _PARSER_SETTINGS}
        raw = self._warehouse.query_raw(
            "SELECT formatQuerySingleLine({q:String})" + settings_clause(None, limits),
            fmt="RawBLOB",
            params={"q": escape_param(sql)},
            database=options.database,
        )
        return raw.decode("utf-8")

    def _parses(self, sql: str, options: RequestOptions) -> bool:
        try:
            self._canonical(sql, options)
        except WarehouseError:
            return False
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: WarehouseHttpServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.endpoint = endpoint
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that broke mid-reply: DEBUG, not a traceback on stderr."""
        logger.debug("warehouse endpoint connection from %s failed", client_address, exc_info=True)

    def close_connections(self) -> None:
        """End kept-alive connections so their threads stop with the server."""
        with self.connections_lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:  # already closed by the client
                    continue


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK of the headers, ~40 ms on every response.
    disable_nagle_algorithm = True
    timeout = _KEEP_ALIVE_SECONDS
    server: _Server
    body_pending = False

    def version_string(self) -> str:
        return DISPLAY_NAME

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        exchange = _Exchange(method)
        length = self.headers.get("Content-Length", "0")
        self.body_pending = length != "0" or "Transfer-Encoding" in self.headers
        try:
            reply = self.server.endpoint.respond(self, exchange)
        except OSError as exc:  # the client went away or stalled mid-request
            logger.debug("%s from %s: connection lost: %s", method, exchange.user, exc)
            self.close_connection = True
            return
        except Exception:  # a bug here must not kill the connection without an answer
            logger.exception("warehouse endpoint failed on %s from %s", method, exchange.user)
            message = "Code: 1001. DB::Exception: internal error in the endpoint; see its log"
            reply = _Reply(500, f"{message}. (STD_EXCEPTION)\n".encode(), {"Content-Type": _TEXT})
            reply.headers["X-ClickHouse-Exception-Code"] = "1001"
        if self.body_pending:  # refused before its body was read: the stream is out of step
            self.close_connection = True
        self._send(reply)
        logger.debug(
            "%s user=%s query=%r status=%s elapsed_ms=%.1f",
            method,
            exchange.user,
            exchange.sql,
            reply.status,
            (time.perf_counter() - started) * 1000,
        )

    def read_body(self, limit: int) -> bytes:
        """The request body as sent (Content-Length or chunked), at most ``limit`` bytes."""
        self.body_pending = False  # from here it is read, drained, or the connection closes
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked(limit)
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            self.close_connection = True
            raise RequestRefused("BAD_ARGUMENTS", f"Content-Length {length!r} is not a byte count")
        size = int(length)
        if size > limit:
            self._discard(size)
            raise too_large(limit)
        return self.rfile.read(size)

    def _read_chunked(self, limit: int) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                self.close_connection = True
                raise RequestRefused("BAD_ARGUMENTS", f"malformed chunk size {line!r}") from exc
            if size == 0:
                break
            if len(body) + size > limit:
                self.close_connection = True
                raise too_large(limit)
            body += self.rfile.read(size)
            self.rfile.readline(1024)
        while self.rfile.readline(1024).strip():  # trailer fields
            continue
        return bytes(body)

    def _discard(self, size: int) -> None:
        """Read an oversized body away (up to a cap) so the client sees the 413."""
        if size > _DRAIN_LIMIT:
            self.close_connection = True
            return
        while size > 0:
            chunk = self.rfile.read(min(size, 1 << 20))
            if not chunk:
                return
            size -= len(chunk)

    def _send(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("X-ClickHouse-Server-Display-Name", DISPLAY_NAME)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        else:
            self.send_header("Connection", "Keep-Alive")
            self.send_header("Keep-Alive", f"timeout={_KEEP_ALIVE_SECONDS}")
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Protocol errors at DEBUG, with any password in the request line masked."""
        logger.debug("http: %s", re.sub(r"(password=)[^&\s]*", r"\1***", format % args))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Requests are logged once, by ``_handle``, without their URL (it may hold a password)."""
