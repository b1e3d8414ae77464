"""Alert evaluation in the Faust worker: subscriptions, per-document and window triggers.

- Every worker folds the whole ``policy.subscriptions`` topic into a SubscriptionBook
  (partitions assigned, not joined: every worker needs every subscription) and keeps
  following it, with the reader every role uses (``streams.followed_topic``). The
  classify stage reads the book's keywords for keyword hits.
- ``evaluate-alerts`` (on ``policy.classified``) matches each document against every
  active subscription. A document trigger raises its alert here; the ids raised are kept
  in the ``raised-alerts`` table (changelog-backed, co-partitioned: an alert id derives
  from the document, so it always lands on the same partition), so a replay of
  ``policy.classified`` raises nothing twice. A new_initiative trigger raises here too,
  once per subscription and candidate key; two workers may both raise that id for two
  documents naming the candidate, and the delivery role delivers an id once.
- Matches for volume, spike and digest subscriptions are re-keyed by subscription to
  ``<app_id>-alert-matches``; ``alert-windows`` keeps one window state and one digest
  state per subscription in tables, so a restarted worker continues its windows.
- A ticker sends a tick to every partition of that topic; the agent closes due digests
  when it reads one (tables are only written from within their partition's stream).

Every record is handled inside a ``try``: an agent that raises stops consuming silently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import faust
import orjson

from schemas.alerts import AlertDocument, AlertRaised
from schemas.classification import DocumentClassified
from schemas.codec import decode, encode
from schemas.deadletter import DeadLetter
from schemas.envelope import Producer
from schemas.errors import InvalidEvent, PolicywatchError
from schemas.subscription_book import SubscriptionBook
from schemas.subscriptions import (
    CommitmentTrigger,
    DocumentTrigger,
    NewInitiativeTrigger,
    SpikeTrigger,
    Subscription,
    SubscriptionChanged,
    VolumeTrigger,
)
from streams import metrics
from streams.alerts.candidates import CandidateIndex
from streams.alerts.digest import DigestState, add, close_due
from streams.alerts.keywords import KeywordIndex
from streams.alerts.match import alert_document, match_document
from streams.alerts.new_initiatives import matching_candidates, new_initiative_alert
from streams.alerts.raising import digest_alert, document_alert, window_alert
from streams.alerts.windows import Observation, WindowState, observe
from streams.followed_topic import FollowedRecord, TopicReader, TopicReaderFactory
from streams.pipeline import RecordRef, dead_letter
from streams.topics import RAW, WorkerConfig, alert_matches_topic, alert_table_names

log = logging.getLogger(__name__)

STAGE = "alerts"
WINDOW_STAGE = "alert-windows"
DeadSender = Callable[[bytes | None, DeadLetter], Awaitable[None]]


class SubscriptionFollower:
    """The book of current subscriptions, folded from the compacted topic and followed.

    ``ready`` is set once every partition was read up to its end at start, so no
    document is evaluated against a half-read book.
    """

    def __init__(
        self, open_reader: TopicReaderFactory, producer: Producer, dead: DeadSender
    ) -> None:
        self.book = SubscriptionBook()
        self.ready = asyncio.Event()
        self._open_reader, self._producer, self._dead = open_reader, producer, dead
        self._keywords: KeywordIndex | None = None
        self._keywords_stale = True
        self._candidates: CandidateIndex | None = None

    def keywords(self) -> KeywordIndex | None:
        """Keywords of the active subscriptions (None when there are none), compiled once."""
        if self._keywords_stale:
            words = [k for s in self.book.active() for k in s.filter.keywords]
            self._keywords = KeywordIndex(words) if words else None
            self._keywords_stale = False
        return self._keywords

    def candidates(self, doc: DocumentClassified) -> list[Subscription]:
        """Active subscriptions that might match ``doc`` (see streams.alerts.candidates)."""
        if self._candidates is None:
            self._candidates = CandidateIndex(self.book.active())
        return self._candidates.candidates(doc)

    async def run(self) -> None:
        """Follow forever; a failure is logged and the topic read again from the start
        (the book ignores versions it already holds)."""
        delay = 0.5
        while True:
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except PolicywatchError as exc:  # no topic yet, broker out of reach: said, no trace
                log.warning("cannot follow the subscriptions (%s); retrying in %.1fs", exc, delay)
            except Exception:
                log.exception("following the subscriptions failed; retrying in %.1fs", delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)

    async def _follow(self) -> None:
        # one thread for the reader, so the close on cancellation runs after a fetch in
        # flight (a Kafka client is not to be used from two threads at once), and the event
        # loop never waits for either
        loop = asyncio.get_running_loop()
        thread = ThreadPoolExecutor(1, thread_name_prefix="subscriptions")
        try:
            reader: TopicReader = await loop.run_in_executor(thread, self._open_reader)
        except BaseException:
            thread.shutdown(wait=False)
            raise
        try:
            while True:
                records = await loop.run_in_executor(thread, reader.fetch, 200)
                for record in records:
                    await self._fold(record)
                if (
                    not records
                    and not self.ready.is_set()
                    and await loop.run_in_executor(thread, reader.caught_up)
                ):
                    self.ready.set()
                    log.info("subscription book ready: %d subscriptions", len(self.book))
        finally:
            thread.submit(reader.close)
            thread.shutdown(wait=False)

    async def _fold(self, record: FollowedRecord) -> None:
        if record.value is None:
            return  # a tombstone left by compaction
        try:
            event = decode(record.value, SubscriptionChanged)
        except InvalidEvent as exc:
            ref = RecordRef(record.topic, record.partition, record.offset, record.key)
            await self._dead(record.key, dead_letter(ref, record.value, exc, self._producer, STAGE))
            return
        if self.book.apply(event):
            self._keywords_stale = True
            self._candidates = None
            metrics.ALERT_SUBSCRIPTIONS.set(self.book.active_count)


def register_alert_agents(
    app: faust.App, config: WorkerConfig, dead: DeadSender, subscriptions: TopicReaderFactory
) -> SubscriptionFollower:
    """Wire the follower, the two agents and the ticker; returns the follower.

    ``subscriptions`` opens a reader of the subscriptions topic at its beginning."""
    producer = Producer(name="policywatch-alerts", version=config.version)
    follower = SubscriptionFollower(subscriptions, producer, dead)
    alerts = app.topic(config.topics.alerts, **RAW)
    matches = app.topic(alert_matches_topic(config), partitions=config.partitions, **RAW)
    raised_name, windows_name, digests_name = alert_table_names()
    tables = {
        name: app.Table(name, partitions=config.partitions, key_type=str, value_type=bytes)
        for name in (raised_name, windows_name, digests_name)
    }
    shared: dict[str, Any] = {
        "producer": producer,
        "follower": follower,
        "alerts": alerts,
        "dead": dead,
    }
    evaluator = _Evaluator(**shared, matches=matches, raised=tables[raised_name])
    windows = _Windows(**shared, windows=tables[windows_name], digests=tables[digests_name])

    @app.agent(app.topic(config.topics.classified, **RAW), name="evaluate-alerts")
    async def evaluate_alerts(stream: Any) -> None:
        async for event in stream.events():
            await _guarded(STAGE, evaluator.handle, event)

    @app.agent(matches, name="alert-windows")
    async def alert_windows(stream: Any) -> None:
        async for event in stream.events():
            await _guarded(WINDOW_STAGE, windows.handle, event)

    async def tick() -> None:
        """Ask every partition's owner to close due digests (tables change in-stream only)."""
        while True:
            await asyncio.sleep(config.alert_tick_s)
            try:
                value = orjson.dumps({"tick": time.time()})
                for partition in range(config.partitions):
                    await matches.send(key=None, value=value, partition=partition)
            except Exception:
                log.exception("sending digest ticks failed; trying again next time")

    app.task(follower.run)
    app.task(tick)
    return follower


async def _guarded(stage: str, handle: Callable[[Any], Awaitable[None]], event: Any) -> None:
    metrics.EVENTS_IN.labels(stage).inc()
    try:
        await handle(event)
    except Exception:  # never let one record stop the agent
        log.exception("%s agent failed on a record; continuing", stage)
        metrics.EVENTS_OUT.labels(stage, "error").inc()


async def _publish(alerts: Any, alert: AlertRaised) -> None:
    await alerts.send(key=alert.alert_id.encode(), value=encode(alert))
    metrics.ALERTS_RAISED.labels(alert.trigger).inc()
    log.info("alert %s raised (%s) for %s", alert.alert_id, alert.trigger, alert.subscription_id)


def _ref(event: Any) -> RecordRef:
    message = event.message
    return RecordRef(message.topic, message.partition, message.offset, event.key)


class _Evaluator:
    """policy.classified -> document alerts, and matches for the window stage."""

    def __init__(
        self,
        *,
        producer: Producer,
        follower: SubscriptionFollower,
        alerts: Any,
        matches: Any,
        raised: Any,
        dead: DeadSender,
    ) -> None:
        self.producer, self.follower, self.alerts = producer, follower, alerts
        self.matches, self.raised, self.dead = matches, raised, dead

    async def handle(self, event: Any) -> None:
        await self.follower.ready.wait()
        try:
            if event.value is None:
                raise InvalidEvent("record has no value", reason="empty_record")
            doc = decode(event.value, DocumentClassified)
        except PolicywatchError as exc:
            await self.dead(
                event.key, dead_letter(_ref(event), event.value, exc, self.producer, STAGE)
            )
            return
        started = time.perf_counter()
        outcome = "no_match"
        for sub in self.follower.candidates(doc):
            if isinstance(sub.trigger, CommitmentTrigger):
                continue  # evaluated against the warehouse (ops.features.commitment_scan)
            if isinstance(sub.trigger, NewInitiativeTrigger):
                for candidate, found in matching_candidates(doc, sub.filter):
                    alert = new_initiative_alert(
                        sub,
                        doc,
                        candidate,
                        found,
                        raised_at=datetime.now(UTC),
                        producer=self.producer,
                    )
                    outcome = await self._publish_once(alert)
                continue
            match = match_document(doc, sub.filter)
            if match is None:
                continue
            document = alert_document(doc, match)
            if isinstance(sub.trigger, DocumentTrigger) and sub.digest == "none":
                outcome = await self._raise(sub, doc, document)
            else:
                observed = doc.document_observed_at or doc.observed_at
                published = doc.published_at
                value = {
                    "subscription_id": sub.subscription_id,
                    "document": document.model_dump(mode="json"),
                    "observed": observed.timestamp(),
                    "published": published.timestamp() if published else None,
                }
                await self.matches.send(key=sub.subscription_id.encode(), value=orjson.dumps(value))
                outcome = "matched"
        metrics.ALERT_EVALUATION_SECONDS.observe(time.perf_counter() - started)
        metrics.EVENTS_OUT.labels(STAGE, outcome).inc()

    async def _raise(self, sub: Subscription, doc: DocumentClassified, shown: AlertDocument) -> str:
        alert = document_alert(
            sub,
            shown,
            occurred_at=doc.occurred_at,
            raised_at=datetime.now(UTC),
            producer=self.producer,
            trace_id=doc.trace_id,
        )
        return await self._publish_once(alert)

    async def _publish_once(self, alert: AlertRaised) -> str:
        """Publish unless this worker raised the id before (the delivery role de-duplicates
        ids across workers and restarts: an id is delivered once)."""
        if self.raised.get(alert.alert_id) is not None:
            return "duplicate"
        await _publish(self.alerts, alert)
        self.raised[alert.alert_id] = alert.observed_at.isoformat().encode()
        return "raised"


class _Windows:
    """Per-subscription window and digest state (matches keyed by subscription)."""

    def __init__(
        self,
        *,
        producer: Producer,
        follower: SubscriptionFollower,
        alerts: Any,
        windows: Any,
        digests: Any,
        dead: DeadSender,
    ) -> None:
        self.producer, self.follower, self.alerts = producer, follower, alerts
        self.windows, self.digests, self.dead = windows, digests, dead

    async def handle(self, event: Any) -> None:
        await self.follower.ready.wait()
        try:
            data = orjson.loads(event.value or b"")
            if "tick" in data:
                await self._close_digests(event.message.partition)
                return
            sub_id = str(data["subscription_id"])
            published = data.get("published")
            seen = Observation(
                document_id=str(data["document"]["document_id"]),
                document=dict(data["document"]),
                observed=datetime.fromtimestamp(float(data["observed"]), UTC),
                published=datetime.fromtimestamp(float(published), UTC) if published else None,
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            error = InvalidEvent(f"malformed alert match: {exc}", reason="schema_violation")
            ref = _ref(event)
            await self.dead(
                event.key, dead_letter(ref, event.value, error, self.producer, WINDOW_STAGE)
            )
            return
        sub = self.follower.book.get(sub_id)
        if sub is None or not sub.active:
            metrics.EVENTS_OUT.labels(WINDOW_STAGE, "inactive").inc()
            return
        if isinstance(sub.trigger, VolumeTrigger | SpikeTrigger):
            await self._count(sub, sub.trigger, seen)
        elif sub.digest != "none":
            state = DigestState.from_json(self.digests.get(sub_id))
            state.partition = event.message.partition
            outcome = add(state, sub.digest, seen, datetime.now(UTC))
            self.digests[sub_id] = state.to_json()
            metrics.EVENTS_OUT.labels(WINDOW_STAGE, f"digest_{outcome}").inc()

    async def _count(
        self, sub: Subscription, trigger: VolumeTrigger | SpikeTrigger, seen: Observation
    ) -> None:
        state = WindowState.from_json(self.windows.get(sub.subscription_id))
        outcome, fired = observe(state, trigger, seen)
        self.windows[sub.subscription_id] = state.to_json()
        metrics.EVENTS_OUT.labels(WINDOW_STAGE, outcome).inc()
        for f in fired:
            alert = window_alert(
                sub,
                f.kind,
                (f.start, f.end),
                f.count,
                f.documents,
                raised_at=datetime.now(UTC),
                producer=self.producer,
                baseline=f.baseline,
                z=f.z,
            )
            await _publish(self.alerts, alert)

    async def _close_digests(self, partition: int) -> None:
        now = datetime.now(UTC)
        for sub_id, raw in list(self.digests.items()):
            state = DigestState.from_json(raw)
            if state.partition != partition:
                continue  # another partition's tick writes that key's changelog
            sub = self.follower.book.get(sub_id)
            if sub is None or sub.digest == "none":
                del self.digests[sub_id]
                continue
            closed = close_due(state, sub.digest, now)
            for digest in closed:
                alert = digest_alert(
                    sub,
                    digest.period,
                    (digest.start, digest.end),
                    digest.count,
                    digest.documents,
                    raised_at=now,
                    producer=self.producer,
                )
                await _publish(self.alerts, alert)
            if closed:
                self.digests[sub_id] = state.to_json()
