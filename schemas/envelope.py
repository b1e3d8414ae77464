"""The envelope every event carries, and the base class of all events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _aware_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC so that every timestamp compares."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware_utc)]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Producer(BaseModel):
    """Which program emitted the event."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    version: str = Field(min_length=1, max_length=50)


class Event(BaseModel):
    """Envelope fields shared by every event.

    ``occurred_at`` is when it happened in the world (e.g. published);
    ``observed_at`` is when policywatch saw it. Trends use ``occurred_at`` so a
    backfill does not distort the present.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    EVENT_TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: str = Field(min_length=1, max_length=64)
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: UtcDatetime
    observed_at: UtcDatetime
    producer: Producer
    trace_id: str = Field(min_length=1, max_length=64)
