"""Per-endpoint circuit breaker and concurrency limit: one bad host never slows the others.

A host's circuit opens after ``failures`` consecutive failed attempts; while open,
attempts to it are not made (they are recorded as retrying, with the time the
circuit half-opens). After ``reset_s`` one probe is let through: success closes
the circuit, failure opens it again. Each host also has its own semaphore, so a
slow host holds only its own slots. The clock is a parameter (tests).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

CircuitState = Literal["closed", "open", "half_open"]


@dataclass
class CircuitBreaker:
    failures: int
    reset_s: float
    clock: Callable[[], float] = time.monotonic
    consecutive: int = 0
    opened_at: float | None = None
    probing: bool = False

    @property
    def state(self) -> CircuitState:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_s:
            return "half_open"
        return "open"

    def acquire(self) -> float:
        """0 when an attempt may go now (half-open: takes the probe slot), else seconds to wait."""
        state = self.state
        if state == "closed":
            return 0.0
        if state == "half_open" and not self.probing:
            self.probing = True
            return 0.0
        assert self.opened_at is not None
        return max(0.0, self.opened_at + self.reset_s - self.clock()) or self.reset_s

    def record_success(self) -> None:
        self.consecutive = 0
        self.opened_at = None
        self.probing = False

    def record_failure(self) -> None:
        self.consecutive += 1
        if self.probing or self.consecutive >= self.failures:
            self.opened_at = self.clock()
        self.probing = False

    def release_probe(self) -> None:
        """An attempt that ended without a verdict on the endpoint (e.g. refused by SSRF)."""
        self.probing = False


@dataclass
class _Endpoint:
    breaker: CircuitBreaker
    limit: asyncio.Semaphore
    users: int = 0  # attempts holding or waiting for a slot
    last_used: float = 0.0


@dataclass
class EndpointGates:
    """One breaker and one semaphore per endpoint host, created on first use.

    Endpoints come and go with subscriptions, so at most ``max_endpoints`` are kept:
    when a new one would exceed that, the least recently used idle ones are forgotten
    (no attempt holding or waiting for a slot, circuit closed or due to half-open), and
    ``on_forget`` is told (the metrics drop their series). A forgotten endpoint starts
    again closed, as a new one would.
    """

    concurrency: int
    failures: int
    reset_s: float
    clock: Callable[[], float] = time.monotonic
    on_change: Callable[[str, bool], None] | None = None
    on_forget: Callable[[str], None] | None = None
    max_endpoints: int = 1024
    _endpoints: OrderedDict[str, _Endpoint] = field(default_factory=OrderedDict)

    def _entry(self, host: str) -> _Endpoint:
        entry = self._endpoints.get(host)
        if entry is None:
            breaker = CircuitBreaker(self.failures, self.reset_s, self.clock)
            entry = _Endpoint(breaker, asyncio.Semaphore(self.concurrency))
            self._endpoints[host] = entry
            self._forget_idle()
        self._endpoints.move_to_end(host)
        entry.last_used = self.clock()
        return entry

    def _forget_idle(self) -> None:
        excess = len(self._endpoints) - self.max_endpoints
        if excess <= 0:
            return
        for host, entry in list(self._endpoints.items())[:-1]:  # never the one just added
            if excess <= 0:
                return
            if entry.users == 0 and entry.breaker.state != "open":
                del self._endpoints[host]
                excess -= 1
                if self.on_forget is not None:
                    self.on_forget(host)

    def __len__(self) -> int:
        return len(self._endpoints)

    def breaker(self, host: str) -> CircuitBreaker:
        return self._entry(host).breaker

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s ``concurrency`` slots (waiting for one if needed)."""
        entry = self._entry(host)
        entry.users += 1
        try:
            async with entry.limit:
                yield
        finally:
            entry.users -= 1
            entry.last_used = self.clock()

    def succeeded(self, host: str) -> None:
        self.breaker(host).record_success()
        self._report(host)

    def failed(self, host: str) -> None:
        self.breaker(host).record_failure()
        self._report(host)

    def _report(self, host: str) -> None:
        if self.on_change is not None:
            self.on_change(host, self.breaker(host).opened_at is not None)
