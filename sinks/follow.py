"""Follow state topics from their beginning: fold everything up to their end, then keep folding.

The one reader of the compacted topics a role keeps state from (``policy.subscriptions``,
``policy.deliveries``). Partitions are assigned, not joined as a consumer group (Tansu
finishes kafka-python group joins only after ``max_poll_interval_ms``), and nothing is
committed: the topic is the state, read again from its beginning on every start.
"Caught up" means a poll came back empty and no partition has lag left, the end being
the larger of the reported end offset and the fetch responses' high watermarks (exact
on Tansu, which under-reports end offsets, and on Kafka).

Blocking (kafka-python): call it from a thread, or through ``asyncio.to_thread``.
"""

from __future__ import annotations

from collections.abc import Callable

from sinks.consumer import FETCH_MAX_WAIT_MS, PartitionReader, Record, describe_topics

Fold = Callable[[list[Record]], None]


class TopicFollower:
    """Reads ``topics`` from their beginning; ``read_more`` hands each batch to ``fold``."""

    def __init__(
        self,
        bootstrap: str,
        topics: list[str],
        client_id: str,
        fold: Fold,
        *,
        batch: int = 500,
        timeout_s: float = 30.0,
        fetch_wait_ms: int = FETCH_MAX_WAIT_MS,
    ) -> None:
        infos = describe_topics(bootstrap, topics, timeout_s)  # a missing topic is a BrokerError
        self._fold = fold
        self._batch = batch
        self._reader = PartitionReader(bootstrap, client_id, batch, fetch_wait_ms)
        self._reader.assign({(info.name, p): None for info in infos for p in info.partitions})

    def fetch(self, timeout_ms: int = 200) -> list[Record]:
        """The next records, unfolded (for a caller that folds them elsewhere)."""
        return self._reader.poll(timeout_ms, self._batch)

    def caught_up(self) -> bool:
        """No partition has records left past this reader's position."""
        return not any(self._reader.lag().values())

    def read_more(self, timeout_ms: int = 200) -> int:
        """Fold the next records; how many there were."""
        records = self.fetch(timeout_ms)
        self._fold(records)
        return len(records)

    def read_to_end(self, stop: Callable[[], bool] = lambda: False, timeout_ms: int = 800) -> bool:
        """Fold until a poll is empty and nothing is left; False when ``stop()`` came first."""
        while not stop():
            if self.read_more(timeout_ms) == 0 and self.caught_up():
                return True
        return False

    def close(self) -> None:
        self._reader.close()
