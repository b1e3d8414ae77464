"""The only HTTP client of delivery: POSTs over SSRF-guarded keep-alive connections.

Every new connection goes to an address :class:`AddressGuard` resolved and checked
(no second look-up, so no DNS rebinding); proxies are never used and redirects never
followed (a 3xx is a final answer); a response body is read only up to a limit.

Only what a webhook needs: HTTP/1.1 POST, h11 for the wire format, one write per
request, idle connections kept per host. A general-purpose client cost about
0.75 ms of CPU per webhook here, half of the delivery role's work when every
document of a busy stream raises an alert.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import unquote

import h11
import httpx

from sinks.delivery.ssrf import AddressGuard, AddressPolicy, Resolver, system_resolve

_READ_CHUNK = 65536


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None
    body: bytes


class HttpFailure(Exception):
    """The exchange failed (no connection, a reset, a malformed answer); worth retrying."""


class HttpTimeout(HttpFailure):
    """The endpoint did not connect or answer within the timeout."""


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) host, what DNS and TLS see
    port: int
    host_header: bytes
    path: bytes
    authorization: bytes | None

    @classmethod
    def parse(cls, url: str) -> _Target:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise HttpFailure(f"invalid URL: {exc}") from None
        scheme = parsed.scheme
        if scheme not in ("http", "https") or not parsed.raw_host:
            raise HttpFailure("only http and https URLs with a host are delivered to")
        port = parsed.port or (443 if scheme == "https" else 80)
        authorization = None
        if parsed.userinfo:  # https://user:password@host/ means Basic credentials
            user, _, password = parsed.userinfo.decode("ascii").partition(":")
            token = f"{unquote(user)}:{unquote(password)}".encode()
            authorization = b"Basic " + base64.b64encode(token)
        return cls(
            scheme,
            parsed.raw_host.decode("ascii"),
            port,
            parsed.netloc,
            parsed.raw_path or b"/",
            authorization,
        )

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    protocol: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    idle_since: float = 0.0
    used: bool = False  # a request went out on it before
    answered: bool = False  # bytes of an answer arrived on it

    def close(self) -> None:
        self.writer.close()

    def still_open(self) -> bool:
        """An idle connection the server has not closed meanwhile."""
        return not (self.reader.at_eof() or self.writer.is_closing())


class GuardedHttpClient:
    """POSTs with a per-exchange timeout; idle connections are kept per (scheme, host, port)."""

    def __init__(
        self,
        guard: AddressGuard,
        *,
        timeout_s: float,
        idle_per_host: int,
        user_agent: str,
        idle_expiry_s: float = 30.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``tls``: the context https connections verify with (default: certifi's roots)."""
        self._guard = guard
        self._timeout_s = timeout_s
        self._idle_per_host = idle_per_host
        self._user_agent = user_agent.encode()
        self._idle_expiry_s = idle_expiry_s
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._ssl = tls

    async def post(
        self, url: str, body: bytes, headers: dict[str, str], max_response_bytes: int
    ) -> Answer:
        """POST ``body``; the answer's body is cut at ``max_response_bytes``."""
        target = _Target.parse(url)
        try:
            request = self._request(target, headers, len(body))
        except (h11.LocalProtocolError, UnicodeEncodeError) as exc:  # not puttable on the wire
            raise HttpFailure(f"invalid request: {exc}") from None
        connection = self._idle_connection(target)
        if connection is not None:
            try:
                return await self._exchange(target, connection, request, body, max_response_bytes)
            except _StaleConnection:
                pass  # closed by the server while idle: once more on a new connection
        connection = await self._connect(target)
        try:
            return await self._exchange(target, connection, request, body, max_response_bytes)
        except _StaleConnection as exc:
            raise HttpFailure(str(exc)) from None

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def __aenter__(self) -> GuardedHttpClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    def _request(self, target: _Target, headers: dict[str, str], length: int) -> h11.Request:
        names = {name.lower() for name in headers}
        fields: list[tuple[bytes, bytes]] = [(b"Host", target.host_header)]
        if "user-agent" not in names:
            fields.append((b"User-Agent", self._user_agent))
        if target.authorization is not None and "authorization" not in names:
            fields.append((b"Authorization", target.authorization))
        for name, value in headers.items():
            fields.append((name.encode("latin-1"), value.encode("latin-1")))
        fields.append((b"Content-Length", str(length).encode()))
        return h11.Request(method=b"POST", target=target.path, headers=fields)

    def _idle_connection(self, target: _Target) -> _Connection | None:
        connections = self._idle.get(target.key)
        now = time.monotonic()
        while connections:
            connection = connections.pop()
            if connection.still_open() and now - connection.idle_since < self._idle_expiry_s:
                return connection
            connection.close()
        return None

    async def _connect(self, target: _Target) -> _Connection:
        addresses = await self._guard.checked_addresses(target.host, target.port)
        context = self._tls() if target.scheme == "https" else None
        last: BaseException | None = None
        for address in addresses:
            try:
                async with asyncio.timeout(self._timeout_s):
                    reader, writer = await asyncio.open_connection(
                        address,
                        target.port,
                        ssl=context,
                        server_hostname=target.host if context is not None else None,
                        limit=_READ_CHUNK,
                    )
                return _Connection(reader, writer)
            except (TimeoutError, OSError) as exc:  # ssl.SSLError is an OSError
                last = exc
        if isinstance(last, TimeoutError):
            raise HttpTimeout(f"no connection within {self._timeout_s:g}s")
        raise HttpFailure(f"cannot connect: {last}")

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:  # certifi's roots, as the rest of policywatch uses
            self._ssl = httpx.create_ssl_context(trust_env=False)
        return self._ssl

    async def _exchange(
        self,
        target: _Target,
        connection: _Connection,
        request: h11.Request,
        body: bytes,
        cap: int,
    ) -> Answer:
        """One request and its answer; a reused connection that ends before any byte of
        an answer raises _StaleConnection (the caller tries once more on a new one)."""
        reused, connection.used = connection.used, True
        protocol = connection.protocol
        wire = b"".join(
            protocol.send(event) or b""
            for event in (request, h11.Data(data=body), h11.EndOfMessage())
        )
        try:
            async with asyncio.timeout(self._timeout_s):
                connection.writer.write(wire)
                await connection.writer.drain()
                status, retry_after, answer, complete = await self._read(connection, cap)
        except TimeoutError:
            connection.close()
            raise HttpTimeout(f"no answer within {self._timeout_s:g}s") from None
        except (_NoAnswer, ConnectionError) as exc:
            connection.close()
            message = str(exc) or type(exc).__name__
            if reused and not connection.answered:
                raise _StaleConnection(message) from None
            raise HttpFailure(message) from None
        except (OSError, h11.ProtocolError) as exc:
            connection.close()
            raise HttpFailure(f"{type(exc).__name__}: {exc}") from None
        except asyncio.CancelledError:  # mid-exchange: the connection's state is unknown
            connection.close()
            raise
        self._release(target, connection, complete)
        return Answer(status, retry_after, answer)

    async def _read(self, connection: _Connection, cap: int) -> tuple[int, str | None, bytes, bool]:
        """(status, Retry-After, body up to ``cap``, whether the whole answer was read)."""
        protocol = connection.protocol
        status: int | None = None
        retry_after: str | None = None
        body = bytearray()
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                data = await connection.reader.read(_READ_CHUNK)
                if not data and not connection.answered:
                    raise _NoAnswer("the server closed the connection without an answer")
                connection.answered = True
                protocol.receive_data(data)
            elif isinstance(event, h11.Response):
                status = event.status_code
                for name, value in event.headers:
                    if name == b"retry-after":
                        retry_after = value.decode("latin-1")
            elif isinstance(event, h11.Data):
                body += event.data[: cap - len(body)]
                if len(body) >= cap:
                    assert status is not None
                    return status, retry_after, bytes(body), False
            elif isinstance(event, h11.EndOfMessage):
                assert status is not None
                return status, retry_after, bytes(body), True
            elif isinstance(event, h11.ConnectionClosed):
                raise _NoAnswer("the server closed the connection mid-answer")
            # h11.InformationalResponse (100 Continue and the like): read on

    def _release(self, target: _Target, connection: _Connection, complete: bool) -> None:
        protocol = connection.protocol
        if not (complete and protocol.our_state is h11.DONE and protocol.their_state is h11.DONE):
            connection.close()
            return
        protocol.start_next_cycle()
        connection.answered = False
        connection.idle_since = time.monotonic()
        idle = self._idle.setdefault(target.key, [])
        if len(idle) >= self._idle_per_host:
            connection.close()
        else:
            idle.append(connection)


class _NoAnswer(Exception):
    """The connection ended before a complete answer."""


class _StaleConnection(Exception):
    """A reused connection was closed by the server before answering."""


def guarded_client(
    policy: AddressPolicy,
    *,
    timeout_s: float,
    connections_per_host: int,
    user_agent: str,
    resolve: Resolver = system_resolve,
) -> GuardedHttpClient:
    return GuardedHttpClient(
        AddressGuard(policy, resolve),
        timeout_s=timeout_s,
        idle_per_host=max(4, connections_per_host * 4),
        user_agent=user_agent,
    )
