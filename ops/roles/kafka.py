"""Which broker a role talks to, and how it publishes there.

A role is given a broker (``kafka.bootstrap``) or finds the running embedded
stack's in ``run.json``. Documents published to an embedded broker that keeps its
topics in memory also go to the durable spool, so a restarted stack has them.
"""

from __future__ import annotations

from ops.runtime.access import resolve_bootstrap
from ops.runtime.runfile import read_run_file
from ops.settings import Settings
from producers.outlets import KafkaOutlet
from producers.publish import Publisher
from producers.spool import Spool


def ingest_spool(settings: Settings) -> Spool | None:
    """The spool ``ingest`` writes to: on for an embedded stack whose broker is in memory.

    A durable broker (Kafka) keeps what it acknowledged across a crash of the stack,
    so documents sent to it need no second copy; neither do those sent to a
    configured broker, which is the operator's to keep.
    """
    mode = settings.ingest.spool
    if mode == "off" or (mode == "auto" and settings.kafka.bootstrap):
        return None
    if mode == "auto":
        run = read_run_file(settings.run_file)
        if run is not None and run.get("broker", {}).get("durable"):
            return None
    return Spool(settings.data_dir / "spool")


def kafka_outlet(settings: Settings, client_id: str) -> tuple[Publisher, KafkaOutlet]:
    """(publisher, outlet) to the configured broker or the running stack, spooled as ingest is."""
    publisher = Publisher(
        resolve_bootstrap(settings),
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
        client_id=client_id,
    )
    return publisher, KafkaOutlet(publisher, settings.topics, ingest_spool(settings))
