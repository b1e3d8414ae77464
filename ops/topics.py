"""Create policywatch's topics explicitly, with the configured partitions.

Tansu would auto-create a missing topic with 4 partitions; explicit creation
keeps partitions as configured and co-partitioned with the stream's tables.
"""

from __future__ import annotations

import contextlib
import logging
import time

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from schemas.errors import BrokerError

log = logging.getLogger(__name__)


def ensure_topics(
    bootstrap: str,
    names: list[str],
    partitions: int,
    replication_factor: int = 1,
    compacted: frozenset[str] = frozenset(),
) -> dict[str, int]:
    """Create missing topics; returns the partitions of each. Existing topics are kept."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=bootstrap, client_id="policywatch-admin", request_timeout_ms=30000
        )
    except KafkaError as exc:
        raise BrokerError(f"cannot reach Kafka at {bootstrap}: {exc}") from exc
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(
                name,
                partitions,
                replication_factor,
                topic_configs={"cleanup.policy": "compact"} if name in compacted else {},
            )
            for name in names
            if name not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # a concurrent creator won
                admin.create_topics(missing)
            log.info("created topics %s with %d partitions", [t.name for t in missing], partitions)
        counts = _partition_counts(admin, names, wait_s=30.0 if missing else 0.0)
    except KafkaError as exc:
        raise BrokerError(f"creating topics on {bootstrap} failed: {exc}") from exc
    finally:
        admin.close()
    for name, count in counts.items():
        if count == 0:
            raise BrokerError(f"topic {name} has no partitions on {bootstrap} after creating it")
        if count != partitions:
            log.warning("topic %s has %d partitions, settings ask for %d", name, count, partitions)
    return counts


def _partition_counts(admin: KafkaAdminClient, names: list[str], wait_s: float) -> dict[str, int]:
    """Partitions per topic, waiting for new ones to show in the broker's metadata.

    Kafka acknowledges a creation once its controller has it; the broker that
    answers metadata may list the topic without partitions for a moment longer.
    """
    deadline = time.monotonic() + wait_s
    while True:
        described = admin.describe_topics(names)
        counts = {str(d["name"]): len(d["partitions"] or ()) for d in described}
        if all(counts.get(n) for n in names) or time.monotonic() >= deadline:
            return counts
        time.sleep(0.1)  # polling the broker's metadata, bounded by wait_s
