"""What a fetch is configured with, returns and fails with; the per-host gate. No I/O.

Kept apart from ``producers.fetch`` (the only module that speaks HTTP) so that
readers and checkpoints can name these types without the client.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from schemas.errors import SourceError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchConfig:
    user_agent: str = "policywatch/0.1 (+https://policywatch.example/bot)"
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff_s: float = 1.0
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 120.0
    host_rate_per_s: float = 1.0  # 0 = no spacing between requests
    host_concurrency: int = 2
    respect_robots: bool = True
    robots_ttl_s: float = 3600.0
    trust_env: bool = False  # proxies from HTTP(S)_PROXY only when the operator asks


@dataclass(frozen=True)
class Validators:
    """What a conditional GET sends back: the last response's ETag and Last-Modified."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    validators: Validators
    elapsed_s: float
    attempts: int

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for param in (self.content_type or "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class FetchError(SourceError):
    """A fetch that failed; ``retry_after`` is the server's wish, in seconds."""

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        retriable: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, reason=reason)
        self.retriable = retriable
        self.status = status
        self.retry_after = retry_after


class HostGate:
    """Spaces request starts to one host and caps how many run at once."""

    def __init__(self, rate_per_s: float, concurrency: int) -> None:
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._next_at = 0.0

    async def __aenter__(self) -> None:
        await self._slots.acquire()
        try:
            async with self._lock:
                now = time.monotonic()
                wait = self._next_at - now
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_at = max(now, self._next_at) + self.interval
        except BaseException:
            self._slots.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()
