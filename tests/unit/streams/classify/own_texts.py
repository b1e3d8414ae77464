"""The project's own texts (the written evaluation set and the demo corpus), for tests that
check a faster path against the plain one on text shaped like news."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


@cache
def own_texts() -> tuple[str, ...]:
    """Titles and bodies of tests/eval/documents.jsonl and ops/demo_corpus."""
    out: list[str] = []
    eval_set = REPO / "tests" / "eval" / "documents.jsonl"
    for line in eval_set.read_text("utf-8").splitlines():
        doc = json.loads(line)
        out += [doc["title"], doc["text"]]
    demo = REPO / "ops" / "demo_corpus"
    for path in sorted(demo.glob("*.txt")):
        out.append(path.read_text("utf-8"))
    for line in (demo / "corpus.jsonl").read_text("utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # the demo corpus holds broken lines on purpose
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            out += [str(record.get("title", "")), record["text"]]
    return tuple(out)
