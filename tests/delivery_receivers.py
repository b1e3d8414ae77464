"""Real local receivers for delivery tests: a webhook/Slack HTTP server, a hanging port, SMTP.

The HTTP receiver verifies Standard Webhooks signatures with ``sinks.delivery.verify``
(what a subscriber would run) and records every request, accepted or not.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from sinks.delivery.signing import InvalidSignature, verify


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float
    signature_error: str | None = None


@dataclass
class Route:
    """What one path answers: ``fail_first`` 500s per webhook-id, then ``status``."""

    status: int = 200
    fail_first: int = 0
    secret: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"


class WebhookReceiver:
    """A ThreadingHTTPServer on 127.0.0.1:<free port>; routes by path (query ignored)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], int] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                status, route = receiver._answer(self.path, dict(self.headers), body)
                self.send_response(status)
                for name, value in route.extra_headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _answer(self, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, Route]:
        path = raw_path.split("?", 1)[0]
        route = self.routes.get(path, Route(status=404))
        error = None
        if route.secret is not None:
            try:
                verify(route.secret, headers, body)
            except InvalidSignature as exc:
                error = str(exc)
        with self._lock:
            key = (path, headers.get("webhook-id", ""))
            seen = self._seen.get(key, 0)
            self._seen[key] = seen + 1
            status = 500 if seen < route.fail_first else route.status
            if error is not None:
                status = 401
            self.requests.append(
                Received(path, headers, body, status, time.monotonic(), signature_error=error)
            )
        return status, route

    def accepted(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path and 200 <= r.status < 300]

    def all(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class HangingPort:
    """Accepts TCP connections (the kernel does) and never answers: a dead, slow endpoint."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]

    def close(self) -> None:
        self._sock.close()


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append((envelope, message))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<free port>, keeping every message it accepts."""

    def __init__(self) -> None:
        from ops.runtime.ports import free_port

        self._handler = _Collect()
        self.port = free_port()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def messages(self) -> list[tuple[Envelope, EmailMessage]]:
        with self._handler.lock:
            return list(self._handler.messages)

    def close(self) -> None:
        self._controller.stop()


def receivers() -> Iterator[tuple[WebhookReceiver, SmtpServer, HangingPort]]:
    web, smtp, hanging = WebhookReceiver(), SmtpServer(), HangingPort()
    try:
        yield web, smtp, hanging
    finally:
        web.close()
        smtp.close()
        hanging.close()
