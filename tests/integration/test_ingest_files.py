"""`ingest` into a real Tansu: a bad record is a dead letter, the rest of the file is published."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from producers.files import FileDefaults
from producers.ingest import IngestReport, ingest_paths
from producers.publish import Publisher
from schemas.codec import decode_any
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved
from schemas.envelope import Event
from schemas.topics import TopicNames
from tests.conftest import Broker

TEXT = "The Quad foreign ministers met in Tokyo."
BAD_URLS = ["javascript:alert(1)", "http://x:abc/", "https://[::1", "http://a:99999999/"]


def read(bootstrap: str, topic: str, expected: int, timeout_s: float = 20) -> list[Event]:
    """The topic's events once ``expected`` of them arrived (then a short wait for extras)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        parts = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        events: list[Event] = []
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=300).values():
                events.extend(decode_any(r.value) for r in records)
            if len(events) >= expected:
                deadline = min(deadline, time.monotonic() + 1.0)  # anything beyond: a bug
        return events
    finally:
        consumer.close()


def ingest(broker: Broker, topics: TopicNames, paths: list[Path], **options: Any) -> IngestReport:
    """``ingest_paths`` into the broker with the defaults, ``options`` added."""
    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:
        return ingest_paths(
            paths,
            publisher=publisher,
            topics=topics,
            defaults=FileDefaults(),
            max_file_bytes=1_000_000,
            **options,
        )
    finally:
        publisher.close()


def test_a_bad_url_is_dead_lettered_and_the_rest_of_the_file_is_published(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    good = [{"url": f"https://news.example/{n}", "text": f"{TEXT} ({n})"} for n in range(5)]
    bad = [{"url": url, "text": TEXT} for url in BAD_URLS]
    lines = [good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3], good[3], good[4]]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in lines))
    report = ingest(broker, topics, [path])
    assert report.documents == 5 and not report.publish_errors
    assert [reason for _loc, reason, _msg in report.failed_items] == ["invalid_url"] * 4
    documents = read(broker.bootstrap, topics.documents, 5)
    assert sorted(e.url or "" for e in documents if isinstance(e, DocumentObserved)) == sorted(
        r["url"] for r in good
    )
    dead = read(broker.bootstrap, topics.deadletter, 4)
    assert all(isinstance(d, DeadLetter) and d.stage == "ingest" for d in dead)
    by_line = {
        base64.b64decode(d.original_key or "").decode(): d
        for d in dead
        if isinstance(d, DeadLetter)
    }
    assert set(by_line) == {f"{path}:{n}" for n in (2, 4, 5, 7)}
    for location, letter in by_line.items():
        assert letter.reason == "invalid_url" and "field 'url'" in letter.error
        record = orjson.loads(letter.original_bytes())
        assert record["url"] == lines[int(location.rsplit(":", 1)[1]) - 1]["url"]


def test_progress_counts_every_byte_of_every_file_once(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    """The time left is measured in bytes read: they add up to the files' sizes, and they
    come record by record (a large file does not jump from nothing to done)."""
    records = [{"url": f"https://news.example/p{n}", "text": f"{TEXT} ({n})"} for n in range(40)]
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n\n")
    text = tmp_path / "b.txt"
    text.write_text("Quad leaders meet\n\nThe Quad leaders met in Delhi.\n", "utf-8")
    steps: list[int] = []
    acknowledged: list[int] = []
    report = ingest(
        broker, topics, [jsonl, text], on_progress=acknowledged.append, on_bytes=steps.append
    )
    assert report.documents == 41
    assert sum(acknowledged) == 41
    assert sum(steps) == jsonl.stat().st_size + text.stat().st_size
    assert len([s for s in steps if s > 0]) >= 40  # one step per record, not one per file
    assert max(steps) < jsonl.stat().st_size / 10


def test_a_paced_ingest_publishes_a_chunk_after_each_pace(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    """Each chunk waits for the pace (the stack's backlog, in `policywatch ingest`), and
    what was read before is published before the next wait."""
    records = [{"url": f"https://news.example/c{n}", "text": f"{TEXT} ({n})"} for n in range(7)]
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    acknowledged: list[int] = []
    at_pace: list[int] = []
    report = ingest(
        broker,
        topics,
        [path],
        on_progress=acknowledged.append,
        pace=lambda: at_pace.append(sum(acknowledged)),
        chunk=3,
    )
    assert report.documents == 7
    assert at_pace == [0, 3, 6]  # before the chunks of 3, 3 and 1
