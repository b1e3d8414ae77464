"""Compiled modules are used only while they match their sources (streams.native)."""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.native import MANIFEST, source_digest, use_compiled_if_fresh

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``fakepkg`` whose module ``rules`` has a source and a "compiled" file
    that is not a loadable extension: importing it fails unless the source is taken."""
    directory = tmp_path / "fakepkg"
    directory.mkdir()
    (directory / "__init__.py").write_text("")
    (directory / "rules.py").write_text("ANSWER = 'from source'\n")
    (directory / f"rules{SUFFIX}").write_bytes(b"not an extension module")
    monkeypatch.syspath_prepend(str(tmp_path))
    finders = list(sys.meta_path)
    yield directory
    sys.meta_path[:] = finders
    for name in [n for n in sys.modules if n == "fakepkg" or n.startswith("fakepkg.")]:
        del sys.modules[name]


def _record(directory: Path, digest: str) -> None:
    (directory / MANIFEST).write_text(json.dumps({"sources": {"rules": digest}}))


def test_a_changed_source_is_loaded_instead_of_its_compiled_module(package: Path) -> None:
    _record(package, "digest of an older source")
    state = use_compiled_if_fresh("fakepkg", package)
    assert state.mode == "source (rules.py changed since it was compiled)"
    assert importlib.import_module("fakepkg.rules").ANSWER == "from source"


def test_without_a_build_record_the_sources_run(package: Path) -> None:
    state = use_compiled_if_fresh("fakepkg", package)
    assert state.mode == "source (no build record)"
    assert importlib.import_module("fakepkg.rules").ANSWER == "from source"


def test_a_fresh_build_is_used(package: Path) -> None:
    _record(package, source_digest(package / "rules.py"))
    state = use_compiled_if_fresh("fakepkg", package)
    assert state.compiled and state.modules == ("rules",)
    with pytest.raises(ImportError):  # the "compiled" file is taken: it is no extension
        importlib.import_module("fakepkg.rules")


def test_native_off_runs_the_sources_of_a_fresh_build(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(package, source_digest(package / "rules.py"))
    monkeypatch.setenv("POLICYWATCH_NATIVE", "0")
    state = use_compiled_if_fresh("fakepkg", package)
    assert state.mode == "source (POLICYWATCH_NATIVE=0)"
    assert importlib.import_module("fakepkg.rules").ANSWER == "from source"


def test_nothing_compiled_changes_nothing(package: Path) -> None:
    (package / f"rules{SUFFIX}").unlink()
    finders = len(sys.meta_path)
    assert use_compiled_if_fresh("fakepkg", package).mode == "source"
    assert len(sys.meta_path) == finders


def test_a_build_whose_shared_library_is_missing_runs_the_sources(package: Path) -> None:
    """The modules' shared library lives in the environment (a new virtualenv has none)."""
    record = {"runtime": "no_such_runtime__mypyc", "sources": {"rules": "x"}}
    record["sources"]["rules"] = source_digest(package / "rules.py")
    (package / MANIFEST).write_text(json.dumps(record))
    state = use_compiled_if_fresh("fakepkg", package)
    assert state.mode.startswith("source (their shared library no_such_runtime__mypyc")
    assert importlib.import_module("fakepkg.rules").ANSWER == "from source"
