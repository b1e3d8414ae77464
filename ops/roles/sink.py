"""`policywatch sink`: the warehouse sink; with chDB it also serves the SQL endpoint.

Ready (the ready file is written) once migrations are applied and, with chDB,
the ClickHouse HTTP endpoint listens; SIGTERM/SIGINT stop the sink after its
batch, then the endpoint and the warehouse are closed.
"""

from __future__ import annotations

import logging
import secrets
import signal
from pathlib import Path
from typing import Any

from ops.runtime.access import resolve_bootstrap
from ops.runtime.fetch_wait import fetch_wait_ms
from ops.runtime.metrics_server import serve_metrics
from ops.runtime.runfile import write_json_atomic
from ops.settings import Settings
from ops.version import policywatch_version
from sinks.consumer import PartitionReader, describe_topics
from sinks.warehouse import connect_warehouse
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.endpoint.read_policy import ReadLimits
from sinks.warehouse.endpoint.server import EndpointUser, WarehouseHttpServer
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from sinks.warehouse.retention import apply_retention
from sinks.writer import SinkConfig, WarehouseSink
from streams.topics import WorkerConfig, story_changelog_topic

log = logging.getLogger(__name__)


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
    return story_changelog_topic(WorkerConfig(bootstrap="", app_id=settings.streams.app_id))


def writer_password(settings: Settings) -> str:
    pw = settings.warehouse.writer_password
    return pw.get_secret_value() if pw is not None else secrets.token_urlsafe(18)


def read_limits(settings: Settings) -> ReadLimits:
    """The embedded SQL endpoint's caps on reads, from ``warehouse.reads``."""
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
    bootstrap = resolve_bootstrap(settings)
    warehouse = connect_warehouse(settings.warehouse_url, settings.warehouse.database)
    migrate(warehouse, MIGRATIONS_DIR)
    apply_retention(warehouse, settings.warehouse.retention_days.model_dump())
    info: dict[str, Any] = {
        "metrics": serve_metrics(settings.metrics_port, settings.metrics_host).url
    }
    server = None
    if settings.warehouse_url.startswith("chdb://"):
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
    reader = PartitionReader(
        bootstrap, "policywatch-sink", settings.sink.batch_size, fetch_wait_ms(settings)
    )
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
