"""How long a consumer's fetch may wait at the broker for records, by broker.

Kafka answers a fetch as soon as records arrive, so a long wait costs no latency and
spares the broker idle fetches (the embedded Kafka broker used 19 % of a core with the
stack idle at 100 ms, 10 % at 500 ms). Tansu answers only when the wait ends, so each
stage hop costs the whole wait: it keeps 100 ms (sinks.consumer.FETCH_MAX_WAIT_MS).
"""

from __future__ import annotations

from ops.runtime.runfile import read_run_file
from ops.settings import Settings
from sinks.consumer import FETCH_MAX_WAIT_MS

__all__ = ["KAFKA_FETCH_WAIT_MS", "fetch_wait_for", "fetch_wait_ms"]

KAFKA_FETCH_WAIT_MS = 500


def fetch_wait_for(broker_kind: str) -> int:
    """The wait for a broker of ``broker_kind`` ("kafka" or "tansu")."""
    return FETCH_MAX_WAIT_MS if broker_kind == "tansu" else KAFKA_FETCH_WAIT_MS


def fetch_wait_ms(settings: Settings) -> int:
    """The configured wait, else the one for the running embedded stack's broker, else
    Kafka's (a configured bootstrap is a Kafka cluster unless the wait says otherwise)."""
    if settings.kafka.fetch_wait_ms is not None:
        return settings.kafka.fetch_wait_ms
    if not settings.kafka.bootstrap:
        run = read_run_file(settings.run_file)
        if run is not None:
            return fetch_wait_for(str(run.get("broker", {}).get("kind", "kafka")))
    return KAFKA_FETCH_WAIT_MS
