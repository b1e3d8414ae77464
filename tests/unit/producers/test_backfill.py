"""Backfill files: CSV rows and saved web pages keep their own publication dates."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from producers.files import FileDefaults, expand_paths, parse_path
from schemas.errors import SourceError
from schemas.ids import document_id_for_external, document_id_for_url
from tests.fixtures.web.server import ROOT

BACKFILL = ROOT / "backfill"
DEFAULTS = FileDefaults(source_id="archive")


def test_csv_rows_have_the_jsonl_columns_and_errors_name_the_row() -> None:
    path = BACKFILL / "records.csv"
    items = list(parse_path(path, DEFAULTS, 10_000_000))
    assert [i.location for i in items] == [f"{path}:{n}" for n in (2, 3, 4, 5)]
    quad, joint = items[0].event, items[1].event
    assert quad is not None and joint is not None
    assert quad.document_id == document_id_for_url("https://news.example/2025/quad-ports")
    assert quad.authors == ("Meera Iyengar", "Kenji Aoyama")
    assert quad.source.name == "Example News Network" and quad.source.country == "IN"
    assert quad.published_at == datetime(2025, 6, 2, 8, tzinfo=UTC)
    assert joint.document_id == document_id_for_external("mea", "MEA-2025-114")
    assert joint.source.kind == "official_statement" and joint.document_type == "joint_statement"
    for event in (quad, joint):  # a backfill keeps event time apart from ingest time
        assert event.occurred_at == event.published_at
        assert event.observed_at.year >= 2026 and event.observed_at > event.published_at  # type: ignore[operator]
    reasons = [i.error.reason for i in items[2:] if i.error]
    assert reasons == ["empty_document", "invalid_record"]
    assert "'text' is missing" in str(items[2].error) and "someday" in str(items[3].error)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"title,text\nA,one,extra cell\n", "more cells than the header"),
        (b'title,text\nA,"unterminated\n', "not readable as CSV"),
    ],
)
def test_broken_csv(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    items = list(parse_path(path, DEFAULTS, 10_000_000))
    assert items and all(i.error is not None for i in items)
    assert any(i.error is not None and needle in str(i.error) for i in items)


def test_a_saved_page_is_extracted_and_named_by_its_canonical_url() -> None:
    [item] = parse_path(BACKFILL / "saved-statement.html", DEFAULTS, 10_000_000)
    event = item.event
    assert event is not None, item.error
    assert event.document_id == document_id_for_url(
        "https://mea.example/press/statements/vision-indo-pacific-2024.html"
    )
    assert event.title == "Joint Statement: India–Japan Vision for the Indo-Pacific"
    assert event.published_at == datetime(2024, 8, 20, 5, 30, tzinfo=UTC)
    assert event.body.startswith("The External Affairs Minister of India")
    assert "Archive copy saved" not in event.body and event.fetch.extraction == "trafilatura"


def test_a_saved_page_without_text_or_canonical(tmp_path: Path) -> None:
    empty = tmp_path / "empty.htm"
    empty.write_text("<html><head><title>x</title></head></html>", encoding="utf-8")
    [item] = parse_path(empty, DEFAULTS, 10_000_000)
    assert item.error is not None and item.error.reason == "empty_document"
    plain = tmp_path / "plain.html"
    plain.write_text(
        "<html><body><article><p>" + "Quad talks. " * 30 + "</p></article></body></html>",
        encoding="utf-8",
    )
    [item] = parse_path(plain, DEFAULTS, 10_000_000)
    assert item.event is not None
    assert item.event.document_id == document_id_for_external("archive", "plain.html")


def test_directories_of_saved_pages_and_csv_expand(tmp_path: Path) -> None:
    shutil.copytree(BACKFILL, tmp_path / "archive")
    (tmp_path / "archive" / "notes.md").write_text("skip me", encoding="utf-8")
    assert [p.name for p in expand_paths([tmp_path])] == ["records.csv", "saved-statement.html"]


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=1500), suffix=st.sampled_from([".csv", ".html"]))
def test_arbitrary_bytes_raise_only_our_errors(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    path.write_bytes(data)
    for item in parse_path(path, DEFAULTS, 10_000_000):
        assert (item.event is None) != (item.error is None)
        if item.error is not None:
            assert isinstance(item.error, SourceError)
