"""The API's view of ``policy.subscriptions``: a book folded from the topic, and its writer.

A background thread follows the topic (``sinks.follow``: every partition from
the beginning, then on), so changes made elsewhere show up. ``start()`` returns
once the book holds everything that was on the topic when it began (readiness).
A change is published first, keyed by subscription id with version = the
book's + 1, and applied to the local book as soon as the broker acknowledged it
(read-your-writes); the thread later reads it back and the book ignores it as
already known. Accepted changes are also appended to the journal from which a
restarted embedded stack restores them (see ``ops.features.alert_restore``).
"""

from __future__ import annotations

import copy
import logging
import threading
import time

from ops.api.journal import SubscriptionJournal
from producers.publish import Outgoing, Publisher
from schemas.codec import decode_any, encode
from schemas.envelope import Producer
from schemas.errors import BrokerError, InvalidEvent
from schemas.subscription_book import SubscriptionBook
from schemas.subscriptions import (
    ChangeKind,
    Subscription,
    SubscriptionChanged,
    subscription_changed,
)
from sinks.consumer import FETCH_MAX_WAIT_MS, Record
from sinks.follow import TopicFollower

log = logging.getLogger(__name__)


class SubscriptionStore:
    """Current subscriptions (thread-safe reads) and the one way to change them."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        *,
        producer: Producer,
        journal: SubscriptionJournal | None = None,
        compression: str = "lz4",
        timeout_s: float = 30.0,
        fetch_wait_ms: int = FETCH_MAX_WAIT_MS,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self._producer = producer
        self._journal = journal
        self._compression = compression
        self._timeout_s = timeout_s
        self._fetch_wait_ms = fetch_wait_ms
        self._book = SubscriptionBook()
        self._lock = threading.Lock()  # guards the book
        self._write_lock = threading.Lock()  # one change at a time: versions stay in order
        self._stop = threading.Event()
        self._caught_up = threading.Event()
        self._failure: str | None = None
        self._thread: threading.Thread | None = None
        self._follower: TopicFollower | None = None
        self._publisher: Publisher | None = None
        self.events_read = 0

    # -- life cycle ------------------------------------------------------------
    def start(self, timeout_s: float = 60.0) -> None:
        """Fold the topic up to its current end, then keep following in the background."""
        follower = TopicFollower(
            self.bootstrap,
            [self.topic],
            "policywatch-api-subscriptions",
            self._fold,
            timeout_s=self._timeout_s,
            fetch_wait_ms=self._fetch_wait_ms,
        )  # a broker out of reach or a missing topic is a BrokerError that says what to do
        self._follower = follower
        self._publisher = Publisher(
            self.bootstrap,
            compression=self._compression,
            client_id="policywatch-api",
            timeout_s=self._timeout_s,
        )
        self._thread = threading.Thread(
            target=self._follow, args=(follower,), name="subscriptions", daemon=True
        )
        self._thread.start()
        if not self._caught_up.wait(timeout_s):
            self.close()
            raise BrokerError(
                f"could not read {self.topic!r} to its end within {timeout_s:.0f}s "
                f"({self._failure or 'no error reported'}); is the broker healthy?"
            )
        if self._failure is not None:
            failure = self._failure
            self.close()
            raise BrokerError(f"reading {self.topic!r} failed: {failure}")
        log.info("subscriptions loaded from %s: %d", self.topic, len(self))

    def _follow(self, follower: TopicFollower) -> None:
        errors_in_a_row = 0
        while not self._stop.is_set():
            try:
                if self._caught_up.is_set():
                    follower.read_more(200)
                elif follower.read_to_end(self._stop.is_set, timeout_ms=200):
                    self._caught_up.set()
                errors_in_a_row = 0
            except BrokerError as exc:
                errors_in_a_row += 1
                log.warning("reading %s failed (retrying): %s", self.topic, exc)
                if errors_in_a_row >= 50 and not self._caught_up.is_set():
                    self._failure = str(exc)
                    self._caught_up.set()  # wake start(), which reports the failure
                    return
                self._stop.wait(min(0.1 * errors_in_a_row, 2.0))

    def _fold(self, records: list[Record]) -> None:
        for record in records:
            if record.value is None:  # a compaction tombstone
                continue
            try:
                event = decode_any(record.value)
            except InvalidEvent as exc:
                log.warning(
                    "%s[%d]@%d: skipping an unreadable record (%s)",
                    self.topic,
                    record.partition,
                    record.offset,
                    exc.reason,
                )
                continue
            if isinstance(event, SubscriptionChanged):
                with self._lock:
                    self._book.apply(event)
                self.events_read += 1

    def close(self) -> None:
        """Stop following and close the clients; idempotent."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None
        if self._follower is not None:
            self._follower.close()
            self._follower = None
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None

    @property
    def ready(self) -> bool:
        return self._caught_up.is_set() and self._failure is None and not self._stop.is_set()

    # -- reads -----------------------------------------------------------------
    def list(self) -> list[Subscription]:
        with self._lock:
            return list(self._book)

    def get(self, subscription_id: str) -> Subscription | None:
        with self._lock:
            return self._book.get(subscription_id)

    def version(self, subscription_id: str) -> int:
        with self._lock:
            return self._book.version(subscription_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._book)

    def snapshot(self) -> SubscriptionBook:
        """A copy of the book as folded so far, for code that evaluates subscriptions."""
        with self._lock:
            return copy.deepcopy(self._book)

    # -- writes ----------------------------------------------------------------
    def change(
        self, subscription_id: str, change: ChangeKind, subscription: Subscription | None
    ) -> SubscriptionChanged:
        """Publish one change (next version) and apply it locally once acknowledged."""
        if self._publisher is None:
            raise BrokerError("the subscription store is not started (or already closed)")
        with self._write_lock:
            event = subscription_changed(
                subscription_id,
                change,
                version=self.version(subscription_id) + 1,
                subscription=subscription,
                producer=self._producer,
            )
            started = time.monotonic()
            report = self._publisher.publish(
                [Outgoing(self.topic, subscription_id.encode("utf-8"), encode(event))]
            )
            if report.failed:
                raise BrokerError(
                    f"the broker did not acknowledge the change of {subscription_id} "
                    f"({'; '.join(report.errors[:1]) or 'no reason given'}); retry"
                )
            with self._lock:
                self._book.apply(event)
            if self._journal is not None:
                self._journal.append(event)
        log.info(
            "subscription %s %s (version %d) in %.0f ms",
            subscription_id,
            change,
            event.version,
            (time.monotonic() - started) * 1000,
        )
        return event
