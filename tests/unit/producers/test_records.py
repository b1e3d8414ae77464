"""JSONL and CSV records: the shapes people write, bad URLs as dead letters, ignored fields."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import orjson
import pytest

from producers.files import FileDefaults, parse_path
from producers.records import ParsedItem, parse_record, source_slug
from schemas.documents import SourceKind
from schemas.errors import SourceError
from schemas.ids import document_id_for_external, document_id_for_url

DEFAULTS = FileDefaults()
TEXT = "The Quad foreign ministers met in Tokyo."


def jsonl(tmp_path: Path, *records: Any, name: str = "docs.jsonl") -> list[ParsedItem]:
    path = tmp_path / name
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records))
    return list(parse_path(path, DEFAULTS, 10_000_000))


BAD_URLS = ["javascript:alert(1)", "http://x:abc/", "https://[::1", "http://a:99999999/"]


def test_a_bad_url_is_that_records_dead_letter_and_the_rest_go_on(tmp_path: Path) -> None:
    records = [{"url": f"https://news.example/{n}", "text": TEXT} for n in range(3)]
    records[1:1] = [{"url": url, "text": TEXT} for url in BAD_URLS]
    items = jsonl(tmp_path, *records)
    assert [i.event.url for i in items if i.event] == [
        r["url"] for r in records if "news" in r["url"]
    ]
    failed = [i for i in items if i.error]
    assert [f.error.reason for f in failed if f.error] == ["invalid_url"] * len(BAD_URLS)
    for item, url in zip(failed, BAD_URLS, strict=True):
        assert item.location.endswith(f":{BAD_URLS.index(url) + 2}")
        assert f"field 'url': {url!r}" in str(item.error)
        assert item.raw == orjson.dumps({"url": url, "text": TEXT})  # kept for the dead letter


@pytest.mark.parametrize("url", [["https://a.example/1", "https://a.example/2"], 42, {"href": "x"}])
def test_a_url_that_is_not_a_string_is_an_error_not_a_missing_url(url: object) -> None:
    with pytest.raises(SourceError, match="field 'url' must be a string") as raised:
        parse_record({"url": url, "text": TEXT}, "f.jsonl:1", DEFAULTS)
    assert raised.value.reason == "invalid_record"


@pytest.mark.parametrize(
    "record",
    [
        {"kind": "official_statement", "source": {"id": "mofa"}},
        {"source": {"id": "mofa", "kind": "official_statement"}},
        {"source_kind": "official_statement", "source": {"id": "mofa"}},
        {"kind": "official_statement", "source": {"id": "mofa", "kind": "official_statement"}},
    ],
)
def test_kind_is_read_at_the_top_level_or_in_the_source(record: dict[str, Any]) -> None:
    event = parse_record({**record, "text": TEXT}, "f.jsonl:1", DEFAULTS)
    assert event.source.kind is SourceKind.OFFICIAL_STATEMENT
    assert event.source.id == "mofa"


def test_a_top_level_kind_may_name_the_documents_type() -> None:
    release = parse_record({"kind": "press_release", "text": TEXT}, "f.jsonl:1", DEFAULTS)
    assert release.source.kind is SourceKind.OFFICIAL_STATEMENT
    assert release.document_type == "press_release"
    typed = {"kind": "briefing", "document_type": "transcript", "text": TEXT}
    assert parse_record(typed, "f.jsonl:2", DEFAULTS).document_type == "transcript"
    with pytest.raises(SourceError, match="field 'kind' 'blog' is not one of news, official"):
        parse_record({"kind": "blog", "text": TEXT}, "f.jsonl:3", DEFAULTS)


def test_kinds_that_disagree_are_an_error() -> None:
    record = {"kind": "news", "source": {"id": "mofa", "kind": "official_statement"}, "text": TEXT}
    with pytest.raises(SourceError, match=r"source\.kind 'official_statement', kind 'news'"):
        parse_record(record, "f.jsonl:1", DEFAULTS)


def test_a_source_given_by_name_gets_a_slug_id() -> None:
    event = parse_record(
        {"source": "Nikkei Asia", "id": "A-1", "text": TEXT}, "f.jsonl:1", DEFAULTS
    )
    assert (event.source.id, event.source.name) == ("nikkei-asia", "Nikkei Asia")
    assert event.document_id == document_id_for_external("nikkei-asia", "A-1")
    named = parse_record(
        {"source": {"name": "The Hindu", "country": "IN"}, "text": TEXT}, "f.jsonl:2", DEFAULTS
    )
    assert (named.source.id, named.source.country) == ("the-hindu", "IN")
    assert (
        source_slug("  Ministry of Foreign Affairs (Japan) ") == "ministry-of-foreign-affairs-japan"
    )
    assert source_slug("日本経済新聞") == "日本経済新聞"


def test_a_source_of_another_type_is_an_error() -> None:
    with pytest.raises(SourceError, match="field 'source' must be an object or the source's name"):
        parse_record({"source": ["x"], "text": TEXT}, "f.jsonl:1", DEFAULTS)


def test_ignored_fields_are_reported_once_per_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    base = {"url": "https://news.example/a", "text": TEXT}
    records = [
        {**base, "category": "world", "tags": ["quad"]},
        {**base, "url": "https://news.example/b", "category": "asia"},
        base,
    ]
    with caplog.at_level(logging.WARNING, logger="producers.files"):
        items = jsonl(tmp_path, *records)
    assert all(i.event for i in items)
    [warning] = [r for r in caplog.records if r.name == "producers.files"]
    message = warning.getMessage()
    assert "docs.jsonl" in message and "category, tags in 2 record(s)" in message
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="producers.files"):
        jsonl(tmp_path, base, name="clean.jsonl")
    assert not caplog.records


def test_csv_columns_the_reader_does_not_know_are_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "docs.csv"
    path.write_text(
        "url,text,source_name,section\nhttps://news.example/a,Quad met.,The Hindu,world\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="producers.files"):
        [item] = list(parse_path(path, DEFAULTS, 10_000_000))
    assert item.event is not None and item.event.source.id == "the-hindu"
    assert item.event.document_id == document_id_for_url("https://news.example/a")
    [warning] = caplog.records
    assert "section" in warning.getMessage()


def test_a_record_without_a_language_has_the_one_its_script_tells(tmp_path: Path) -> None:
    japanese = "岩屋外相は東京でクアッド外相会合を開き、海洋安全保障で連携することを確認した。"
    items = jsonl(
        tmp_path,
        {"url": "https://news.example/ja", "text": japanese},
        {"url": "https://news.example/en", "text": TEXT},
        {"url": "https://news.example/declared", "text": japanese, "language": "en"},
    )
    assert [i.event.language for i in items if i.event] == ["ja", "en", "en"]
