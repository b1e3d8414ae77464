"""The HTTP side of the embedded endpoint: connections, request bodies, replies.

One thread per connection (keep-alive, 30 s). A reply is normally written whole; with
``send_progress_in_http_headers`` its status line and ``X-ClickHouse-Progress`` headers
go out while the query runs, as ClickHouse does, and the rest of the headers and the
body follow (an error then arrives with status 200 and ``X-ClickHouse-Exception-Code``).
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from sinks.warehouse.http_body import too_large
from sinks.warehouse.http_protocol import RequestRefused

if TYPE_CHECKING:
    from sinks.warehouse.http_server import WarehouseHttpServer

logger = logging.getLogger(__name__)

DISPLAY_NAME = "policywatch-embedded"
TEXT = "text/plain; charset=UTF-8"
_KEEP_ALIVE_SECONDS = 30
_DRAIN_LIMIT = 8 * 1024 * 1024  # unread body bytes discarded so a 413 reaches the client


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Exchange:
    """What one request was, for its log line."""

    method: str
    user: str = "-"
    sql: str = ""
    query_id: str = ""


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: WarehouseHttpServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, EndpointHandler)
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


class EndpointHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK of the headers, ~40 ms on every response.
    disable_nagle_algorithm = True
    timeout = _KEEP_ALIVE_SECONDS
    server: EndpointServer
    body_pending = False
    headers_started = False
    _last_progress = 0.0  # monotonic time of the last progress header (or the request's start)

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
        exchange = Exchange(method)
        self.headers_started = False
        self._last_progress = time.monotonic()  # the first progress header after an interval
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
            reply = Reply(500, f"{message}. (STD_EXCEPTION)\n".encode(), {"Content-Type": TEXT})
            reply.headers["X-ClickHouse-Exception-Code"] = "1001"
        if self.body_pending:  # refused before its body was read: the stream is out of step
            self.close_connection = True
        try:
            self._send(reply)
        except OSError as exc:
            logger.debug("%s from %s: reply not delivered: %s", method, exchange.user, exc)
            self.close_connection = True
            return
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

    def send_progress(self, value: str, interval_s: float) -> None:
        """One ``X-ClickHouse-Progress`` header, at most every ``interval_s``; the status line
        goes first. Called from chDB's progress callback on this thread: never raises."""
        now = time.monotonic()
        if now - self._last_progress < interval_s:
            return
        self._last_progress = now
        try:
            if not self.headers_started:
                self.send_response(200)
                self.send_header("X-ClickHouse-Server-Display-Name", DISPLAY_NAME)
                self.headers_started = True
            self.send_header("X-ClickHouse-Progress", value)
            self.flush_headers()
        except OSError:  # the client left; the read watcher cancels the query
            self.close_connection = True

    def _send(self, reply: Reply) -> None:
        if not self.headers_started:
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
