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

    async def slots() -> tuple[int, int]:
        async with gates.slot("dead.example:8080"), gates.slot("dead.example:8080"):
            waiting = asyncio.create_task(_enter(gates, "dead.example:8080"))
            alive = asyncio.create_task(_enter(gates, "alive.example"))
            await asyncio.sleep(0.01)
            return waiting.done(), alive.done()

    assert asyncio.run(slots()) == (False, True)  # the third waits; another host does not


async def _enter(gates: EndpointGates, host: str) -> None:
    async with gates.slot(host):
        return


def test_idle_endpoints_are_forgotten_beyond_the_limit_but_never_busy_or_open_ones() -> None:
    clock = Clock()
    forgotten: list[str] = []
    gates = EndpointGates(2, 1, 100, clock=clock, on_forget=forgotten.append, max_endpoints=3)
    gates.failed("dead.example")  # open circuit: remembered while open

    async def churn() -> None:
        async with gates.slot("busy.example"):
            for i in range(50):  # subscriptions come and go, each with its own endpoint
                clock.now += 1
                async with gates.slot(f"hook-{i}.example"):
                    pass
            assert len(gates) == 3
            assert "busy.example" not in forgotten and "dead.example" not in forgotten

    asyncio.run(churn())
    assert len(forgotten) == 49 and forgotten[0] == "hook-0.example"
    assert gates.breaker("dead.example").state == "open"
    clock.now += 51  # due to half-open: now it may be forgotten like any idle endpoint
    for i in range(3):
        gates.breaker(f"later-{i}.example")
    assert "dead.example" in forgotten and len(gates) == 3
