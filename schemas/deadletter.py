"""DeadLetter: what could not be processed, why, and the original bytes."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import Field

from schemas.envelope import Event


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
