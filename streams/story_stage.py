"""The story stage: one story index for documents of every partition.

Documents are partitioned by id, so two reports of one event usually reach
different classify workers. The classify stage therefore sends each relevant
classification, with its story features, to a single-partition topic; the story
stage assigns the story_id from one index and publishes the classification. Its
index lives in a Faust table (changelog-backed), so a restarted worker rebuilds
it instead of starting every story afresh. Pure: the wire format and the step.

The stage is one partition, so every document passes through one process: it forwards
the classification the classify stage validated and encoded as JSON, setting only its
``story_id``, rather than validating the whole event again (a quarter of a millisecond
per document, on the one serial step). It checks what it reads itself (the event type,
the document id, the features); the sink validates every classification it stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from schemas.classification import DocumentClassified
from schemas.errors import InvalidEvent
from streams.classify.stories import StoryFeatures, StoryIndex

STAGE = "stories"


@dataclass(frozen=True)
class StoryRequest:
    document_id: str
    #: the classification as the classify stage encoded it (a DocumentClassified's JSON)
    classified: dict[str, Any]
    published: datetime
    features: StoryFeatures


@dataclass(frozen=True)
class Assigned:
    """A classification with its story, encoded for ``policy.classified``."""

    document_id: str
    story_id: str
    value: bytes


def encode_request(classified: DocumentClassified, features: StoryFeatures) -> bytes:
    published = classified.published_at or classified.occurred_at
    return orjson.dumps(
        {
            "classified": classified.model_dump(mode="json"),
            "published": published.timestamp(),
            "features": features.to_json(),
        }
    )


def decode_request(raw: bytes | None) -> StoryRequest:
    """Parse a request; anything malformed is an InvalidEvent (a dead letter's reason)."""
    if raw is None:
        raise InvalidEvent("story request has no value", reason="empty_record")
    try:
        data: Any = orjson.loads(raw)
        classified = data["classified"]
        features = StoryFeatures.from_json(data["features"])
        published = datetime.fromtimestamp(float(data["published"]), UTC)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidEvent(f"malformed story request: {exc}", reason="schema_violation") from exc
    if not isinstance(classified, dict):
        raise InvalidEvent("story request: classified is not an object", reason="schema_violation")
    event_type = classified.get("event_type")
    if (event_type, classified.get("schema_version")) != (DocumentClassified.EVENT_TYPE, 1):
        raise InvalidEvent(
            f"story request: expected {DocumentClassified.EVENT_TYPE} v1, got {event_type!r}",
            reason="schema_violation",
        )
    document_id = classified.get("document_id")
    if not isinstance(document_id, str) or not document_id:
        raise InvalidEvent(
            "story request: classified has no document_id", reason="schema_violation"
        )
    return StoryRequest(document_id, classified, published, features)


def assign_story(
    index: StoryIndex,
    request: StoryRequest,
    store: Callable[[str, dict[str, Any] | None], None],
) -> Assigned:
    """Assign the story, mirror the index's changes into ``store`` (None deletes a row),
    and return the classification to publish."""
    document_id = request.document_id
    story_id = index.assign_features(document_id, request.published, request.features)
    for removed in index.drain_removed():
        store(removed, None)
    member = index.member(document_id)
    if member is not None:
        store(document_id, member)
    value = orjson.dumps(request.classified | {"story_id": story_id})
    return Assigned(document_id, story_id, value)
