"""Web producers into a real Tansu: acknowledged, once per revision, nothing lost on restart."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition

from producers.checkpoints import CheckpointStore
from producers.fetch import FetchConfig, Fetcher
from producers.harvest import Harvester
from producers.health import MemoryHealthRecorder, SourceHealth
from producers.outlets import KafkaOutlet
from producers.publish import Outgoing, Publisher
from producers.scheduler import run_once
from producers.sources import SourceConfig
from producers.spool import Spool
from schemas.codec import decode_any
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved
from schemas.envelope import Event, Producer
from schemas.topics import TopicNames
from tests.conftest import Broker
from tests.fixtures.web.server import ROOT, FixtureServer

CONFIG = FetchConfig(host_rate_per_s=0, host_concurrency=4, retries=0, read_timeout_s=2)


@pytest.fixture()
def web() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server


def read_all(bootstrap: str, topic: str) -> list[tuple[bytes | None, Event]]:
    """Every record now on the topic: read up to the end offsets, so no waiting on silence."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        parts = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        ends = consumer.end_offsets(parts)
        out: list[tuple[bytes | None, Event]] = []
        while any(consumer.position(p) < ends[p] for p in parts):
            for records in consumer.poll(timeout_ms=500).values():
                out.extend((r.key, decode_any(r.value)) for r in records)
        return out
    finally:
        consumer.close()


def harvest(
    bootstrap: str,
    topics: TopicNames,
    store: Path,
    *sources: SourceConfig,
    spool: Spool | None = None,
) -> list[SourceHealth]:
    publisher = Publisher(bootstrap, timeout_s=15)

    async def main() -> list[SourceHealth]:
        async with Fetcher(CONFIG) as fetcher:
            harvester = Harvester(
                fetcher,
                KafkaOutlet(publisher, topics, spool),
                producer=Producer(name="test", version="1"),
                checkpoints=CheckpointStore(store),
                health=[MemoryHealthRecorder()],
            )
            return await run_once(sources, harvester)

    try:
        return asyncio.run(main())
    finally:
        publisher.close()


def sources(web: FixtureServer) -> list[SourceConfig]:
    return [
        SourceConfig(id="enn", kind="news", feed=web.url("/news/feed.xml")),
        SourceConfig.model_validate(
            {
                "id": "mea",
                "kind": "official_statement",
                "listing": {
                    "url": web.url("/mea/press/index.html"),
                    "link_selector": "ul.press-list li a",
                    "next_selector": "a.next",
                    "max_pages": 2,
                    "content_selector": "div.statement-body",
                },
            }
        ),
    ]


def test_documents_reach_the_topic_once_and_a_restart_adds_nothing(
    broker: Broker, topics: TopicNames, web: FixtureServer, tmp_path: Path
) -> None:
    spool = Spool(tmp_path / "spool")
    health = harvest(broker.bootstrap, topics, tmp_path / "cp", *sources(web), spool=spool)
    assert [h.documents_emitted for h in health] == [3, 3]
    records = read_all(broker.bootstrap, topics.documents)
    assert len(records) == 6
    for key, event in records:
        assert isinstance(event, DocumentObserved) and key == event.document_id.encode()
    assert sum(len(list(spool.read(s))) for s in spool.segments()) == 6  # durable before sent

    again = harvest(broker.bootstrap, topics, tmp_path / "cp", *sources(web))  # a restart
    assert [h.documents_emitted for h in again] == [0, 0]
    assert len(read_all(broker.bootstrap, topics.documents)) == 6

    statement = "/mea/press/statements/joint-statement-india-japan-2026.html"
    page = (ROOT / statement.lstrip("/")).read_text(encoding="utf-8")
    web.set(statement, page.replace("in early 2026", "in February 2026"))
    listing = (ROOT / "mea/press/index.html").read_text(encoding="utf-8")
    web.set("/mea/press/index.html", listing.replace("Media Center", "Media Centre"))
    harvest(broker.bootstrap, topics, tmp_path / "cp", *sources(web))
    after = [e for _k, e in read_all(broker.bootstrap, topics.documents)]
    assert len(after) == 7  # the corrected statement, nothing else
    [revised] = [e for e in after if isinstance(e, DocumentObserved) and "February" in e.body]
    versions = [
        e for e in after if isinstance(e, DocumentObserved) and e.document_id == revised.document_id
    ]
    assert len(versions) == 2 and versions[0].revision != versions[1].revision


def test_dead_letters_go_to_the_dead_letter_topic(
    broker: Broker, topics: TopicNames, web: FixtureServer, tmp_path: Path
) -> None:
    web.set(
        "/news/gone.xml",
        '<rss version="2.0"><channel><title>t</title><item><title>Withdrawn</title>'
        "<link>{{BASE}}/news/articles/withdrawn.html</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    [health] = harvest(
        broker.bootstrap,
        topics,
        tmp_path,
        SourceConfig(id="gone", kind="news", feed=web.url("/news/gone.xml")),
    )
    assert (health.documents_emitted, health.dead_letters) == (0, 1)
    [(_key, dead)] = read_all(broker.bootstrap, topics.deadletter)
    assert isinstance(dead, DeadLetter)
    assert (dead.stage, dead.reason) == ("fetch", "http_404") and "withdrawn.html" in dead.error
    assert read_all(broker.bootstrap, topics.documents) == []


def test_an_unreachable_broker_records_nothing(web: FixtureServer, tmp_path: Path) -> None:
    from producers.outlets import Delivery

    class Unacknowledged:
        """A broker that never acknowledges (the collaborator, not the thing under test)."""

        async def send(self, records: list[object]) -> Delivery:
            return Delivery([False] * len(records), ["broker unavailable"])

    async def main() -> SourceHealth:
        async with Fetcher(dataclasses.replace(CONFIG)) as fetcher:
            harvester = Harvester(
                fetcher,
                Unacknowledged(),  # type: ignore[arg-type]
                producer=Producer(name="t", version="1"),
                checkpoints=CheckpointStore(tmp_path),
            )
            return await harvester.run(sources(web)[0])

    health = asyncio.run(main())
    assert health.status == "error" and health.last_error_reason == "publish_failed"
    state = CheckpointStore(tmp_path).load("enn")
    assert all(s.revision is None for s in state.urls.values())


@pytest.mark.parametrize("death", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "hung"])
def test_a_broker_dying_mid_run_fails_a_chunk_within_one_timeout(
    tmp_path: Path, death: signal.Signals
) -> None:
    """A dead or hung broker fails the chunk in one timeout, not one timeout per record.

    With a per-record wait the hung case runs for 400 x 2 s and hits the suite's timeout.
    """
    from ops.broker import broker_ready
    from ops.ports import free_port, wait_until
    from ops.process import stop_process
    from ops.tansu import spawn_tansu
    from ops.topics import ensure_topics

    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    proc = spawn_tansu(port, tmp_path / "broker.log")
    try:
        assert wait_until(lambda: broker_ready(bootstrap), 30)
        ensure_topics(bootstrap, ["dying.documents"], partitions=1)
        publisher = Publisher(bootstrap, timeout_s=2)
        first = publisher.publish([Outgoing("dying.documents", b"k", b"v")])
        assert first.sent == 1
        os.kill(proc.pid, death)
        batch = [Outgoing("dying.documents", b"k%d" % i, b"v") for i in range(400)]
        report = publisher.publish(batch)
        assert report.sent == 0 and report.failed == 400
        assert report.failed_indices == set(range(400))
        assert report.errors
        publisher.close()
        # closed for good: collecting it must not flush to the dead broker again (pytest
        # fails the test during which a __del__ raises, so it is collected here, now)
        del publisher
        gc.collect()
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        stop_process(proc)
