"""The embedded warehouse over ClickHouse's HTTP interface, on a loopback port.

chDB allows one engine per process, so the process holding it serves it here for other
processes, clickhouse-connect, Grafana's ClickHouse datasource and curl. Invariants:

- Every statement is first parsed by ClickHouse itself (``formatQuerySingleLine``): one
  statement per request, and the canonical text it returns is what runs, so the checks
  below read ClickHouse's parse rather than a regex's guess at it.
- Read-only callers (read-only users, and every GET, as in ClickHouse) run only
  SELECT/WITH/SHOW/DESCRIBE/EXISTS/EXPLAIN, without SETTINGS clauses, as a ``readonly=2``
  user with capped limits (``sinks.warehouse.endpoint.read_policy``): settings from the URL within
  the caps, no table function that reaches outside the warehouse, no ``file()``.
- Reads run on their own chDB connections, at most ``ReadLimits.concurrency`` at once
  (503 with Retry-After beyond), and are killed when their client disconnects; the sink
  writes on its own connection, so a read never holds a write (``lanes``).
- USE and SET are refused for everyone: a connection's session is shared by its callers.
- Native output is re-framed for the client_protocol_version a client sends (BlockInfo,
  custom-serialization flags), as clickhouse-connect's probe and clickhouse-go (Grafana) expect.
- Inline INSERT data never reaches the SQL text: it is spooled to a temporary file and
  read with ``INSERT ... FROM INFILE``, so binary formats (Native, RowBinary) insert as sent.
"""

from __future__ import annotations

import hmac
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from schemas.errors import WarehouseError
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.chdb_engine import ChdbConnection, QueryStats
from sinks.warehouse.endpoint.body import decode_body, parse_multipart
from sinks.warehouse.endpoint.handler import TEXT, EndpointHandler, EndpointServer, Exchange, Reply
from sinks.warehouse.endpoint.lanes import EndpointLanes
from sinks.warehouse.endpoint.native_format import native_for_revision
from sinks.warehouse.endpoint.protocol import (
    READ_KINDS,
    InsertData,
    RequestOptions,
    RequestRefused,
    check_statement,
    content_type,
    credentials,
    engine_error,
    escape_param,
    parse_options,
    quote,
    readonly_refusal,
    settings_clause,
    split_format,
    split_insert,
    split_insert_target,
)
from sinks.warehouse.endpoint.read_policy import ReadLimits, check_ast, reader_settings
from sinks.warehouse.endpoint.reply import compress_body, progress_header, summary_header

logger = logging.getLogger(__name__)

_PARSER_SETTINGS = ("max_query_size", "max_parser_depth", "max_parser_backtracks")
# the warehouse's views: one with parameters is read as FROM v(name = value)
_VIEWS = "SELECT name FROM system.tables WHERE engine = 'View' AND database != 'system'"


def _names(raw: bytes) -> frozenset[str]:
    return frozenset(line for line in raw.decode("utf-8", "replace").splitlines() if line)


@dataclass(frozen=True)
class EndpointUser:
    """A user of the endpoint; ``readonly`` users may only read.

    The password is compared in constant time and kept out of ``repr`` so it never reaches a log.
    """

    name: str
    password: str = field(repr=False)
    readonly: bool


@dataclass
class _Outcome:
    output: bytes
    fmt: str | None
    stats: QueryStats
    total_rows_to_read: int = 0


class WarehouseHttpServer:
    """Serves a ChdbWarehouse over the ClickHouse HTTP protocol until ``stop()``."""

    def __init__(
        self,
        warehouse: ChdbWarehouse,
        users: Sequence[EndpointUser],
        host: str = "127.0.0.1",
        port: int = 0,
        max_body_bytes: int = 256 * 1024 * 1024,
        *,
        limits: ReadLimits | None = None,
    ) -> None:
        self._warehouse = warehouse
        self._users = {user.name: user for user in users}
        self._address = (host, port)
        self._max_body = max_body_bytes
        self._limits = limits or ReadLimits()
        self._server: EndpointServer | None = None
        self._thread: threading.Thread | None = None
        self._lanes: EndpointLanes | None = None
        self._version = ""
        self._timezone = "UTC"
        self._table_functions: frozenset[str] = frozenset()
        self._views: frozenset[str] = frozenset()  # read as FROM v(...) when parameterised

    def start(self) -> None:
        """Bind and serve in a daemon thread; port 0 picks a free port."""
        if self._server is not None:
            return
        warehouse = self._warehouse
        identity = warehouse.query_raw("SELECT version(), timezone()").decode()
        version, _, timezone = identity.strip().partition("\t")
        self._version, self._timezone = version, timezone or "UTC"
        self._check_sources_refused()
        names = warehouse.query_raw("SELECT name FROM system.table_functions").decode()
        self._table_functions = frozenset(n.strip().lower() for n in names.split() if n.strip())
        self._views = _names(warehouse.query_raw(_VIEWS))
        self._lanes = EndpointLanes(warehouse.engine, self._limits.concurrency)
        try:
            self._server = EndpointServer(self._address, self)
        except OSError as exc:
            self._lanes.stop()
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

    def _check(self, ast: str, user: str, via_get: bool) -> None:
        check_ast(
            ast,
            user=user,
            via_get=via_get,
            table_functions=self._table_functions,
            views=self._views,
        )

    def _check_sources_refused(self) -> None:
        """Serve no reader unless the engine refuses file(), url() and the like by itself."""
        try:
            self._warehouse.query_raw("SELECT count() FROM file('/dev/null', 'RawBLOB')")
        except WarehouseError as exc:
            if "ACCESS_DENIED" in str(exc):
                return
            raise
        raise WarehouseError(
            "chDB in this process was started without policywatch's configuration (its "
            "readers could read files and URLs); open it only through ChdbWarehouse",
            reason="chdb_unguarded",
        )

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
        """Stop serving, cancel reads, close connections and join the thread; safe to repeat."""
        server, thread, lanes = self._server, self._thread, self._lanes
        self._server = self._thread = self._lanes = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if lanes is not None:
            lanes.stop()
        if thread is not None:
            thread.join()

    def respond(self, handler: EndpointHandler, exchange: Exchange) -> Reply:
        """The reply to one request: the query's output, or ClickHouse's error for it."""
        try:
            return self._serve(handler, exchange)
        except RequestRefused as exc:
            reply = self._error(exc.status, exc.code, exc.body(), exchange)
            if exc.name == "TOO_MANY_SIMULTANEOUS_QUERIES":
                reply.headers["Retry-After"] = str(self._limits.retry_after_s)
            return reply
        except WarehouseError as exc:
            status, code, message = engine_error(str(exc))
            return self._error(status, code, message, exchange)

    def _error(self, status: int, code: int, message: str, exchange: Exchange) -> Reply:
        body = f"{message} (version {self._version})\n".encode()
        headers = {"Content-Type": TEXT, "X-ClickHouse-Exception-Code": str(code)}
        if exchange.query_id:
            headers["X-ClickHouse-Query-Id"] = exchange.query_id
        return Reply(status, body, headers)

    def _serve(self, handler: EndpointHandler, exchange: Exchange) -> Reply:
        parts = urlsplit(handler.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        has_query = any(key == "query" for key, _ in pairs)
        if parts.path in ("/ping", "/replicas_status") or (
            parts.path == "/" and exchange.method == "GET" and not has_query
        ):
            return Reply(200, b"Ok.\n", {"Content-Type": TEXT})
        if parts.path != "/":
            message = f"There is no handle {parts.path}\n\nUse / or /ping for health checks.\n"
            return Reply(404, message.encode(), {"Content-Type": TEXT})
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
        headers = {name: handler.headers.get(name, "") for name in ("X-ClickHouse-Format",)}
        headers["X-ClickHouse-Database"] = handler.headers.get("X-ClickHouse-Database", "")
        options = parse_options(pairs, headers)
        exchange.query_id = options.query_id or str(uuid.uuid4())
        raw = (options.query.encode() + b"\n" if options.query else b"") + body
        started = time.perf_counter_ns()
        outcome = self._run(
            handler, raw, options=options, user=user, via_get=via_get, exchange=exchange
        )
        elapsed = time.perf_counter_ns() - started
        output, encoding = compress_body(
            outcome.output,
            handler.headers.get("Accept-Encoding", ""),
            options.compression,
            options.compression_level,
        )
        reply_headers = {
            "Content-Type": content_type(outcome.fmt) if outcome.fmt else TEXT,
            "X-ClickHouse-Query-Id": exchange.query_id,
            "X-ClickHouse-Timezone": self._timezone,
            "X-ClickHouse-Summary": summary_header(
                outcome.stats, outcome.total_rows_to_read, elapsed
            ),
        }
        if outcome.fmt:
            reply_headers["X-ClickHouse-Format"] = outcome.fmt
        if encoding:
            reply_headers["Content-Encoding"] = encoding
        return Reply(200, output, reply_headers)

    def _run(
        self,
        handler: EndpointHandler,
        raw: bytes,
        *,
        options: RequestOptions,
        user: EndpointUser,
        via_get: bool,
        exchange: Exchange,
    ) -> _Outcome:
        lanes = self._lanes
        if lanes is None:  # stopping: drop the connection, as a server going down would
            raise ConnectionAbortedError("the warehouse endpoint is stopping")
        insert = split_insert(raw)
        exchange.sql = (insert.statement if insert else raw[:200].decode("utf-8", "replace"))[:200]
        totals: dict[str, int] = {"total_rows_to_read": 0}

        def progress(values: Any) -> None:
            totals["total_rows_to_read"] = int(values.get("total_rows_to_read", 0) or 0)
            if options.send_progress:
                handler.send_progress(progress_header(values), options.progress_interval_ms / 1e3)

        if not (user.readonly or via_get):
            if insert is not None:
                stats = self._insert(lanes.writer, insert, options, progress)
                return _Outcome(b"", None, stats, totals["total_rows_to_read"])
            outcome = self._write(lanes.writer, raw, options, user, progress)
            outcome.total_rows_to_read = totals["total_rows_to_read"]
            return outcome
        if insert is not None:
            raise readonly_refusal(user.name, via_get)
        with lanes.reader(self._limits.queue_wait_s) as connection:
            if connection is None:
                raise RequestRefused(
                    "TOO_MANY_SIMULTANEOUS_QUERIES",
                    f"Too many simultaneous queries. Maximum: {self._limits.concurrency} reads "
                    f"at once on this endpoint; retry in {self._limits.retry_after_s} s",
                )
            with lanes.running(handler.connection) as read:
                text = _text(raw)
                canonical = self._canonical(connection, text, options)
                check_statement(canonical, readonly=True, user=user.name, via_get=via_get)
                # without a parenthesis, quote or parameter, a query calls no function and
                # names no file: the parse is checked only when it could
                if any(mark in canonical for mark in "('\"`{"):
                    ast = connection.run(
                        "EXPLAIN AST " + canonical,
                        "TabSeparated",
                        options.params or None,
                        self._db(options),
                    )
                    parse = ast.data.decode("utf-8", "replace")
                    try:
                        self._check(parse, user.name, via_get)
                    except RequestRefused:  # perhaps a view made since start: look again
                        views = connection.run(_VIEWS, "TabSeparated", None, self._db(options))
                        self._views = _names(views.data)
                        self._check(parse, user.name, via_get)
                settings = reader_settings(
                    options.settings, self._limits, user=user.name, via_get=via_get
                )
                head, own_format, tail = split_format(canonical)
                fmt = own_format or options.default_format
                sql = f"{read.comment}{head} FORMAT {fmt}{settings_clause(tail, settings)}"
                result = connection.run(
                    sql, fmt, options.params or None, self._db(options), progress
                )
        output = result.data
        if fmt == "Native" and options.protocol_version:
            output = native_for_revision(output, options.protocol_version)
        return _Outcome(output, fmt, result.stats, totals["total_rows_to_read"])

    def _write(
        self,
        connection: ChdbConnection,
        raw: bytes,
        options: RequestOptions,
        user: EndpointUser,
        progress: Any,
    ) -> _Outcome:
        """A statement of the writer user: anything but USE/SET, with the URL's settings."""
        canonical = self._canonical(connection, _text(raw), options)
        kind = check_statement(canonical, readonly=False, user=user.name, via_get=False)
        settings = dict(options.settings)
        plain = kind in ("INSERT", "DELETE", "UPDATE")  # these take SETTINGS last, no FORMAT
        head, own_format, tail = (canonical, None, None) if plain else split_format(canonical)
        fmt = own_format or options.default_format
        if not settings:
            sql = canonical
        elif plain:
            sql = canonical + settings_clause(None, settings)
        else:  # ``FORMAT x SETTINGS ...`` makes them query settings, even after CREATE TABLE
            sql = f"{head} FORMAT {fmt}{settings_clause(tail, settings)}"
        if (
            kind not in READ_KINDS
            and sql != canonical
            and not self._parses(connection, sql, options)
        ):
            logger.debug("%s takes no query settings here; running it without %s", kind, settings)
            sql = canonical
        result = connection.run(sql, fmt, options.params or None, self._db(options), progress)
        output = result.data
        if fmt == "Native" and options.protocol_version:
            output = native_for_revision(output, options.protocol_version)
        return _Outcome(output, fmt if kind in READ_KINDS or output else None, result.stats)

    def _insert(
        self,
        connection: ChdbConnection,
        insert: InsertData,
        options: RequestOptions,
        progress: Any,
    ) -> QueryStats:
        canonical = self._canonical(connection, f"{insert.statement} FORMAT {insert.fmt}", options)
        target, tail = split_insert_target(canonical)
        descriptor, path = tempfile.mkstemp(prefix="policywatch-insert-", suffix=".data")
        try:
            with os.fdopen(descriptor, "wb") as spool:
                spool.write(insert.data)
            sql = (
                f"{target} FROM INFILE {quote(path)} COMPRESSION 'none'"
                f"{settings_clause(tail, options.settings)} FORMAT {insert.fmt}"
            )
            result = connection.run(
                sql, "TabSeparated", options.params or None, self._db(options), progress
            )
        finally:
            os.unlink(path)
        return result.stats

    def _canonical(self, connection: ChdbConnection, sql: str, options: RequestOptions) -> str:
        """ClickHouse's own single-line rendering of ``sql``; raises unless it is one statement."""
        limits = {k: v for k, v in options.settings.items() if k in _PARSER_SETTINGS}
        result = connection.run(
            "SELECT formatQuerySingleLine({q:String})" + settings_clause(None, limits),
            "RawBLOB",
            {"q": escape_param(sql)},
            self._db(options),
        )
        return result.data.decode("utf-8")

    def _db(self, options: RequestOptions) -> str:
        """The request's database, else the warehouse's (never what a previous caller USEd)."""
        return options.database or self._warehouse.database

    def _parses(self, connection: ChdbConnection, sql: str, options: RequestOptions) -> bool:
        try:
            self._canonical(connection, sql, options)
        except WarehouseError:
            return False
        return True


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRefused("SYNTAX_ERROR", f"query is not valid UTF-8: {exc}") from exc
