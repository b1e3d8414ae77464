"""The per-endpoint circuit breaker: opens, half-opens with one probe, closes or re-opens."""

from __future__ import annotations

import asyncio

from sinks.delivery.circuit import CircuitBreaker, EndpointGates


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_consecutive_failures_only() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, reset_s=60, clock=clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()  # the streak is broken
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed" and breaker.acquire() == 0
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now += 20
    assert breaker.acquire() == 40


def test_half_open_lets_one_probe_through_then_closes_on_success() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, reset_s=60, clock=clock)
    breaker.record_failure()
    clock.now += 60
    assert breaker.state == "half_open"
    assert breaker.acquire() == 0  # the probe
    assert breaker.acquire() > 0  # everyone else waits for it
    breaker.record_success()
    assert breaker.state == "closed" and breaker.acquire() == 0


def test_a_failed_probe_opens_it_again_for_a_full_period() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=5, reset_s=60, clock=clock)
    for _ in range(5):
        breaker.record_failure()
    clock.now += 61
    assert breaker.acquire() == 0
    breaker.record_failure()
    assert breaker.state == "open"
    assert breaker.acquire() == 60


def test_gates_are_per_endpoint_and_report_changes() -> None:
    changes: list[tuple[str, bool]] = []
    gates = EndpointGates(2, 1, 30, clock=Clock(), on_change=lambda h, o: changes.append((h, o)))
    gates.failed("dead.example:8080")
    assert gates.breaker("dead.example:8080").state == "open"
    assert gates.breaker("alive.example").state == "closed"
    gates.succeeded("dead.example:8080")
    assert changes == [("dead.example:8080", True), ("dead.example:8080", False)]

    async def slots() -> tuple[bool, bool]:
        dead = gates.limit("dead.example:8080")
        await dead.acquire()
        await dead.acquire()
        return dead.locked(), gates.limit("alive.example").locked()

    assert asyncio.run(slots()) == (True, False)
