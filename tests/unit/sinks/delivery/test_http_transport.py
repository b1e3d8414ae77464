"""The delivery HTTP client against a raw HTTP/1.1 server on loopback.

The server answers each request with a scripted response and counts connections, so
keep-alive reuse, a connection the server closed while idle, chunked and oversized
answers and credentials in the URL are seen on the wire, not inferred.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from sinks.delivery.http_transport import GuardedHttpClient, HttpFailure, guarded_client
from sinks.delivery.ssrf import AddressGuard, AddressPolicy

Script = Callable[[int], tuple[bytes, bool]]  # request number -> (response bytes, close after)

NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


class RawServer:
    """Reads requests (headers + Content-Length body) and answers from ``script``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self.closed = 0  # connections the client ended
        self.requests: list[bytes] = []
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self, tls: ssl.SSLContext | None = None) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=tls)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                self.requests.append(head + body)
                response, close = self.script(len(self.requests))
                writer.write(response)
                await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            self.closed += 1
        finally:
            writer.close()

    def url(self, path: str = "/hook", userinfo: str = "") -> str:
        return f"http://{userinfo}127.0.0.1:{self.port}{path}"


def _client() -> GuardedHttpClient:
    return guarded_client(
        AddressPolicy.from_entries(["127.0.0.1"]),
        timeout_s=2,
        connections_per_host=1,
        user_agent="pw-test",
    )


def _run(
    script: Script, scenario: Callable[[GuardedHttpClient, RawServer], Awaitable[None]]
) -> RawServer:
    async def main() -> RawServer:
        server = RawServer(script)
        await server.start()
        try:
            async with _client() as client:
                await scenario(client, server)
        finally:
            await server.stop()
        return server

    return asyncio.run(main())


def test_one_connection_carries_many_webhooks_with_one_request_each() -> None:
    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        for i in range(5):
            answer = await client.post(server.url(), b'{"n": %d}' % i, {"x-n": str(i)}, 1024)
            assert answer.status == 204

    server = _run(lambda n: (NO_CONTENT, False), scenario)
    assert server.connections == 1
    assert len(server.requests) == 5
    first = server.requests[0]
    assert first.startswith(b"POST /hook HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n".encode() in first
    assert b"User-Agent: pw-test\r\n" in first and b"x-n: 0\r\n" in first
    assert first.endswith(b'\r\n\r\n{"n": 0}')


def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    """The server closes after each answer: the next webhook still goes out, once."""

    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        for _ in range(3):
            assert (await client.post(server.url(), b"{}", {}, 1024)).status == 204
            await asyncio.sleep(0.05)  # the close reaches the idle connection

    server = _run(lambda n: (NO_CONTENT, True), scenario)
    assert server.connections == 3
    assert len(server.requests) == 3


def test_connection_close_in_the_answer_is_honoured() -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"

    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        for _ in range(2):
            answer = await client.post(server.url(), b"{}", {}, 1024)
            assert (answer.status, answer.body) == (200, b"ok")

    server = _run(lambda n: (closing, False), scenario)
    assert server.connections == 2


def test_chunked_answers_are_read_and_cut_at_the_limit() -> None:
    chunked = (
        b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n"
        b"Retry-After: 30\r\n\r\n5\r\nbusy \r\n6\r\nlater!\r\n0\r\n\r\n"
    )
    seen: list[tuple[int, str | None, bytes]] = []

    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        whole = await client.post(server.url(), b"{}", {}, 1024)
        cut = await client.post(server.url(), b"{}", {}, 7)
        after = await client.post(server.url(), b"{}", {}, 1024)
        seen.extend((a.status, a.retry_after, a.body) for a in (whole, cut, after))

    server = _run(lambda n: (chunked, False), scenario)
    assert seen[:2] == [(503, "30", b"busy later!"), (503, "30", b"busy la")]
    assert seen[2] == seen[0]
    # the whole answer left its connection reusable; the cut one did not
    assert server.connections == 2


def test_credentials_in_the_url_become_basic_authorization() -> None:
    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        await client.post(server.url(userinfo="hook%40user:s3cr%3At@"), b"{}", {}, 1024)

    server = _run(lambda n: (NO_CONTENT, False), scenario)
    token = base64.b64encode(b"hook@user:s3cr:t").decode()
    assert f"Authorization: Basic {token}\r\n".encode() in server.requests[0]
    assert b"s3cr" not in server.requests[0].split(b"\r\n", 1)[0]  # not in the request line


def test_a_server_that_closes_without_answering_is_a_failure() -> None:
    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        with pytest.raises(HttpFailure, match="closed the connection without an answer"):
            await client.post(server.url(), b"{}", {}, 1024)

    _run(lambda n: (b"", True), scenario)


def test_a_malformed_answer_is_a_failure_not_a_crash() -> None:
    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        with pytest.raises(HttpFailure):
            await client.post(server.url(), b"{}", {}, 1024)

    _run(lambda n: (b"SMTP ready\r\n\r\n", True), scenario)


def test_header_injection_is_refused_before_anything_is_sent() -> None:
    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        for value in ("1\r\nx-b: 2", "caf\u00e9 \u2615"):
            with pytest.raises(HttpFailure, match="invalid request"):
                await client.post(server.url(), b"{}", {"x-a": value}, 1024)

    server = _run(lambda n: (NO_CONTENT, False), scenario)
    assert server.connections == 0


def test_a_cancelled_exchange_closes_its_connection() -> None:
    """Cancelled mid-answer (the attempt's own deadline, a shutdown): the connection is in
    an unknown state, so it is closed, never handed to the next webhook."""

    async def scenario(client: GuardedHttpClient, server: RawServer) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.post(server.url(), b"{}", {}, 1024), 0.3)
        for _ in range(50):
            if server.closed:
                break
            await asyncio.sleep(0.02)

    server = _run(lambda n: (b"", False), scenario)  # reads the request, never answers
    assert (server.connections, server.closed) == (1, 1)


TLS = Path(__file__).parents[3] / "fixtures" / "tls"


def _tls_round(url_host: str) -> tuple[int | str, int]:
    """POST over https to a loopback server whose certificate names hooks.example.test;
    every name resolves to 127.0.0.1. (status or the error, requests the server read)."""
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(TLS / "hooks.example.test.crt", TLS / "hooks.example.test.key")
    client_tls = ssl.create_default_context(cafile=str(TLS / "hooks.example.test.crt"))

    async def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    async def main() -> tuple[int | str, int]:
        server = RawServer(lambda n: (NO_CONTENT, False))
        await server.start(server_tls)
        client = GuardedHttpClient(
            AddressGuard(AddressPolicy.from_entries(["127.0.0.1"]), resolve),
            timeout_s=5,
            idle_per_host=4,
            user_agent="pw-test",
            tls=client_tls,
        )
        try:
            answer = await client.post(f"https://{url_host}:{server.port}/hook", b"{}", {}, 1024)
            outcome: int | str = answer.status
        except HttpFailure as exc:
            outcome = str(exc)
        finally:
            await client.aclose()
            await server.stop()
        return outcome, len(server.requests)

    return asyncio.run(main())


def test_https_verifies_the_certificate_against_the_url_host() -> None:
    """The socket goes to the checked address; TLS still checks the URL's host name."""
    assert _tls_round("hooks.example.test") == (204, 1)


def test_https_refuses_a_certificate_for_another_name() -> None:
    outcome, requests = _tls_round("other.example.test")
    assert isinstance(outcome, str) and "certificate" in outcome.lower()
    assert requests == 0
