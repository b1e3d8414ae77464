"""Checkpoints: written atomically, read back exactly, a damaged file set aside."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from producers import checkpoints
from producers.checkpoints import CheckpointStore
from producers.fetch import Validators
from producers.health import HealthMarks


def test_round_trip(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path / "checkpoints")
    cp = store.load("MEA press/EN")
    assert cp.urls == {} and cp.damaged is None
    cp.update("https://a.example/x", etag='"e1"', revision="r1", document_id="d1")
    cp.update("https://a.example/feed", last_modified="Thu, 12 Mar 2026 04:00:00 GMT")
    when = datetime(2026, 3, 12, 4, tzinfo=UTC)
    cp.health = HealthMarks(when, None, "", "", 7)
    cp.save()
    assert cp.path == tmp_path / "checkpoints" / "mea_press_en.json"
    assert [p.name for p in cp.path.parent.iterdir()] == ["mea_press_en.json"]  # no temp left
    again = store.load("MEA press/EN")
    assert again.get("https://a.example/x") == cp.get("https://a.example/x")
    state = again.get("https://a.example/x")
    assert state is not None and state.validators == Validators('"e1"', None)
    feed = again.get("https://a.example/feed")
    assert feed is not None and feed.revision is None and feed.validators is not None
    assert again.health == cp.health


def test_a_damaged_file_is_set_aside_and_reported(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    store.path_for("s").write_text('{"version": 1, "urls": {"u": {"bogus": 1}}}', encoding="utf-8")
    cp = store.load("s")
    assert cp.urls == {} and cp.damaged is not None and "TypeError" in cp.damaged
    assert not store.path_for("s").exists()
    assert len(list(tmp_path.glob("s.json.damaged-*"))) == 1
    store.path_for("t").write_text("not json", encoding="utf-8")
    assert store.load("t").damaged is not None


def test_an_in_memory_checkpoint_never_writes(tmp_path: Path) -> None:
    cp = checkpoints.SourceCheckpoint("dry")
    cp.update("u", revision="r")
    cp.save()
    assert list(tmp_path.iterdir()) == []


def test_the_oldest_urls_are_forgotten_beyond_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints, "MAX_URLS", 3)
    cp = CheckpointStore(tmp_path).load("s")
    for i in range(5):
        cp.urls[f"u{i}"] = checkpoints.UrlState(revision=f"r{i}", last_seen=1000.0 + i)
    cp.save()
    kept = json.loads(cp.path.read_text(encoding="utf-8"))["urls"]  # type: ignore[union-attr]
    assert sorted(kept) == ["u2", "u3", "u4"]
