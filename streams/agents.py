"""Faust agents: decode -> core -> send | dead-letter, one record at a time.

Every record is handled inside a ``try``: an agent that raises stops consuming
without a word (faust-streaming/faust#175), so nothing may escape the loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import faust

from schemas.codec import encode
from schemas.envelope import Producer
from streams import metrics
from streams.app import WorkerConfig, seen_table_name
from streams.classify.classifier import Classifier
from streams.classify.stories import StoryIndex
from streams.pipeline import (
    STAGE,
    Classified,
    Dead,
    Duplicate,
    RecordRef,
    dedup_marker,
    process_document,
)
from streams.taxonomy import load_taxonomy

log = logging.getLogger(__name__)


FORCE_HEADER = "policywatch-force"


def _forced(event: Any) -> bool:
    """`policywatch replay --force` marks records to classify even if already seen."""
    headers = getattr(event, "headers", None) or {}
    items = headers.items() if isinstance(headers, dict) else headers
    return any(name == FORCE_HEADER for name, _ in items)


def register_agents(app: faust.App, config: WorkerConfig) -> None:
    classifier = Classifier(load_taxonomy(*config.taxonomy_paths))
    stories = StoryIndex()
    producer = Producer(name="policywatch-classify", version=config.version)
    raw: dict[str, Any] = {
        "key_type": bytes,
        "value_type": bytes,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }
    documents = app.topic(config.topics.documents, **raw)
    classified = app.topic(config.topics.classified, **raw)
    deadletter = app.topic(config.topics.deadletter, **raw)
    seen = app.Table(
        seen_table_name(), default=str, partitions=config.partitions, key_type=str, value_type=str
    )
    log.info("classifier %s (taxonomy %s)", classifier.version, classifier.taxonomy_version)

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
        started = time.perf_counter()
        forced = _forced(event)
        outcome = process_document(
            event.value,
            ref,
            classifier=classifier,
            seen_marker=seen[doc_key] if doc_key and not forced else None,
            stories=stories,
            producer=producer,
        )
        metrics.CLASSIFY_SECONDS.observe(time.perf_counter() - started)
        if isinstance(outcome, Classified):
            await classified.send(
                key=outcome.event.document_id.encode(), value=encode(outcome.event)
            )
            seen[doc_key] = dedup_marker(outcome.event.revision, classifier.version, ref)
            metrics.EVENTS_OUT.labels(STAGE, "classified").inc()
        elif isinstance(outcome, Duplicate):
            metrics.EVENTS_OUT.labels(STAGE, "duplicate").inc()
        elif isinstance(outcome, Dead):
            dead = outcome.event
            log.warning(
                "dead letter %s/%s@%s: %s: %s",
                ref.topic,
                ref.partition,
                ref.offset,
                dead.reason,
                dead.error,
            )
            await deadletter.send(key=key, value=encode(dead))
            metrics.DEADLETTERS.labels(STAGE, dead.reason).inc()
            metrics.EVENTS_OUT.labels(STAGE, "deadletter").inc()

    if config.ready_file is not None:
        ready_file = config.ready_file

        async def announce_ready() -> None:
            """Write the ready file once partitions are assigned (a probe, not a sleep)."""
            while not app.consumer.assignment():
                await asyncio.sleep(0.05)
            tmp = ready_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(dict(config.ready_info)), encoding="utf-8")
            tmp.replace(ready_file)
            log.info("classify worker ready with %d partitions", len(app.consumer.assignment()))

        app.task(announce_ready)
