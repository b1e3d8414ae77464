"""Build the Faust application from a frozen config; nothing happens at import.

Faust is imported here and by the agent modules it registers (``streams.agents``,
``streams.alert_agents``); the pure core (taxonomy, classify, alerts, pipeline)
imports none of it. The config and every topic and table name are in
``streams.topics``, which imports no Faust and none of these modules.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import faust
from faust.tables.recovery import Recovery
from faust.transport.drivers import aiokafka as driver

from streams.agents import register_agents
from streams.changelog_ends import read_changelogs_to_their_last_record
from streams.followed_topic import TopicReaderFactory
from streams.topics import WorkerConfig

log = logging.getLogger(__name__)


def shorten_fetch_wait(wait_ms: int) -> None:
    """Make Faust's consumers wait at most ``wait_ms`` for a fetch answer.

    Faust fixes ``fetch_max_wait_ms=1500`` for its worker consumer. Tansu answers a
    fetch only when that wait expires, even when records arrived meanwhile, so every
    stage hop cost up to 1.5 s (measured with aiokafka: 380 ms vs 13 ms at 100 ms).
    Kafka answers as soon as data is there; a short wait only adds idle fetches.
    """
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
    The second seek runs with the consumer's flow stopped: see :func:`seek_to_committed`.
    """
    for name in ("on_recovery_completed", "_resume_streams"):
        original = getattr(Recovery, f"_policywatch_{name}", None) or getattr(Recovery, name)

        def with_second_seek(original: Any) -> Any:
            async def step(self: Any, generation_id: int = 0) -> None:
                await original(self, generation_id)
                consumer = self.app.consumer
                if self.app.consumer_generation_id == generation_id and consumer.assignment():
                    await seek_to_committed(consumer)

            return step

        setattr(Recovery, f"_policywatch_{name}", original)
        setattr(Recovery, name, with_second_seek(original))


async def seek_to_committed(consumer: Any) -> None:
    """Seek every assigned partition to its committed offset while no fetched record flows.

    Faust's fetch loop hands a fetched batch to the streams one record at a time, and
    waits while a stream's buffer is full (a busy worker). A seek made meanwhile sets the
    read offset back to the committed one, but the rest of the batch still flows: the next
    record, from before the seek, is then past the read offset by more than one, and Faust
    takes the offsets between as a gap in the log (a compacted or transactional topic)
    and commits past them, while their re-fetched records are dropped as already read.
    Measured: 18 documents of each of two partitions never classified after a kill -9 of
    the worker under load. Stopping the flow first ends the batch (the loop checks the
    flow before each record); the records it leaves are fetched again from the committed
    offset once the flow resumes.
    """
    app = consumer.app
    generation = app.consumer_generation_id
    consumer.stop_flow()
    try:
        for _ in range(3):  # the record being handed over sees the stop and is dropped
            await asyncio.sleep(0)
        await consumer.perform_seek()
    finally:
        # a rebalance begun meanwhile stopped the flow too: its recovery resumes it
        if app.consumer_generation_id == generation and not app.rebalancing:
            consumer.resume_flow()


def build_app(config: WorkerConfig, subscriptions: TopicReaderFactory) -> faust.App:
    """A Faust app with the classify agent registered; start it with ``faust.Worker``.

    ``subscriptions`` opens a reader of the subscriptions topic (ops passes the one every
    role follows that topic with, see ``streams.followed_topic``)."""
    shorten_fetch_wait(config.fetch_max_wait_ms)
    seek_again_after_recovery()
    read_changelogs_to_their_last_record()
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
        # offsets are committed by the 1 s timer only. A count-based commit runs inside
        # Faust's fetch loop and holds it until the producer is flushed: on a busy machine
        # that took 2 to 4 s, and every agent of the worker waited for input meanwhile
        # (the alert benchmark's latency grew by that much at each one)
        broker_commit_every=10**9,
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
    register_agents(app, config, subscriptions)
    return app
