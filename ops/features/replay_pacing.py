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
import time
from collections.abc import Callable
from dataclasses import dataclass

from ops.features.replay_progress import Backlog
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
        try:
            self._wait()
        except PolicywatchError as exc:
            self._stop(f"the backlog cannot be read ({exc})")

    def _wait(self) -> None:
        least = _total(self.read())
        moved = time.monotonic()
        while least > self.limit:
            time.sleep(self.interval_s)
            now = _total(self.read())
            if now < least:
                least, moved = now, time.monotonic()
            elif time.monotonic() - moved > self.stall_s:
                self._stop(f"the backlog ({now:,} records) did not shrink for {self.stall_s:.0f}s")
                return

    def _stop(self, why: str) -> None:
        self.stopped = why
        log.warning("no longer paced: %s; publishing the rest at once", why)


def _total(backlog: Backlog) -> int:
    return backlog.classify + backlog.store
