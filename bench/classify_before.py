"""Child of bench/classify.py: one classifier on the benchmark's documents, in a fresh process.

Usage: ``python bench/classify_before.py SOURCES DOCUMENTS SECONDS [PASSES]``: SOURCES is
a tree with ``streams`` and ``schemas`` (an earlier commit's from ``git archive``, or this
checkout, so that both sides run in the same harness), DOCUMENTS a JSON-lines file of the
benchmark's documents. Prints one JSON line: the best MB/s of process CPU time of two
passes over as much of the documents as SECONDS allows (``bench.cpu_measure``), after a
warm-up, with that tree's own default taxonomy. With PASSES, it classifies the documents
that many times after the warm-up and measures nothing: bench/classify_instructions.py
counts the instructions of such runs.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from pathlib import Path

WARM_UP = 20  # documents classified before timing, as the parent's classifier is warm
PASSES = 2  # timed passes; the best counts, as in the parent


def main() -> None:
    sources, documents, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    sys.path.insert(0, sources)  # that commit's packages before this checkout's
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # for bench.cpu_measure only
    from bench.cpu_measure import measure
    from streams.classify.classifier import Classifier, DocumentText
    from streams.taxonomy.load import load_taxonomy

    accepted = {f.name for f in dataclasses.fields(DocumentText)}
    docs = []
    with open(documents, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record.get("published"):
                record["published"] = date.fromisoformat(record["published"])
            docs.append(DocumentText(**{k: v for k, v in record.items() if k in accepted}))
    classify = Classifier(load_taxonomy()).classify
    for doc in docs[:WARM_UP]:  # first calls compile patterns and fill caches: not timed
        classify(doc)
    if len(sys.argv) > 4:
        passes = int(sys.argv[4])
        for _ in range(passes):
            for doc in docs:
                classify(doc)
        print(json.dumps({"passes": passes, "documents": len(docs), "running": _running()}))
        return
    best = max((measure(classify, docs, seconds) for _ in range(PASSES)), key=lambda m: m["mb_s"])
    print(json.dumps(best))


def _running() -> list[str]:
    """The classifier modules that ran compiled (none for a tree without a build)."""
    try:
        from streams.classify import NATIVE
    except ImportError:
        return []
    return sorted(NATIVE.modules) if NATIVE.compiled else []


if __name__ == "__main__":
    main()
