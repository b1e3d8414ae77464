"""One-shot set-up of a cluster: topics on the broker, migrations on the warehouse.

What `policywatch init` runs (compose's ``init`` service, and before an upgrade).
Both steps are idempotent: existing topics are kept, applied migrations are skipped.
Each waits for its backend with a probe (not a sleep), because in a fresh cluster the
broker and ClickHouse may still be starting.
"""

from __future__ import annotations

import logging
import time

from ops.runtime.access import resolve_bootstrap
from ops.runtime.ports import broker_ready, wait_until
from ops.runtime.topics import ensure_topics
from ops.settings import Settings
from schemas.errors import BrokerError, WarehouseError
from sinks.warehouse import connect_warehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate
from streams.topics import (
    WorkerConfig,
    changelog_topics,
    partitioned_topics,
    single_partition_topics,
)

log = logging.getLogger(__name__)


def create_topics(settings: Settings, wait_s: float = 120.0) -> dict[str, int]:
    """Every policywatch topic plus the worker's changelog, with the configured partitions."""

    bootstrap = resolve_bootstrap(settings)
    if not wait_until(lambda: broker_ready(bootstrap), wait_s):
        raise BrokerError(
            f"no Kafka broker answered at {bootstrap} within {wait_s:.0f}s; "
            "check POLICYWATCH_KAFKA__BOOTSTRAP and that the broker is up"
        )
    return ensure_all_topics(bootstrap, settings)


def ensure_all_topics(bootstrap: str, settings: Settings) -> dict[str, int]:
    """The public topics and the workers' internal ones, each with the partitions it needs.

    Created explicitly: a broker that auto-creates topics (Tansu does, with 4
    partitions) would otherwise decide their partitioning.
    """

    topics = settings.topics
    worker = WorkerConfig(bootstrap=bootstrap, app_id=settings.streams.app_id)
    changelogs = changelog_topics(worker)
    single = single_partition_topics(worker)
    counts = ensure_topics(
        bootstrap,
        [*topics.all(), *changelogs, *partitioned_topics(worker)],
        settings.kafka.partitions,
        settings.kafka.replication_factor,
        compacted=frozenset({topics.subscriptions, *changelogs}),
    )
    counts.update(
        ensure_topics(
            bootstrap,
            single,
            1,
            settings.kafka.replication_factor,
            compacted=frozenset(t for t in single if t.endswith("-changelog")),
        )
    )
    return counts


def apply_migrations(settings: Settings, wait_s: float = 120.0) -> list[str]:
    """Apply pending warehouse migrations; returns the names applied now."""

    deadline = time.monotonic() + wait_s
    delay = 0.5
    while True:
        try:
            warehouse = connect_warehouse(settings.warehouse_url, settings.warehouse.database)
            try:
                applied = migrate(warehouse, MIGRATIONS_DIR)
            finally:
                warehouse.close()
            return [f"{m.version:03d}_{m.name}" for m in applied]
        except WarehouseError as exc:
            if not exc.retriable or time.monotonic() + delay > deadline:
                raise
            log.info("warehouse not ready (%s); retrying in %.1fs", exc.reason, delay)
            time.sleep(delay)  # backoff between connection attempts, not readiness by sleep
            delay = min(delay * 2, 5.0)
