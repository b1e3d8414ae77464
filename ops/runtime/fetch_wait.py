"""How long a consumer's fetch may wait at the broker for records, by broker.

Kafka answers a fetch as soon as records arrive for a partition *in that fetch*. A
consumer keeps one fetch in flight per broker and leaves out the partitions it still
holds records of; when records then arrive for one of those, they wait until the fetch
in flight returns, up to the whole wait if its partitions stay empty. Every stage hop can
pay that, so the wait bounds latency after all: with every document alerting at 100/s
the alert benchmark's p99 read 3.8 and 4.3 s at 500 ms, 1.15 and 1.19 s at 200 ms and
0.4 to 2.1 s at 100 ms (runs of one hour). Shorter waits mean more empty fetches; at
200 ms the embedded broker used 3.9 % of a core at one document a second, 3.3 % at
500 ms. Tansu answers only when the wait ends, so each stage hop costs the whole wait:
it keeps 100 ms (sinks.consumer.FETCH_MAX_WAIT_MS).
"""

from __future__ import annotations

from ops.runtime.runfile import read_run_file
from ops.settings import Settings
from sinks.consumer import FETCH_MAX_WAIT_MS

__all__ = ["KAFKA_FETCH_WAIT_MS", "fetch_wait_for", "fetch_wait_ms"]

KAFKA_FETCH_WAIT_MS = 200


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
