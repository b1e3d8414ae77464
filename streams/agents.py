"""Faust agents: decode -> core -> send | dead-letter, one record at a time.

Two stages: ``classify-documents`` (partitioned like ``policy.documents``)
classifies; ``assign-stories`` (one partition, so one index sees every
document) gives relevant documents their story and publishes them. Every record
is handled inside a ``try``: an agent that raises stops consuming without a word
(faust-streaming/faust#175), so nothing may escape the loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import faust
import orjson

from schemas.codec import encode
from schemas.deadletter import DeadLetter
from schemas.envelope import Producer
from schemas.errors import PolicywatchError
from streams import metrics
from streams.alert_agents import register_alert_agents
from streams.alerts.keywords import KeywordIndex
from streams.classify.classifier import Classifier
from streams.classify.stories import StoryIndex
from streams.followed_topic import TopicReaderFactory
from streams.pipeline import (
    STAGE,
    Classified,
    Dead,
    Duplicate,
    RecordRef,
    dead_letter,
    dedup_marker,
    process_document,
)
from streams.story_stage import STAGE as STORY_STAGE
from streams.story_stage import assign_story, decode_request, encode_request
from streams.taxonomy import load_taxonomy
from streams.taxonomy.reload import TaxonomyWatcher
from streams.topics import (
    RAW,
    WorkerConfig,
    seen_table_name,
    story_requests_topic,
    story_table_name,
)

log = logging.getLogger(__name__)


FORCE_HEADER = "policywatch-force"
BOOK_WAIT_S = 30.0


def _forced(event: Any) -> bool:
    """`policywatch replay --force` marks records to classify even if already seen."""
    headers = getattr(event, "headers", None) or {}
    items = headers.items() if isinstance(headers, dict) else headers
    return any(name == FORCE_HEADER for name, _ in items)


@dataclass
class Stage:
    """What the agents share: topics, the producer identity, the current classifier."""

    app: faust.App
    config: WorkerConfig
    producer: Producer
    classifier: Classifier
    classified: Any
    deadletter: Any
    story_requests: Any
    keywords: Callable[[], KeywordIndex | None] = lambda: None  # the subscribed keywords
    #: set once the subscription book is read up to its end at start
    subscriptions_ready: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for_subscriptions(self) -> None:
        """Keyword hits are recorded at classification: a document classified before the
        book is read would miss the subscriptions' keywords for good (seen after every
        restart with pending input). Bounded, so a missing topic cannot stop classifying."""
        if self.subscriptions_ready.is_set():
            return
        try:
            await asyncio.wait_for(self.subscriptions_ready.wait(), BOOK_WAIT_S)
        except TimeoutError:
            log.warning(
                "subscription book not read after %.0fs; classifying without keyword hits",
                BOOK_WAIT_S,
            )
            self.subscriptions_ready.set()

    async def dead(self, key: bytes | None, dead: DeadLetter) -> None:
        await self.deadletter.send(key=key, value=encode(dead))
        metrics.DEADLETTERS.labels(dead.stage, dead.reason).inc()
        metrics.EVENTS_OUT.labels(dead.stage, "deadletter").inc()


def register_agents(
    app: faust.App, config: WorkerConfig, subscriptions: TopicReaderFactory
) -> None:
    stage = Stage(
        app=app,
        config=config,
        producer=Producer(name="policywatch-classify", version=config.version),
        classifier=Classifier(load_taxonomy(*config.taxonomy_paths)),
        classified=app.topic(config.topics.classified, **RAW),
        deadletter=app.topic(config.topics.deadletter, **RAW),
        story_requests=app.topic(story_requests_topic(config), partitions=1, **RAW),
    )
    log.info(
        "classifier %s (taxonomy %s)", stage.classifier.version, stage.classifier.taxonomy_version
    )
    follower = register_alert_agents(app, config, stage.dead, subscriptions)
    stage.keywords = follower.keywords
    stage.subscriptions_ready = follower.ready
    _register_classify(stage)
    _register_stories(stage)
    _register_reload(stage)
    if config.ready_file is not None:
        _register_ready(stage)


def _register_classify(stage: Stage) -> None:
    app, config = stage.app, stage.config
    documents = app.topic(config.topics.documents, **RAW)
    seen = app.Table(
        seen_table_name(), default=str, partitions=config.partitions, key_type=str, value_type=str
    )

    @app.agent(documents, name="classify-documents")
    async def classify_documents(stream: Any) -> None:
        async for event in stream.events():
            metrics.EVENTS_IN.labels(STAGE).inc()
            try:
                await _handle(event)
            except Exception:  # never let one record stop the agent
                log.exception("classify agent failed on a record; continuing")
                metrics.EVENTS_OUT.labels(STAGE, "error").inc()

    async def _handle(event: Any) -> None:
        message = event.message
        key: bytes | None = event.key
        doc_key = key.decode("utf-8", "replace") if key else ""
        ref = RecordRef(message.topic, message.partition, message.offset, key)
        await stage.wait_for_subscriptions()
        classifier = stage.classifier  # one version for the whole record, even if reloaded
        started = time.perf_counter()
        outcome = process_document(
            event.value,
            ref,
            classifier=classifier,
            seen_marker=seen[doc_key] if doc_key and not _forced(event) else None,
            stories=None,
            producer=stage.producer,
            story_stage=True,
            keywords=stage.keywords(),
        )
        metrics.CLASSIFY_SECONDS.observe(time.perf_counter() - started)
        if isinstance(outcome, Classified):
            document_key = outcome.event.document_id.encode()
            if outcome.story_features is not None:
                value = encode_request(outcome.event, outcome.story_features)
                await stage.story_requests.send(key=document_key, value=value)
            else:
                await stage.classified.send(key=document_key, value=encode(outcome.event))
                metrics.EVENTS_OUT.labels(STAGE, "classified").inc()
            seen[doc_key] = dedup_marker(outcome.event.revision, classifier.version, ref)
        elif isinstance(outcome, Duplicate):
            metrics.EVENTS_OUT.labels(STAGE, "duplicate").inc()
        elif isinstance(outcome, Dead):
            log.warning(
                "dead letter %s/%s@%s: %s: %s",
                ref.topic,
                ref.partition,
                ref.offset,
                outcome.event.reason,
                outcome.event.error,
            )
            await stage.dead(key, outcome.event)


def _register_stories(stage: Stage) -> None:
    """The story stage; its index is mirrored into a changelog-backed table."""
    app = stage.app
    stories = StoryIndex()
    members = app.Table(story_table_name(), partitions=1, key_type=str, value_type=bytes)
    restored = False

    def store(document_id: str, member: dict[str, Any] | None) -> None:
        if member is None:
            members.pop(document_id, None)
        else:
            members[document_id] = orjson.dumps(member)

    @app.agent(stage.story_requests, name="assign-stories")
    async def assign_stories(stream: Any) -> None:
        async for event in stream.events():
            metrics.EVENTS_IN.labels(STORY_STAGE).inc()
            try:
                await _assign(event)
            except Exception:  # never let one record stop the agent
                log.exception("story agent failed on a record; continuing")
                metrics.EVENTS_OUT.labels(STORY_STAGE, "error").inc()

    async def _assign(event: Any) -> None:
        nonlocal restored
        if not restored:  # the table is recovered from its changelog before the first record
            unreadable = _rebuild_index(stories, members.values())
            restored = True
            log.info(
                "story index rebuilt with %d documents (%d unreadable rows left out)",
                len(stories),
                unreadable,
            )
        message = event.message
        try:
            request = decode_request(event.value)
        except PolicywatchError as exc:
            ref = RecordRef(message.topic, message.partition, message.offset, event.key)
            dead = dead_letter(ref, event.value, exc, stage.producer, STORY_STAGE)
            await stage.dead(event.key, dead)
            return
        result = assign_story(stories, request, store)
        await stage.classified.send(key=result.document_id.encode(), value=result.value)
        metrics.EVENTS_OUT.labels(STAGE, "classified").inc()
        metrics.EVENTS_OUT.labels(STORY_STAGE, "assigned").inc()


def _rebuild_index(stories: StoryIndex, rows: Iterable[bytes]) -> int:
    """Load the table's rows into the index; a row this version cannot read (written by
    another version, or damaged) is left out and counted, so one row cannot keep the
    stage from starting. Returns how many were left out."""
    unreadable = 0
    for value in rows:
        try:
            stories.load_member(orjson.loads(value))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            unreadable += 1
    stories.drain_removed()
    return unreadable


def _register_reload(stage: Stage) -> None:
    """Poll the user's taxonomy files; a valid change swaps the classifier."""
    paths = stage.config.taxonomy_paths
    if not paths or stage.config.taxonomy_reload_s <= 0:
        return
    watcher = TaxonomyWatcher(paths, load_taxonomy)

    interval = stage.config.taxonomy_reload_s

    async def reload_taxonomy() -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                # reading the files and building the classifier (automata over every alias:
                # seconds for a large taxonomy) run in a thread, so the agents keep going
                built = await asyncio.to_thread(_load_and_build, watcher)
                _swap_classifier(stage, watcher, built)
            except Exception:  # the loop must survive anything a reload does
                log.exception("taxonomy reload failed; keeping the current classifier")

    stage.app.task(reload_taxonomy)


def _load_and_build(watcher: TaxonomyWatcher) -> Classifier | None:
    """Off the event loop: the changed taxonomy's classifier (validated), else None."""
    taxonomy = watcher.poll()
    return None if taxonomy is None else Classifier(taxonomy)


def _swap_classifier(stage: Stage, watcher: TaxonomyWatcher, built: Classifier | None) -> None:
    """On the event loop: the next record is classified with the new classifier."""
    if built is None:
        metrics.TAXONOMY_UP.set(0 if watcher.last_error else 1)
        return
    previous = stage.classifier.version
    stage.classifier = built
    metrics.TAXONOMY_UP.set(1)
    metrics.TAXONOMY_RELOADS.inc()
    log.info(
        "taxonomy reloaded: classifier %s -> %s (taxonomy %s)",
        previous,
        stage.classifier.version,
        stage.classifier.taxonomy_version,
    )


def _register_ready(stage: Stage) -> None:
    app, config = stage.app, stage.config
    ready_file = config.ready_file
    assert ready_file is not None

    async def announce_ready() -> None:
        """Write the ready file once partitions are assigned (a probe, not a sleep)."""
        while not app.consumer.assignment():
            await asyncio.sleep(0.05)
        tmp = ready_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(dict(config.ready_info)), encoding="utf-8")
        tmp.replace(ready_file)
        log.info("classify worker ready with %d partitions", len(app.consumer.assignment()))

    app.task(announce_ready)
