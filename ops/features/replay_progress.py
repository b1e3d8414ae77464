"""How far the stack is with what was published: `replay --wait` and `ingest --wait`.

Publishing a million documents takes minutes; classifying and storing them takes longer,
and that is what an analyst waits for. Two backlogs say where the work is, both from
offsets, so documents the workers skip as already classified count as done too:

- *classify*: records of ``policy.documents`` and of the story stage's requests that the
  workers' consumer group has not committed past (committed about once a second);
- *store*: records of ``policy.classified`` past the positions the sink stored in the
  warehouse with the rows they produced.

Both reach zero once everything published before is queryable. Read-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from kafka import TopicPartition

from ops.runtime.consumer_lag import group_lag, partition_ends
from ops.settings import Settings
from schemas.errors import BrokerError
from sinks.consumer import describe_topics
from sinks.offsets import load_positions
from sinks.warehouse.base import Warehouse
from sinks.writer import SinkConfig
from streams.topics import WorkerConfig, story_requests_topic

#: the consumer name the sink stores its positions under
SINK_CONSUMER = SinkConfig().consumer


@dataclass(frozen=True)
class Backlog:
    classify: int
    store: int

    @property
    def done(self) -> bool:
        return self.classify == 0 and self.store == 0


class BacklogReader:
    """Reads :class:`Backlog` again and again; the topics (ids, partitions) are described
    once, since they do not change while one waits."""

    def __init__(self, settings: Settings, bootstrap: str, warehouse: Warehouse) -> None:
        self._bootstrap = bootstrap
        self._warehouse = warehouse
        self._group = settings.streams.app_id
        requests = story_requests_topic(WorkerConfig("", app_id=self._group))
        documents, stories, self._classified = describe_topics(
            bootstrap, [settings.topics.documents, requests, settings.topics.classified]
        )
        self._partitions = [
            TopicPartition(t.name, p)
            for t in (documents, stories, self._classified)
            for p in t.partitions
        ]

    def __call__(self) -> Backlog:
        """The records still to classify and still to store, now. A partition the workers
        have committed nothing on counts from its start (they read from the earliest
        record), so a stack that has not begun yet is not taken for one that is done."""
        try:
            lags = group_lag(self._bootstrap, self._group)
        except BrokerError:  # the broker answered above: no coordinator yet, as for a
            lags = []  # group that never committed (Kafka creates its offsets topic on first use)
        committed = {(p.topic, p.partition): p.committed for p in lags}
        classified = self._classified
        stored = load_positions(
            self._warehouse, SINK_CONSUMER, classified.name, classified.topic_id
        )
        classify = store = 0
        for tp, end in partition_ends(self._bootstrap, self._partitions).items():
            if tp.topic == classified.name:
                store += max(0, end - stored.get(tp.partition, 0))
            else:
                classify += max(0, end - committed.get((tp.topic, tp.partition), 0))
        return Backlog(classify, store)


@dataclass
class Follower:
    """Polls :func:`backlog` until it is empty or stops shrinking for ``stall_s``."""

    read: Callable[[], Backlog]
    stall_s: float = 300.0
    interval_s: float = 1.0

    def follow(
        self,
        on_backlog: Callable[[Backlog], None],
        until: Callable[[Backlog], bool] = lambda b: b.done,
    ) -> bool:
        """True once ``until`` the backlog (by default: it is empty); False if it did not
        shrink for ``stall_s`` (no worker or sink running, or one stuck: ``policywatch
        status`` tells which)."""
        now = least = self.read()
        on_backlog(now)
        shrunk = time.monotonic()
        while not until(now):
            time.sleep(self.interval_s)
            now = self.read()
            on_backlog(now)
            if now.classify < least.classify or now.store < least.store:
                shrunk = time.monotonic()  # either backlog below its lowest yet
            least = Backlog(min(least.classify, now.classify), min(least.store, now.store))
            if not until(now) and time.monotonic() - shrunk > self.stall_s:
                return False
        return True
