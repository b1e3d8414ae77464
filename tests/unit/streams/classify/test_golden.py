"""Golden output: the classifier's labels on fixed corpora stay byte-identical.

Speed work must not change what is read. ``tests/golden`` holds the output of
`policywatch classify` (minus version strings) on the demo corpus and the written
evaluation set, and for the real-news set (third-party text, kept outside the project)
only a digest per document. After an intended change, regenerate and review the diff:

    POLICYWATCH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/streams/classify/test_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ops.features.offline_classify import classify_items, read_items
from producers.records import FileDefaults
from streams.classify.classifier import Classifier

REPO = Path(__file__).resolve().parents[4]
GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("POLICYWATCH_UPDATE_GOLDEN") == "1"
ON = date(2026, 4, 1)  # one day for every document without its own: output does not age
VERSIONS = ("classifier_version", "taxonomy_version", "location")


def _outputs(classifier: Classifier, paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        items = read_items(path, FileDefaults())
        for outcome in classify_items(classifier, items, today=ON):
            record = outcome.result or {"error": outcome.error}
            out.append({k: v for k, v in record.items() if k not in VERSIONS})
    return out


def _lines(records: list[dict[str, Any]]) -> str:
    """One JSON line per record; the checkout's own path is left out of error messages."""
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    return text.replace(str(REPO) + "/", "")


CORPORA = {
    "demo_corpus.jsonl": sorted((REPO / "ops" / "demo_corpus").glob("*.*")),
    "eval_set.jsonl": [REPO / "tests" / "eval" / "documents.jsonl"],
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_classifier_output_is_unchanged(default: Classifier, name: str) -> None:
    paths = [p for p in CORPORA[name] if p.suffix in (".txt", ".jsonl")]
    got = _lines(_outputs(default, paths))
    golden = GOLDEN / name
    if UPDATE:
        golden.write_text(got, encoding="utf-8")
    want = golden.read_text(encoding="utf-8")
    for number, (a, b) in enumerate(zip(want.splitlines(), got.splitlines(), strict=False), 1):
        assert a == b, f"{name} line {number} changed"
    assert len(want.splitlines()) == len(got.splitlines())


def test_real_news_output_is_unchanged(default: Classifier) -> None:
    """Digests only: the set's text must not enter the project."""
    shared = REPO.parent / "shared" / "realnews" / "docs.jsonl"
    digests = {
        str(r.get("id")): hashlib.sha256(_lines([r]).encode()).hexdigest()[:16]
        for r in _outputs(default, [shared])
    }
    golden = GOLDEN / "realnews.sha256.json"
    if UPDATE:
        golden.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    changed = sorted(k for k in want.keys() | digests.keys() if want.get(k) != digests.get(k))
    assert not changed, f"output changed for {changed}"


def test_the_source_reads_as_the_compiled_classifier() -> None:
    """The same golden files, with the classifier's modules loaded from source
    (POLICYWATCH_NATIVE=0): ``make setup`` compiles them, and both forms must agree.
    When nothing is compiled this runs the source twice, and the build said why."""
    import streams.classify

    env = {**os.environ, "POLICYWATCH_NATIVE": "0"}
    env.pop("PYTEST_XDIST_WORKER", None)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            str(Path(__file__)),
            "-k",
            "unchanged",
        ],
        env=env,
        cwd=REPO,
        check=False,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-2000:]
    assert "3 passed" in child.stdout, child.stdout[-2000:]
    if streams.classify.NATIVE.modules:
        assert streams.classify.NATIVE.compiled, streams.classify.NATIVE.mode


def test_each_build_is_what_it_says() -> None:
    """In this process the classifier's modules are compiled exactly when a fresh build
    exists; a child told POLICYWATCH_NATIVE=0 loads them from source."""
    import streams.classify
    from streams.classify import normalise

    loaded_compiled = not normalise.__file__.endswith(".py")  # type: ignore[union-attr]
    assert loaded_compiled == streams.classify.NATIVE.compiled
    probe = "import streams.classify.normalise as n; print(n.__file__)"
    child = subprocess.run(
        [sys.executable, "-c", probe],
        env={**os.environ, "POLICYWATCH_NATIVE": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert child.stdout.strip().endswith("normalise.py")
