"""The worker's frozen config and the names of its topics and tables; no Faust.

The app (``streams.app``), its agents (``streams.agents``, ``streams.alert_agents``)
and ops (which creates the topics up front) share these, so none of them imports
another for a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schemas.topics import TopicNames

#: Topics carry bytes: the codec in schemas/ decodes them, so one bad record is a dead
#: letter and not a serializer error inside Faust.
RAW: dict[str, Any] = {
    "key_type": bytes,
    "value_type": bytes,
    "key_serializer": "raw",
    "value_serializer": "raw",
}


@dataclass(frozen=True)
class WorkerConfig:
    bootstrap: str
    app_id: str = "policywatch"
    partitions: int = 4
    topics: TopicNames = field(default_factory=TopicNames)
    taxonomy_paths: tuple[Path, ...] = ()
    data_dir: Path = Path("./var")
    compression: str = "lz4"
    version: str = "0"
    ready_file: Path | None = None
    ready_info: tuple[tuple[str, str], ...] = ()
    session_timeout_s: float = 10.0
    taxonomy_reload_s: float = 30.0
    fetch_max_wait_ms: int = 100
    alert_tick_s: float = 15.0


def seen_table_name() -> str:
    return "seen-revisions"


def changelog_topics(config: WorkerConfig) -> list[str]:
    """Internal topics the app needs; created up front with the source's partitions."""
    tables = [seen_table_name(), *alert_table_names()]
    return [f"{config.app_id}-{name}-changelog" for name in tables]


def alert_table_names() -> list[str]:
    """Raised alert ids (by document), window state and digest state (by subscription)."""
    return ["raised-alerts", "alert-windows", "alert-digests"]


def alert_matches_topic(config: WorkerConfig) -> str:
    return f"{config.app_id}-alert-matches"


def partitioned_topics(config: WorkerConfig) -> list[str]:
    """Internal topics with the source's partitions that are not compacted."""
    return [alert_matches_topic(config)]


def story_table_name() -> str:
    return "story-members"


def story_requests_topic(config: WorkerConfig) -> str:
    return f"{config.app_id}-story-requests"


def story_changelog_topic(config: WorkerConfig) -> str:
    return f"{config.app_id}-{story_table_name()}-changelog"


def single_partition_topics(config: WorkerConfig) -> list[str]:
    """Internal topics of the story stage: one partition, so one index sees every document."""
    return [story_requests_topic(config), story_changelog_topic(config)]
