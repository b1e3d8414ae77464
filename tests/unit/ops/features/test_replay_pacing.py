"""A paced replay publishes each chunk once the stack's backlog is down to the limit, and
stops pacing when nothing consumes (a replay to a stopped stack still publishes all)."""

from __future__ import annotations

from collections.abc import Iterator

from ops.features.replay_pacing import Pacer
from ops.features.replay_progress import Backlog
from schemas.errors import BrokerError


def readings(*backlogs: Backlog) -> tuple[Iterator[Backlog], list[Backlog]]:
    """The backlogs in turn, then the last one for ever; and the list of those read."""
    read: list[Backlog] = []

    def source() -> Iterator[Backlog]:
        for backlog in (*backlogs, *([backlogs[-1]] * 10_000)):
            read.append(backlog)
            yield backlog

    return source(), read


def test_it_waits_until_both_backlogs_together_are_down_to_the_limit() -> None:
    source, read = readings(Backlog(300, 100), Backlog(200, 60), Backlog(100, 60), Backlog(0, 0))
    pacer = Pacer(lambda: next(source), limit=200, interval_s=0, stall_s=10)
    pacer.wait()
    assert read[-1] == Backlog(100, 60) and not pacer.stopped  # 160: the first at most 200


def test_a_small_backlog_publishes_at_once() -> None:
    source, read = readings(Backlog(10, 5))
    Pacer(lambda: next(source), limit=200, interval_s=10).wait()
    assert read == [Backlog(10, 5)]


def test_a_backlog_nothing_consumes_stops_the_pacing_for_the_rest() -> None:
    source, read = readings(Backlog(900, 0), Backlog(800, 0), Backlog(800, 10))
    pacer = Pacer(lambda: next(source), limit=200, interval_s=0.01, stall_s=0.05)
    pacer.wait()
    assert "did not shrink" in pacer.stopped
    seen = len(read)
    pacer.wait()  # the next chunks go at once
    assert len(read) == seen


def test_a_backlog_that_cannot_be_read_stops_the_pacing() -> None:
    def unreadable() -> Backlog:
        raise BrokerError("broker gone")

    pacer = Pacer(unreadable, limit=200)
    pacer.wait()
    assert "broker gone" in pacer.stopped
