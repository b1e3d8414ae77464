"""Taxonomy hot reload: a valid change is picked up, a broken one keeps the last good taxonomy."""

from __future__ import annotations

import os
from pathlib import Path

from streams.classify.classifier import Classifier
from streams.taxonomy import load_taxonomy
from streams.taxonomy.reload import TaxonomyWatcher

EXTRA = """
version: "user-1"
initiatives:
  - id: user.harbour-compact
    name: Harbour Compact
    parties: [IN, JP]
    aliases: {en: ["Harbour Compact"]}
"""


def touch_later(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime + 5, stat.st_mtime + 5))  # a changed stamp, even within 1 s


def test_a_valid_change_is_loaded_and_a_broken_one_is_refused(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(EXTRA, encoding="utf-8")
    watcher = TaxonomyWatcher((user,), load_taxonomy)
    before = Classifier(load_taxonomy(user))
    assert watcher.poll() is None  # nothing changed

    touch_later(user, EXTRA.replace("Harbour Compact", "Harbour Accord"))
    changed = watcher.poll()
    assert changed is not None
    after = Classifier(changed)
    assert after.version != before.version
    assert any(i.name == "Harbour Accord" for i in changed.initiatives)

    touch_later(user, EXTRA + "  - id: [not, a, string\n")
    assert watcher.poll() is None
    assert watcher.last_error is not None and str(user) in watcher.last_error

    touch_later(user, EXTRA)
    fixed = watcher.poll()
    assert fixed is not None and watcher.last_error is None


def test_a_deleted_file_keeps_the_last_good_taxonomy(tmp_path: Path) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(EXTRA, encoding="utf-8")
    watcher = TaxonomyWatcher((user,), load_taxonomy)
    user.unlink()
    assert watcher.poll() is None
    assert watcher.last_error is not None


def test_an_extension_may_refer_to_the_default_but_not_to_nothing(tmp_path: Path) -> None:
    from schemas.errors import TaxonomyError

    user = tmp_path / "user.yaml"
    user.write_text(EXTRA, encoding="utf-8")  # parties IN and JP come from the default
    assert any(i.id == "user.harbour-compact" for i in load_taxonomy(user).initiatives)
    user.write_text(EXTRA.replace("[IN, JP]", "[IN, ZZ]"), encoding="utf-8")
    try:
        load_taxonomy(user)
    except TaxonomyError as exc:
        assert str(user) in str(exc) and "'ZZ'" in str(exc)
    else:
        raise AssertionError("an unknown party was accepted")
