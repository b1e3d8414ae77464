"""The producers' HTTP client (httpx): polite, bounded, conditional GETs.

The only one that reads the web; delivery posts to subscribers' endpoints with its
own (``sinks.delivery.http_transport``), and the CLI reaches the subscriptions API
with another (``ops.cli.api_client``).

Every request carries the operator's User-Agent and has connect/read timeouts
plus an overall deadline (a server trickling bytes cannot hold us). Bodies are
capped after decompression, redirects are followed by hand (at most
``max_redirects`` hops, loops detected, robots.txt checked per hop), and each
host has a rate limit (raised to its Crawl-delay) and a concurrency cap shared
by every source. 429, 5xx, timeouts and dropped connections are retried with
exponential backoff honouring Retry-After. Failures are :class:`FetchError`
(a SourceError) whose ``reason`` names what went wrong and whose ``retriable``
says whether the next run may succeed.
"""

from __future__ import annotations

import asyncio
import random
import time
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from producers.fetch_types import (
    REDIRECT_STATUSES,
    RETRY_STATUSES,
    FetchConfig,
    FetchError,
    FetchResult,
    HostGate,
    Validators,
)
from producers.robots import ROBOTS_MAX_BYTES, RobotsCache
from schemas.retry_after import retry_after_seconds

__all__ = ["FetchConfig", "FetchError", "FetchResult", "Fetcher", "Validators"]


def _transport_error(url: str, exc: httpx.HTTPError, config: FetchConfig) -> FetchError:
    """Map httpx's errors once, here, to reasons with a fix in the message."""
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(
            f"{url}: timed out ({type(exc).__name__}; connect {config.connect_timeout_s}s, read "
            f"{config.read_timeout_s}s); raise POLICYWATCH_FETCH__READ_TIMEOUT_S if the site "
            "is slow",
            reason="timeout",
            retriable=True,
        )
    if isinstance(exc, httpx.ConnectError):
        return FetchError(
            f"{url}: cannot connect: {exc}; check the URL and that the site is up",
            reason="connect_failed",
            retriable=True,
        )
    if isinstance(exc, httpx.DecodingError):
        return FetchError(
            f"{url}: the body's Content-Encoding cannot be decoded: {exc}",
            reason="bad_content_encoding",
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(f"{url}: not a fetchable URL: {exc}", reason="invalid_url")
    return FetchError(
        f"{url}: connection failed: {type(exc).__name__}: {exc}",
        reason="transport_error",
        retriable=True,
    )


class Fetcher:
    """One httpx client with per-host gates and a robots.txt cache; use ``async with``."""

    def __init__(
        self, config: FetchConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.config = config
        self._client = httpx.AsyncClient(
            headers={"User-Agent": config.user_agent},
            timeout=httpx.Timeout(
                connect=config.connect_timeout_s,
                read=config.read_timeout_s,
                write=config.read_timeout_s,
                pool=config.total_timeout_s,
            ),
            follow_redirects=False,
            trust_env=config.trust_env,
            transport=transport,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=32),
        )
        self._gates: dict[str, HostGate] = {}
        self._overrides: dict[str, tuple[float | None, int | None]] = {}
        self._robots = RobotsCache(config.user_agent, config.robots_ttl_s, self._get_robots)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def limit_host(self, host: str, rate_per_s: float | None, concurrency: int | None) -> None:
        """A source's own limits for its host; the stricter of several sources' wins."""
        key = host.lower()
        old_rate, old_conc = self._overrides.get(key, (None, None))
        rate = min(r for r in (old_rate, rate_per_s) if r is not None) if rate_per_s else old_rate
        conc = min(c for c in (old_conc, concurrency) if c is not None) if concurrency else old_conc
        if (old_rate, old_conc) != (rate, conc):
            self._overrides[key] = (rate, conc)
            self._gates.pop(key, None)  # the next request builds the gate with the new limits

    def _gate(self, host: str) -> HostGate:
        key = host.lower()
        gate = self._gates.get(key)
        if gate is None:
            rate, conc = self._overrides.get(key, (None, None))
            gate = HostGate(
                self.config.host_rate_per_s if rate is None else rate,
                self.config.host_concurrency if conc is None else conc,
            )
            self._gates[key] = gate
        return gate

    async def get(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET with retries; a 304 comes back as a result with ``not_modified``."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._get_once(url, validators, attempt)
            except FetchError as exc:
                if not exc.retriable or attempt > self.config.retries:
                    raise
                delay = exc.retry_after
                if delay is None:
                    backoff = self.config.backoff_s * 2 ** (attempt - 1)
                    delay = min(self.config.backoff_max_s, backoff) * random.uniform(0.5, 1.0)
                elif delay > self.config.retry_after_max_s:
                    raise
                await asyncio.sleep(delay)

    async def _get_once(
        self, url: str, validators: Validators | None, attempt: int, check_robots: bool = True
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        current, seen = url, {url}
        for _hop in range(self.config.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchError(
                    f"{current}: only http(s) URLs are fetched; fix the URL in sources.yaml",
                    reason="invalid_url",
                )
            if check_robots and self.config.respect_robots:
                delay = await self._robots.check(current)
                if delay:
                    gate = self._gate(parts.hostname)
                    gate.interval = max(gate.interval, delay)
            async with self._gate(parts.hostname):
                started = time.monotonic()
                status, resp_headers, body = await self._exchange(current, headers)
                elapsed = time.monotonic() - started
            location = resp_headers.get("location")
            if status in REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                if target in seen:
                    raise FetchError(
                        f"{url}: redirect loop at {target}; the site's redirects are broken",
                        reason="redirect_loop",
                    )
                seen.add(target)
                current = target
                continue
            return self._result(
                url=url,
                final_url=current,
                status=status,
                headers=resp_headers,
                body=body,
                elapsed=elapsed,
                attempt=attempt,
            )
        raise FetchError(
            f"{url}: more than {self.config.max_redirects} redirects; use the final URL in "
            "sources.yaml or raise POLICYWATCH_FETCH__MAX_REDIRECTS",
            reason="too_many_redirects",
        )

    async def _exchange(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, httpx.Headers, bytes]:
        """One request/response under the overall deadline, reading at most the body cap."""
        cap = self.config.max_body_bytes
        try:
            async with asyncio.timeout(self.config.total_timeout_s):
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code >= 300:  # redirects and errors: the body is not needed
                        return response.status_code, response.headers, b""
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > cap:
                        raise self._too_large(url, int(declared))
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > cap:
                            raise self._too_large(url, size)
                        chunks.append(chunk)
                    return response.status_code, response.headers, b"".join(chunks)
        except TimeoutError as exc:
            raise FetchError(
                f"{url}: no complete response within {self.config.total_timeout_s}s "
                "(POLICYWATCH_FETCH__TOTAL_TIMEOUT_S)",
                reason="timeout",
                retriable=True,
            ) from exc
        except httpx.HTTPError as exc:
            raise _transport_error(url, exc, self.config) from exc

    def _too_large(self, url: str, size: int) -> FetchError:
        return FetchError(
            f"{url}: body of {size}+ bytes is over the {self.config.max_body_bytes}-byte limit "
            "(POLICYWATCH_FETCH__MAX_BODY_BYTES)",
            reason="too_large",
        )

    def _result(
        self,
        *,
        url: str,
        final_url: str,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        elapsed: float,
        attempt: int,
    ) -> FetchResult:
        if status in RETRY_STATUSES:
            raise FetchError(
                f"{final_url}: HTTP {status}; retried with backoff, tried again next run",
                reason=f"http_{status}",
                retriable=True,
                status=status,
                retry_after=retry_after_seconds(headers.get("retry-after")),
            )
        if status >= 300 and status != 304:
            fix = {404: "the page is gone or the URL is wrong", 410: "the page was removed"}
            raise FetchError(
                f"{final_url}: HTTP {status}; {fix.get(status, 'check the URL and the site')}",
                reason=f"http_{status}",
                status=status,
            )
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            content=body,
            content_type=headers.get("content-type"),
            validators=Validators(headers.get("etag"), headers.get("last-modified")),
            elapsed_s=elapsed,
            attempts=attempt,
        )

    async def _get_robots(self, url: str) -> tuple[int, bytes]:
        """robots.txt itself: through the host gate, redirects followed, capped, no retries."""
        try:
            result = await self._get_once(url, None, 1, check_robots=False)
        except FetchError as exc:
            if exc.status is not None and exc.status < 500:
                return exc.status, b""
            raise
        return result.status, result.content[:ROBOTS_MAX_BYTES]
