"""Events -> rows: keys that make rows idempotent, and dead letters for what cannot be read."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.errors import InvalidEvent
from sinks.consumer import Record
from sinks.projection import TableRows, sink_deadletter, ts
from sinks.writer import batch_token, batch_tokens
from tests.integration.test_warehouse_schema import classified

P = Producer(name="t", version="1")
DAY = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def test_document_row_keeps_the_original_event_for_replay() -> None:
    doc = observe_document(
        document_id="d1",
        source=SourceRef(id="s", kind="news", country="JP"),
        title="T",
        body="B",
        producer=P,
        published_at=DAY,
    )
    rows = TableRows()
    raw = encode(doc)
    rows.add_record(raw)
    [row] = rows.tables["documents"]
    assert row["event"] == raw.decode()
    assert row["published_at"] == "2026-03-01 12:30:15.123"
    assert row["source_country"] == "JP"


def test_classification_becomes_one_mention_per_label() -> None:
    rows = TableRows()
    rows.add_record(classified("d1", "quad", DAY))
    assert len(rows.tables["classifications"]) == 1
    kinds = sorted((m["label_type"], m["label_id"]) for m in rows.tables["mentions"])
    assert kinds == [
        ("actor", "jp.motegi"),
        ("country", "IN"),
        ("country", "JP"),
        ("initiative", "quad"),
    ]
    assert all(
        m["document_id"] == "d1" and m["classifier_version"] == "c1"
        for m in rows.tables["mentions"]
    )


def test_unreadable_record_raises_and_becomes_a_sink_dead_letter() -> None:
    rows = TableRows()
    with pytest.raises(InvalidEvent) as info:
        rows.add_record(b"\xff\xfe")
    dead = sink_deadletter(
        topic="t",
        partition=1,
        offset=9,
        key=b"k",
        value=b"\xff\xfe",
        error=info.value,
        producer=P,
    )
    rows.add_deadletter(dead)
    [row] = rows.tables["deadletter"]
    assert row["reason"] == "not_json" and row["offset"] == 9
    again = sink_deadletter(
        topic="t",
        partition=1,
        offset=9,
        key=b"k",
        value=b"\xff\xfe",
        error=info.value,
        producer=P,
    )
    assert again.event_id == dead.event_id  # a replayed failure is the same dead letter


def test_batch_tokens_follow_offset_ranges() -> None:
    a = [Record("t", 0, o, None, b"") for o in range(10, 20)]
    b = [Record("t", 0, o, None, b"") for o in range(10, 21)]
    assert batch_token("c", "mentions", a) == batch_token("c", "mentions", list(reversed(a)))
    assert batch_token("c", "mentions", a) != batch_token("c", "mentions", b)
    assert batch_token("c", "mentions", a) != batch_token("c", "documents", a)


def test_batch_tokens_of_one_batch_match_the_per_table_token() -> None:
    """Tokens are stored with the parts they de-duplicate: a batch written again after
    an upgrade must get the token it got before (ranges per topic-partition, sorted)."""
    records = [Record("t", p, o, None, b"") for o in (7, 3, 9, 5) for p in (1, 0)]
    records.append(Record("a", 2, 40, None, b""))
    tokens = batch_tokens("c", records)
    for table in ("mentions", "documents"):
        text = f"c|{table}|a/2:40-40;t/0:3-9;t/1:3-9".encode()
        assert tokens(table) == hashlib.blake2b(text, digest_size=16).hexdigest()
        assert tokens(table) == batch_token("c", table, list(reversed(records)))
    assert ts(None) is None
