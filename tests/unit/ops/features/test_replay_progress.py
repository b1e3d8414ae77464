"""`--wait`: following the backlogs until they are empty, and giving up when they stall."""

from __future__ import annotations

from collections.abc import Iterator

from ops.features.replay_progress import Backlog, Follower


def readings(*backlogs: Backlog) -> Iterator[Backlog]:
    """The backlogs in turn, then the last one for ever."""
    yield from backlogs
    while True:
        yield backlogs[-1]


def test_it_follows_both_backlogs_to_zero_and_reports_each_reading() -> None:
    source = readings(Backlog(5, 0), Backlog(3, 2), Backlog(0, 4), Backlog(0, 1), Backlog(0, 0))
    seen: list[Backlog] = []
    follower = Follower(lambda: next(source), stall_s=10, interval_s=0)
    assert follower.follow(seen.append)
    assert seen[-1] == Backlog(0, 0) and len(seen) == 5


def test_a_backlog_that_stops_shrinking_ends_the_wait() -> None:
    source = readings(Backlog(5, 5), Backlog(4, 5), Backlog(4, 6))
    follower = Follower(lambda: next(source), stall_s=0.05, interval_s=0.01)
    assert not follower.follow(lambda _b: None)


def test_growth_of_one_backlog_while_the_other_shrinks_is_progress() -> None:
    """The store backlog grows while documents are classified: that is no stall."""
    steps = [Backlog(100 - i, i) for i in range(0, 101, 10)] + [Backlog(0, 0)]
    source = readings(*steps)
    follower = Follower(lambda: next(source), stall_s=0.05, interval_s=0.01)
    assert follower.follow(lambda _b: None)


def test_an_empty_backlog_needs_no_wait() -> None:
    follower = Follower(lambda: Backlog(0, 0), stall_s=0, interval_s=10)
    assert follower.follow(lambda _b: None)
