"""AlertRaised and AlertDelivery: what a subscription was told, and each attempt to tell it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.envelope import Event, UtcDatetime

TriggerKind = Literal["document", "volume", "spike", "commitment", "digest", "new_initiative"]
ChannelKind = Literal["webhook", "slack", "email"]


class AlertLabel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = ""
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class AlertDocument(BaseModel):
    """One document behind an alert, with the evidence an analyst reads first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document_id: str
    revision: str = ""
    title: str = Field(default="", max_length=2000)
    url: str | None = None
    source_id: str = ""
    published_at: UtcDatetime | None = None
    initiatives: tuple[AlertLabel, ...] = ()
    actors: tuple[AlertLabel, ...] = ()
    snippets: tuple[str, ...] = Field(default=(), description="evidence in context, <= 300 chars")


class AlertCommitment(BaseModel):
    """The commitment a commitment alert is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    document_id: str
    initiative: str | None = None
    candidate: str | None = Field(default=None, description="a candidate's key, if no initiative")
    action: str = ""
    due_from: date
    due_to: date
    due_text: str
    state: Literal["due_soon", "overdue"]


class AlertCandidate(BaseModel):
    """The named initiative a new_initiative alert is about (not in the taxonomy)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str = Field(max_length=300)
    parties: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    evidence: tuple[str, ...] = Field(default=(), description="sentences naming it, <= 300 chars")


class AlertRaised(Event):
    """A subscription's trigger fired; ``alert_id`` is deterministic (see schemas.ids)."""

    EVENT_TYPE = "alert.raised"
    SCHEMA_VERSION = 1

    event_type: Literal["alert.raised"] = "alert.raised"
    schema_version: Literal[1] = 1

    alert_id: str = Field(min_length=1, max_length=64)
    subscription_id: str = Field(min_length=1, max_length=64)
    subscription_name: str = ""
    trigger: TriggerKind
    channel: ChannelKind
    title: str = Field(max_length=500)
    summary: str = Field(default="", max_length=4000)
    window_start: UtcDatetime | None = None
    window_end: UtcDatetime | None = None
    count: int = Field(default=1, ge=0, description="matching documents behind the alert")
    baseline: float | None = Field(default=None, description="spike: mean hourly count")
    documents: tuple[AlertDocument, ...] = Field(default=(), max_length=50)
    commitment: AlertCommitment | None = None
    candidate: AlertCandidate | None = None


DeliveryStatus = Literal["delivered", "retrying", "failed", "skipped"]


class AlertDelivery(Event):
    """One attempt to deliver one alert; ``failed`` is final (retries exhausted or refused)."""

    EVENT_TYPE = "alert.delivery"
    SCHEMA_VERSION = 1

    event_type: Literal["alert.delivery"] = "alert.delivery"
    schema_version: Literal[1] = 1

    alert_id: str = Field(min_length=1, max_length=64)
    subscription_id: str = Field(min_length=1, max_length=64)
    channel: ChannelKind
    attempt: int = Field(ge=1)
    status: DeliveryStatus
    endpoint: str = Field(default="", description="host only; never a path, token or address")
    http_status: int | None = None
    error: str = Field(default="", max_length=2000)
    latency_ms: float = Field(default=0.0, ge=0)
    next_attempt_at: UtcDatetime | None = None
