"""The story stage: one story index for documents of every partition.

Documents are partitioned by id, so two reports of one event usually reach
different classify workers. The classify stage therefore sends each relevant
classification, with its story features, to a single-partition topic; the story
stage assigns the story_id from one index and publishes the classification. Its
index lives in a Faust table (changelog-backed), so a restarted worker rebuilds
it instead of starting every story afresh. Pure: the wire format and the step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from schemas.classification import DocumentClassified
from schemas.codec import decode
from schemas.errors import InvalidEvent
from streams.classify.stories import StoryFeatures, StoryIndex

STAGE = "stories"


@dataclass(frozen=True)
class StoryRequest:
    classified: DocumentClassified
    published: datetime
    features: StoryFeatures


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
        features = StoryFeatures.from_json(data["features"])
        published = datetime.fromtimestamp(float(data["published"]), UTC)
        body = orjson.dumps(data["classified"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise InvalidEvent(f"malformed story request: {exc}", reason="schema_violation") from exc
    return StoryRequest(decode(body, DocumentClassified), published, features)


def assign_story(
    index: StoryIndex,
    request: StoryRequest,
    store: Callable[[str, dict[str, Any] | None], None],
) -> DocumentClassified:
    """Assign the story, mirror the index's changes into ``store`` (None deletes a row),
    and return the classification to publish."""
    document_id = request.classified.document_id
    story_id = index.assign_features(document_id, request.published, request.features)
    for removed in index.drain_removed():
        store(removed, None)
    member = index.member(document_id)
    if member is not None:
        store(document_id, member)
    return request.classified.model_copy(update={"story_id": story_id})
