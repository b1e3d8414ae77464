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
from collections.abc import Callable
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
class EndpointGates:
    """One breaker and one semaphore per endpoint host, created on first use."""

    concurrency: int
    failures: int
    reset_s: float
    clock: Callable[[], float] = time.monotonic
    on_change: Callable[[str, bool], None] | None = None
    _breakers: dict[str, CircuitBreaker] = field(default_factory=dict)
    _limits: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def breaker(self, host: str) -> CircuitBreaker:
        if host not in self._breakers:
            self._breakers[host] = CircuitBreaker(self.failures, self.reset_s, self.clock)
        return self._breakers[host]

    def limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._limits:
            self._limits[host] = asyncio.Semaphore(self.concurrency)
        return self._limits[host]

    def succeeded(self, host: str) -> None:
        self.breaker(host).record_success()
        self._report(host)

    def failed(self, host: str) -> None:
        self.breaker(host).record_failure()
        self._report(host)

    def _report(self, host: str) -> None:
        if self.on_change is not None:
            self.on_change(host, self.breaker(host).opened_at is not None)
