"""sources.yaml: which feeds and official sites to follow, validated before anything runs.

A source has an ``id``, a ``kind`` (news | official_statement) and either a
``feed`` (RSS/Atom URL) or a ``listing`` (page of links + CSS selectors).
``defaults`` apply to every source that does not set the field itself. Errors
name the file, line and field: ``sources.yaml:12: sources[1] (mea).listing:
link_selector: Field required``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas.documents import SourceKind
from schemas.errors import ConfigError

_ID = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|m|h)\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


class DocumentType(StrEnum):
    AUTO = "auto"
    PRESS_RELEASE = "press_release"
    JOINT_STATEMENT = "joint_statement"
    BRIEFING = "briefing"
    SPEECH = "speech"
    STATEMENT = "statement"


def parse_duration(value: Any) -> timedelta:
    """``90``, ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"`` -> timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration; write e.g. 90s, 15m, 2h")
    return timedelta(seconds=float(match[1]) * _UNIT_S[match[2]])


def parse_rate(value: Any) -> float:
    """``2`` (per second), ``"2/s"``, ``"30/m"``, ``"100/h"`` -> requests per second."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        pass
    match = _RATE.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a rate; write e.g. 1/s, 30/m or 0.5")
    return float(match[1]) / _UNIT_S[match[2]]


def _http_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.strip()


def _selector(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        CSSSelector(value)
    except SelectorError as exc:
        raise ValueError(f"{value!r} is not a valid CSS selector ({exc})") from exc
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ListingConfig(_Model):
    """A page that links to statements, with the selectors that find them."""

    url: str
    link_selector: str = Field(description="CSS selector of the <a> elements linking articles")
    next_selector: str | None = Field(default=None, description="CSS selector of 'next page'")
    max_pages: int = Field(default=1, ge=1, le=50)
    content_selector: str | None = None
    title_selector: str | None = None
    date_selector: str | None = None
    document_type: DocumentType = DocumentType.AUTO

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)

    @field_validator(
        "link_selector", "next_selector", "content_selector", "title_selector", "date_selector"
    )
    @classmethod
    def _selectors(cls, value: str | None) -> str | None:
        return _selector(value)


class SourceConfig(_Model):
    id: str = Field(pattern=_ID)
    kind: SourceKind
    name: str = ""
    country: str | None = Field(default=None, max_length=8)
    language: str = Field(default="en", max_length=16)
    feed: str | None = None
    listing: ListingConfig | None = None
    interval: timedelta = Field(default=timedelta(minutes=15))
    rate_limit: float | None = Field(default=None, description="requests/s to its host")
    concurrency: int | None = Field(default=None, ge=1, le=16)
    max_items: int = Field(default=100, ge=1, le=10_000)
    enabled: bool = True

    @field_validator("feed")
    @classmethod
    def _feed(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> timedelta:
        interval = parse_duration(value)
        if interval < timedelta(seconds=1):
            raise ValueError("interval must be at least 1s")
        return interval

    @field_validator("rate_limit", mode="before")
    @classmethod
    def _rate(cls, value: Any) -> float | None:
        if value is None:
            return None
        rate = parse_rate(value)
        if not 0 < rate <= 100:
            raise ValueError("rate_limit must be above 0 and at most 100 requests/s")
        return rate

    @model_validator(mode="after")
    def _one_input(self) -> SourceConfig:
        if (self.feed is None) == (self.listing is None):
            raise ValueError(
                "give exactly one of 'feed' (RSS/Atom URL) or 'listing' (page + selectors)"
            )
        return self

    @property
    def entry_url(self) -> str:
        return self.feed if self.feed is not None else self.listing.url  # type: ignore[union-attr]

    @property
    def host(self) -> str:
        return urlsplit(self.entry_url).hostname or ""


class SourcesFile(_Model):
    version: int = Field(default=1, ge=1, le=1)
    defaults: dict[str, Any] = Field(default_factory=dict)
    sources: list[SourceConfig] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _apply_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        defaults = data.get("defaults") or {}
        allowed = {"interval", "rate_limit", "concurrency", "max_items", "language", "country"}
        if not isinstance(defaults, dict) or set(defaults) - allowed:
            raise ValueError(f"defaults may set only {sorted(allowed)}")
        sources = data.get("sources")
        if isinstance(sources, list) and defaults:
            data = {
                **data,
                "sources": [{**defaults, **s} if isinstance(s, dict) else s for s in sources],
            }
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"source id {source.id!r} is used twice; ids must be unique")
            seen.add(source.id)
        return self

    def select(self, source_id: str | None) -> list[SourceConfig]:
        """Every enabled source, or the one named (enabled or not)."""
        if source_id is None:
            return [s for s in self.sources if s.enabled]
        found = [s for s in self.sources if s.id == source_id]
        if not found:
            known = ", ".join(s.id for s in self.sources)
            raise ConfigError(f"no source {source_id!r} in the sources file; known: {known}")
        return found


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    node, line = root, None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            node = None
    return node.start_mark.line + 1 if node is not None else line


def _describe(loc: tuple[int | str, ...], data: Any) -> str:
    parts: list[str] = []
    for index, key in enumerate(loc):
        if isinstance(key, int):
            parts[-1] += f"[{key}]"
            if loc[:index] == ("sources",) and isinstance(data, dict):
                entries = data.get("sources") or []
                entry = entries[key] if key < len(entries) else None
                if isinstance(entry, dict) and entry.get("id"):
                    parts[-1] += f" ({entry['id']})"
        else:
            parts.append(str(key))
    return ".".join(parts) or "<file>"


def load_sources(path: Path) -> SourcesFile:
    """Read and validate a sources file; ConfigError lists every problem with its line."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the sources file: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a 'sources:' list")
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            line = _line_of(root, loc)
            where = f"{path}:{line}" if line else str(path)
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {_describe(loc, data)}: {message}")
        raise ConfigError("invalid sources file:\n  " + "\n  ".join(problems)) from exc
