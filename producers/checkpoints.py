"""Per-source checkpoints: what each URL looked like when we last handled it.

One JSON file per source under ``<data dir>/checkpoints/``, rewritten
atomically (temp file, fsync, rename). Per URL (canonical form) it keeps the
validators for a conditional GET, the revision last emitted and when it was
last seen. Callers record a document only after the broker acknowledged it,
and a feed or listing page only after every item on it was handled, so a
restart neither re-emits nor skips. A damaged file is set aside and reported;
the run starts afresh (re-emitted events carry the same ids, so nothing counts
twice downstream).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from producers.fetch_types import Validators
from producers.health import HealthMarks

log = logging.getLogger(__name__)
VERSION = 1
MAX_URLS = 20_000
_SAFE = re.compile(r"[^a-z0-9_.-]")


@dataclass(frozen=True)
class UrlState:
    etag: str | None = None
    last_modified: str | None = None
    revision: str | None = None
    document_id: str | None = None
    dead_reason: str | None = None
    last_seen: float = 0.0

    @property
    def validators(self) -> Validators | None:
        if not (self.etag or self.last_modified):
            return None
        return Validators(self.etag, self.last_modified)


@dataclass
class SourceCheckpoint:
    """The state of one source; ``path`` None keeps it in memory only (dry runs)."""

    source_id: str
    path: Path | None = None
    urls: dict[str, UrlState] = field(default_factory=dict)
    health: HealthMarks = field(default_factory=HealthMarks)
    damaged: str | None = None  # why the file on disk could not be read

    def get(self, url: str) -> UrlState | None:
        return self.urls.get(url)

    def update(self, url: str, **changes: Any) -> UrlState:
        state = replace(self.urls.get(url) or UrlState(), last_seen=time.time(), **changes)
        self.urls[url] = state
        return state

    def to_json(self) -> dict[str, Any]:
        urls = self.urls
        if len(urls) > MAX_URLS:  # forget what was seen longest ago
            keep = sorted(urls.items(), key=lambda kv: kv[1].last_seen, reverse=True)[:MAX_URLS]
            urls = self.urls = dict(keep)
        health = asdict(self.health)
        for key in ("last_success_at", "last_error_at"):
            health[key] = health[key].isoformat() if health[key] else None
        return {
            "version": VERSION,
            "source": self.source_id,
            "health": health,
            "urls": {url: asdict(state) for url, state in urls.items()},
        }

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.to_json(), handle, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _health(data: Any) -> HealthMarks:
    if not isinstance(data, dict):
        return HealthMarks()
    stamps = {
        key: datetime.fromisoformat(data[key]) if isinstance(data.get(key), str) else None
        for key in ("last_success_at", "last_error_at")
    }
    return HealthMarks(
        **stamps,
        last_error_reason=str(data.get("last_error_reason") or ""),
        last_error_message=str(data.get("last_error_message") or ""),
        documents_total=int(data.get("documents_total") or 0),
    )


class CheckpointStore:
    """The checkpoint files of every source in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, source_id: str) -> Path:
        return self.directory / f"{_SAFE.sub('_', source_id.lower())}.json"

    def load(self, source_id: str) -> SourceCheckpoint:
        path = self.path_for(source_id)
        if not path.exists():
            return SourceCheckpoint(source_id, path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError(f"unknown checkpoint version {data.get('version')!r}")
            urls = {url: UrlState(**state) for url, state in data["urls"].items()}
            return SourceCheckpoint(source_id, path, urls, _health(data.get("health")))
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            try:
                os.replace(path, aside)
            except OSError as move_error:
                log.error("cannot move %s aside: %s", path, move_error)
            log.error(
                "checkpoint %s is unreadable (%s); moved to %s, source %s starts afresh",
                path,
                exc,
                aside,
                source_id,
            )
            return SourceCheckpoint(source_id, path, damaged=f"{type(exc).__name__}: {exc}")
