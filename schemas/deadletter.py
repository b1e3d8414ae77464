"""DeadLetter: what could not be processed, why, and the original bytes."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import Field

from schemas.envelope import Event, Producer, utcnow
from schemas.errors import PolicywatchError
from schemas.ids import event_id_for

#: Original bytes kept in a dead letter; a larger record is truncated (its error says why).
MAX_ORIGINAL_BYTES = 1_048_576


class DeadLetter(Event):
    """A record a stage gave up on. Nothing is dropped silently."""

    EVENT_TYPE = "deadletter.recorded"
    SCHEMA_VERSION = 1

    event_type: Literal["deadletter.recorded"] = "deadletter.recorded"
    schema_version: Literal[1] = 1

    stage: str = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=1, max_length=100)
    error: str = Field(max_length=4000)
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    original_key: str | None = Field(default=None, description="base64 of the original key")
    original_value: str = Field(default="", description="base64 of the original value")

    def original_bytes(self) -> bytes:
        return base64.b64decode(self.original_value)


def encode_bytes(raw: bytes | None) -> str | None:
    return None if raw is None else base64.b64encode(raw).decode("ascii")


def dead_letter_for(
    *,
    stage: str,
    error: PolicywatchError,
    producer: Producer,
    origin: str,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
    value: bytes | None = None,
    identity: tuple[str, ...] | None = None,
    max_original_bytes: int = MAX_ORIGINAL_BYTES,
) -> DeadLetter:
    """The dead letter of one failure: the one constructor every stage uses.

    ``origin`` (``topic/partition@offset`` or a file location) with the stage makes its
    id deterministic, so the same failure replayed is the same record; ``identity``
    replaces the pair where something else names the failure (a source and an
    article's URL). The original value is kept up to ``max_original_bytes``."""
    now = utcnow()
    event_id = event_id_for(*(identity or (origin, stage)), DeadLetter.EVENT_TYPE, error.reason)
    return DeadLetter(
        event_id=event_id,
        occurred_at=now,
        observed_at=now,
        producer=producer,
        trace_id=event_id,
        stage=stage,
        reason=error.reason[:100],
        error=str(error)[:4000],
        topic=topic,
        partition=partition,
        offset=offset,
        original_key=encode_bytes(key),
        original_value=encode_bytes(value[:max_original_bytes] if value else value) or "",
    )
