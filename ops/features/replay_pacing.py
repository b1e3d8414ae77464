"""A replay (or a bulk ingest) that keeps out of the live documents' way.

A replay republishes into the live documents' topic and goes through the same stages,
one of them (stories) a single partition: published all at once, its backlog sits ahead
of every live document that arrives after it (a live document waited over a minute behind
a replay of 34,000). Published a chunk at a time whenever the stack's backlog
(``replay_progress``: records still to classify and to store) is down to ``limit``, the
replay still keeps every stage busy, and a live document waits behind at most about
``limit`` plus a chunk of its records. `policywatch ingest` paces files' documents alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ops.features.replay_progress import Backlog, Follower
from schemas.errors import PolicywatchError

log = logging.getLogger(__name__)

#: records a paced replay publishes at a time, and the backlog it waits for before each
CHUNK = 200
LIMIT = 300


@dataclass
class Pacer:
    """Waits before each chunk until the backlog is at most ``limit`` records.

    Pacing stops for good when the backlog does not shrink for ``stall_s`` (no worker or
    sink is consuming: the stack is down, or stuck) or cannot be read: the replay then
    publishes the rest at once, as without pacing, and the stack takes it when it runs."""

    read: Callable[[], Backlog]
    limit: int = LIMIT
    interval_s: float = 0.2
    stall_s: float = 30.0
    stopped: str = ""  # why pacing stopped, once it has

    def wait(self) -> None:
        if self.stopped:
            return
        follower = Follower(self.read, stall_s=self.stall_s, interval_s=self.interval_s)
        try:
            caught_up = follower.follow(lambda _b: None, until=self._small)
        except PolicywatchError as exc:
            self._stop(f"the backlog cannot be read ({exc})")
            return
        if not caught_up:
            self._stop(f"the backlog did not shrink for {self.stall_s:.0f}s")

    def _small(self, backlog: Backlog) -> bool:
        return backlog.classify + backlog.store <= self.limit

    def _stop(self, why: str) -> None:
        self.stopped = why
        log.warning("no longer paced: %s; publishing the rest at once", why)
