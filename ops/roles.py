"""Each long-running role as a function of Settings: what `policywatch <role>` runs.

The supervisor starts each role as its own process, exactly as docker-compose
would; a role announces readiness by writing its ready file (JSON endpoints).
"""

from __future__ import annotations

import logging
import secrets
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ops.runfile import require_run_file, write_json_atomic
from ops.settings import Settings
from ops.version import policywatch_version
from producers.spool import Spool
from schemas.errors import ConfigError

if TYPE_CHECKING:
    from sinks.warehouse.read_policy import ReadLimits

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).parent / "clickhouse"


def resolve_bootstrap(settings: Settings) -> str:
    """The configured broker, or the running embedded stack's."""
    if settings.kafka.bootstrap:
        return settings.kafka.bootstrap
    run = require_run_file(settings.run_file)
    return str(run["broker"]["bootstrap"])


def ingest_spool(settings: Settings) -> Spool | None:
    """The spool ``ingest`` writes to: on for an embedded stack whose broker is in memory.

    A durable broker (Kafka) keeps what it acknowledged across a crash of the stack,
    so documents sent to it need no second copy; neither do those sent to a
    configured broker, which is the operator's to keep.
    """
    from ops.runfile import read_run_file

    mode = settings.ingest.spool
    if mode == "off" or (mode == "auto" and settings.kafka.bootstrap):
        return None
    if mode == "auto":
        run = read_run_file(settings.run_file)
        if run is not None and run.get("broker", {}).get("durable"):
            return None
    return Spool(settings.data_dir / "spool")


def sink_topics(settings: Settings) -> list[str]:
    t = settings.topics
    return [
        t.documents,
        t.classified,
        t.deadletter,
        t.subscriptions,
        t.alerts,
        t.deliveries,
        story_members_topic(settings),
    ]


def story_members_topic(settings: Settings) -> str:
    """The story stage's table changelog, which the sink keeps (sinks.story_members)."""
    from streams.app import WorkerConfig, story_changelog_topic

    return story_changelog_topic(WorkerConfig(bootstrap="", app_id=settings.streams.app_id))


def writer_password(settings: Settings) -> str:
    pw = settings.warehouse.writer_password
    return pw.get_secret_value() if pw is not None else secrets.token_urlsafe(18)


def read_limits(settings: Settings) -> ReadLimits:
    """The embedded SQL endpoint's caps on reads, from ``warehouse.reads``."""
    from sinks.warehouse.read_policy import ReadLimits

    r = settings.warehouse.reads
    return ReadLimits(
        max_execution_time_s=r.max_execution_time_s,
        max_memory_bytes=r.max_memory_mb << 20,
        max_result_rows=r.max_result_rows,
        max_result_bytes=r.max_result_mb << 20,
        max_threads=r.max_threads,
        concurrency=r.concurrency,
        queue_wait_s=r.queue_wait_s,
    )


def run_sink(settings: Settings, ready_file: Path | None = None) -> None:
    """The warehouse sink; with chDB it also serves the ClickHouse HTTP endpoint."""
    from ops.metrics_server import serve_metrics
    from sinks.consumer import PartitionReader, describe_topics
    from sinks.warehouse import connect_warehouse
    from sinks.warehouse.migrate import migrate
    from sinks.warehouse.retention import apply_retention
    from sinks.writer import SinkConfig, WarehouseSink

    bootstrap = resolve_bootstrap(settings)
    warehouse = connect_warehouse(settings.warehouse_url, settings.warehouse.database)
    migrate(warehouse, MIGRATIONS_DIR)
    apply_retention(warehouse, settings.warehouse.retention_days.model_dump())
    info: dict[str, Any] = {
        "metrics": serve_metrics(settings.metrics_port, settings.metrics_host).url
    }
    server = None
    if settings.warehouse_url.startswith("chdb://"):
        from sinks.warehouse.chdb_driver import ChdbWarehouse
        from sinks.warehouse.http_server import EndpointUser, WarehouseHttpServer

        assert isinstance(warehouse, ChdbWarehouse)
        password = writer_password(settings)
        users = [
            EndpointUser(
                settings.warehouse.reader_user,
                settings.warehouse.reader_password.get_secret_value(),
                readonly=True,
            ),
            EndpointUser(settings.warehouse.writer_user, password, readonly=False),
        ]
        server = WarehouseHttpServer(
            warehouse, users, port=settings.warehouse.http_port, limits=read_limits(settings)
        )
        server.start()
        info["sql"] = {
            "url": server.url,
            "database": settings.warehouse.database,
            "reader": settings.warehouse.reader_user,
            "writer": settings.warehouse.writer_user,
            "writer_password": password,
        }
    topics = describe_topics(bootstrap, sink_topics(settings))
    reader = PartitionReader(bootstrap, "policywatch-sink", settings.sink.batch_size)
    sink = WarehouseSink(
        warehouse,
        reader,
        topics,
        SinkConfig(
            batch_size=settings.sink.batch_size,
            batch_linger_ms=settings.sink.batch_linger_ms,
            retry_max_s=settings.sink.retry_max_s,
            version=policywatch_version(),
        ),
        story_members_topic=story_members_topic(settings),
    )

    def _stop(signum: int, _frame: Any) -> None:
        log.info("sink stopping on signal %s", signum)
        sink.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if ready_file is not None:
        write_json_atomic(ready_file, info)
    log.info("sink ready: %s", {k: v for k, v in info.items() if k != "sql"})
    try:
        sink.run()
    finally:
        reader.close()
        if server is not None:
            server.stop()
        warehouse.close()


def run_worker(settings: Settings, ready_file: Path | None = None) -> None:
    """The Faust classify worker (blocks until stopped by a signal)."""
    import faust

    from ops.metrics_server import serve_metrics
    from streams.app import WorkerConfig, build_app

    bootstrap = resolve_bootstrap(settings)
    metrics_url = serve_metrics(settings.metrics_port, settings.metrics_host).url
    config = WorkerConfig(
        bootstrap=bootstrap,
        app_id=settings.streams.app_id,
        partitions=settings.kafka.partitions,
        topics=settings.topics,
        taxonomy_paths=tuple(settings.streams.taxonomy),
        data_dir=settings.data_dir,
        compression=settings.kafka.compression,
        version=policywatch_version(),
        ready_file=ready_file,
        session_timeout_s=settings.streams.session_timeout_s,
        taxonomy_reload_s=settings.streams.taxonomy_reload_s,
        ready_info=(("metrics", metrics_url),),
    )
    app = build_app(config)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    worker.execute_from_commandline()


def ensure_bootstrap_configured(settings: Settings) -> None:
    if not settings.kafka.bootstrap and not settings.run_file.exists():
        raise ConfigError("no Kafka broker configured and no running stack; run `policywatch up`")
