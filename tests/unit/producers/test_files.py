"""Files -> events: seed-shaped text, JSONL, and every kind of bad file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.files import FileDefaults, expand_paths, parse_path, split_text_document
from schemas.errors import SourceError
from tests.conftest import SHARED

DEFAULTS = FileDefaults()


def items(path: Path, max_bytes: int = 10_000_000) -> list:  # type: ignore[type-arg]
    return list(parse_path(path, DEFAULTS, max_bytes))


def test_headline_and_date_line_are_split_from_the_body() -> None:
    title, published, body = split_text_document(
        "India, Japan agree minerals group\nNew Delhi, 12 March 2026\n\nThe two sides met.\n"
    )
    assert title == "India, Japan agree minerals group"
    assert published == datetime(2026, 3, 12, tzinfo=UTC)
    assert body == "The two sides met."


def test_seed_without_headline_gets_its_first_sentence_as_title() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    assert len(seeds) == 2
    for seed in seeds:
        [item] = items(seed)
        assert item.error is None and item.event is not None
        assert item.event.title and len(item.event.title) <= 201
        assert "Japan" in item.event.body
        assert item.event.published_at is None
    again = [items(s)[0].event for s in seeds]
    assert [e.document_id for e in again if e] == [
        e.document_id for e in (items(s)[0].event for s in seeds) if e
    ]


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    good = {
        "url": "https://example.org/a?utm_source=x",
        "title": "T",
        "text": "Body text",
        "published": "2026-01-05T10:00:00+05:30",
        "source": {"id": "ex", "kind": "official_statement", "name": "Ex", "country": "IN"},
    }
    lines = [
        orjson.dumps(good).decode(),
        "{not json",
        orjson.dumps({"title": "no text"}).decode(),
        orjson.dumps({**good, "url": "https://example.org/b", "published": "someday"}).decode(),
        orjson.dumps([1, 2]).decode(),
        "",
    ]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = items(path)
    assert len(result) == 5
    event = result[0].event
    assert event is not None
    assert event.source.kind == "official_statement"
    assert event.published_at == datetime(2026, 1, 5, 4, 30, tzinfo=UTC)
    assert event.occurred_at == event.published_at != event.observed_at
    reasons = [i.error.reason for i in result[1:] if i.error]
    assert reasons == ["invalid_record", "empty_document", "invalid_record", "invalid_record"]
    assert all(f"{path}:" in i.location for i in result)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("latin1.txt", "Caf\xe9 policy".encode("latin-1"), "bad_encoding"),
        ("binary.txt", b"\x00\x01\x02garbage", "binary_file"),
        ("empty.txt", b"   \n\n", "empty_document"),
        ("headline-only.txt", b"Just a headline\n", "empty_document"),
        ("data.pdf", b"%PDF-1.4", "unsupported_type"),
    ],
)
def test_bad_files_become_errors_with_reasons(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [item] = items(path)
    assert item.event is None and item.error is not None
    assert item.error.reason == reason
    assert str(path) in str(item.error)


def test_oversized_and_missing_files(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("x" * 5000, encoding="utf-8")
    [item] = items(big, max_bytes=1000)
    assert item.error is not None and item.error.reason == "too_large"
    [missing] = items(tmp_path / "nope.txt")
    assert missing.error is not None and missing.error.reason == "unreadable"


def test_huge_body_is_capped_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Headline\n\n" + "word " * 5000, encoding="utf-8")
    [item] = list(parse_path(path, FileDefaults(max_body_chars=1000), 10_000_000))
    assert item.event is not None
    assert len(item.event.body) == 1000 and item.event.fetch.truncated


def test_directories_expand_to_supported_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.jsonl", "c.png"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.txt", "b.jsonl"]


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".jsonl"]))
def test_arbitrary_bytes_raise_only_our_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    for item in parse_path(path, DEFAULTS, 10_000_000):
        assert (item.event is None) != (item.error is None)
        if item.error is not None:
            assert isinstance(item.error, SourceError)
