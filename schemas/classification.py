"""DocumentClassified: one per (document revision, classifier_version)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.documents import DateSource
from schemas.envelope import Event, UtcDatetime


class Evidence(BaseModel):
    """A span of the document body: ``body[start:end] == text``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end < self.start:
            raise ValueError(f"evidence end {self.end} is before start {self.start}")
        return self


class InitiativeLabel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = ""
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()


class ActorLabel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = ""
    kind: Literal["person", "organisation"] = "person"
    role: str | None = None
    country: str | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()


class InitiativeCandidate(BaseModel):
    """A named initiative the taxonomy does not have ("India–Japan AI Dialogue" before
    anyone listed it): its name as written, who is party to it, and where it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(description="stable id of the name: 'cand:' + its normalised form")
    name: str = Field(max_length=300)
    parties: tuple[str, ...] = Field(default=(), description="countries in the same sentences")
    actors: tuple[str, ...] = Field(default=(), description="actor ids in the same sentences")
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    evidence: tuple[Evidence, ...] = ()


class Occurrence(BaseModel):
    """A report that an initiative's event took place (a meeting held, an agreement
    signed, an exercise conducted) on ``on``: what fulfils an earlier commitment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    initiative: str | None = None
    candidate: str | None = Field(default=None, description="a candidate's key, if no initiative")
    kind: str = Field(default="event", max_length=50)
    on: date
    evidence: tuple[Evidence, ...] = ()


class Commitment(BaseModel):
    """A future-dated undertaking normalised to a due window."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    initiative: str | None = None
    candidate: str | None = Field(default=None, description="a candidate's key, if no initiative")
    action: str = ""
    due_from: date
    due_to: date
    due_text: str
    evidence: tuple[Evidence, ...] = ()

    @model_validator(mode="after")
    def _window(self) -> Commitment:
        if self.due_to < self.due_from:
            raise ValueError(f"due_to {self.due_to} is before due_from {self.due_from}")
        return self


class Snippet(BaseModel):
    """The first evidence of a label or keyword in its sentence: alerts carry no body."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["initiative", "actor", "keyword"]
    about: str = Field(description="the label id, or the keyword as subscribed")
    text: str = Field(max_length=300)


class DocumentClassified(Event):
    """Labels of one document revision under one classifier version, with evidence."""

    EVENT_TYPE = "document.classified"
    SCHEMA_VERSION = 1

    event_type: Literal["document.classified"] = "document.classified"
    schema_version: Literal[1] = 1

    document_id: str
    revision: str
    classifier_version: str
    taxonomy_version: str
    source_id: str
    source_kind: str
    title: str = Field(default="", max_length=2000)
    published_at: UtcDatetime | None = None
    relevant: bool
    initiatives: tuple[InitiativeLabel, ...] = ()
    actors: tuple[ActorLabel, ...] = ()
    countries: tuple[str, ...] = ()
    story_id: str | None = None
    commitments: tuple[Commitment, ...] = ()
    truncated: bool = False
    # Optional since schema_version 1 was released; alerts need what only the classify stage sees.
    url: str | None = Field(default=None, max_length=4096)
    language: str | None = Field(default=None, max_length=16)
    document_observed_at: UtcDatetime | None = Field(
        default=None, description="when the document was first observed; window alerts count by it"
    )
    keyword_hits: tuple[str, ...] = Field(
        default=(), description="subscribed keywords found in the title or body (normalised)"
    )
    snippets: tuple[Snippet, ...] = ()
    date_source: DateSource | None = Field(
        default=None,
        description="where published_at came from (None: written before it was recorded)",
    )
    candidates: tuple[InitiativeCandidate, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()
