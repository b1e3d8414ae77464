"""Build the Faust application from a frozen config; nothing happens at import.

Only this module and ``streams.agents`` import Faust.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faust

from schemas.topics import TopicNames

log = logging.getLogger(__name__)

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


def shorten_fetch_wait(wait_ms: int) -> None:
    """Make Faust's consumers wait at most ``wait_ms`` for a fetch answer.

    Faust fixes ``fetch_max_wait_ms=1500`` for its worker consumer. Tansu answers a
    fetch only when that wait expires, even when records arrived meanwhile, so every
    stage hop cost up to 1.5 s (measured with aiokafka: 380 ms vs 13 ms at 100 ms).
    Kafka answers as soon as data is there; a short wait only adds idle fetches.
    """
    from faust.transport.drivers import aiokafka as driver

    thread = driver.AIOKafkaConsumerThread
    create = getattr(thread, "_policywatch_create", None) or thread._create_worker_consumer

    def create_worker_consumer(self: Any, transport: Any) -> Any:
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = wait_ms  # read when the consumer starts
        return consumer

    thread._policywatch_create = create  # type: ignore[attr-defined]
    thread._create_worker_consumer = create_worker_consumer  # type: ignore[method-assign]


def seek_again_after_recovery() -> None:
    """Seek the input partitions to their committed offsets once more after Faust resumes them.

    Faust pauses a partition only by dropping what is fetched for it, and resumes a
    worker after table recovery in this order: resume the input partitions, seek them
    to their committed offsets, resume flow control, which empties every stream
    queue. Records fetched between the seek and that emptying are thrown away while
    the fetch position has passed them: after a restart with pending input, the first
    records of a partition were lost, or blocked every later commit of it (measured on
    Kafka: 1 of 8 pending documents lost in each of 3 kill -9 restarts; the race is
    faust-streaming/faust#596). A second seek after the emptying fetches them again.
    Records already queued by then are read twice, which every stage absorbs (the
    de-duplication table knows the record, downstream writes are idempotent).
    """
    from faust.tables.recovery import Recovery

    for name in ("on_recovery_completed", "_resume_streams"):
        original = getattr(Recovery, f"_policywatch_{name}", None) or getattr(Recovery, name)

        def with_second_seek(original: Any) -> Any:
            async def step(self: Any, generation_id: int = 0) -> None:
                await original(self, generation_id)
                consumer = self.app.consumer
                if self.app.consumer_generation_id == generation_id and consumer.assignment():
                    await consumer.perform_seek()

            return step

        setattr(Recovery, f"_policywatch_{name}", original)
        setattr(Recovery, name, with_second_seek(original))


def build_app(config: WorkerConfig) -> faust.App:
    """A Faust app with the classify agent registered; start it with ``faust.Worker``."""
    from streams.agents import register_agents

    shorten_fetch_wait(config.fetch_max_wait_ms)
    seek_again_after_recovery()
    compression: Any = None if config.compression == "none" else config.compression
    (config.data_dir / "faust").mkdir(parents=True, exist_ok=True)
    app = faust.App(
        config.app_id,
        broker=[f"kafka://{host}" for host in config.bootstrap.split(",")],
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        datadir=str(config.data_dir / "faust"),
        topic_partitions=config.partitions,
        topic_replication_factor=1,
        topic_allow_declare=False,
        producer_compression_type=compression,
        producer_acks=-1,
        producer_linger_ms=5,
        broker_commit_every=1000,
        broker_commit_interval=1.0,
        consumer_auto_offset_reset="earliest",
        stream_wait_empty=False,
        table_standby_replicas=0,
        # Tansu completes a group join after half the session timeout (measured: 10 s -> 5 s,
        # 60 s, Faust's default, -> 30 s), so the session timeout is kept short.
        broker_session_timeout=config.session_timeout_s,
        broker_rebalance_timeout=config.session_timeout_s,
        broker_heartbeat_interval=min(1.0, config.session_timeout_s / 5),
        logging_config=None,
    )
    register_agents(app, config)
    return app
