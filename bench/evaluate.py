"""Evaluation of the classifier on the labelled set in tests/eval/documents.jsonl.

Every document there was written for this set and labelled by hand (see
tests/eval/README.md for the conventions). The default taxonomy classifies
each one at its publication date; the labels are compared per type:

- initiatives, actors: sets of ids per document, micro precision/recall/F1;
- relevance: the ``relevant`` flag, precision/recall/F1 of "relevant";
- commitments: due windows (due_from, due_to) per document as a multiset,
  precision/recall/F1; and "window exact": of the expected commitments whose
  date expression was found (spans overlap), the share with the exact window;
- stories: pairs of documents that share a story, precision/recall/F1 over
  all pairs (stories assigned across the whole set, in publication order).

Prints a table, writes bench/results/eval.json (with every miss, for
diagnosis) and, with ``--doc``, the eval section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import machine, replace_section  # noqa: E402
from streams.classify.classifier import Classification, Classifier, DocumentText  # noqa: E402
from streams.classify.stories import StoryIndex  # noqa: E402
from streams.taxonomy.load import load_taxonomy  # noqa: E402

EVAL_SET = ROOT / "tests" / "eval" / "documents.jsonl"
RESULTS = ROOT / "bench" / "results" / "eval.json"
LABEL_TYPES = ("initiatives", "actors", "relevance", "commitments", "stories")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: Counter[Any], predicted: Counter[Any]) -> None:
        hits = sum((expected & predicted).values())
        self.tp += hits
        self.fp += sum(predicted.values()) - hits
        self.fn += sum(expected.values()) - hits

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def load_set(path: Path = EVAL_SET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _windows_found(doc: dict[str, Any], result: Classification) -> tuple[int, int]:
    """(expected commitments whose date expression was found, of those with the exact window)."""
    found = exact = 0
    text = doc["text"]
    for expected in doc["expected"]["commitments"]:
        at = text.find(expected["due_text"])
        span = (at, at + len(expected["due_text"]))
        for c in result.commitments:
            spans = [(e.start, e.end) for e in c.evidence if e.text == c.due_text] or [(-1, -1)]
            if any(s < span[1] and span[0] < e for s, e in spans):
                found += 1
                exact += (c.due_from.isoformat(), c.due_to.isoformat()) == (
                    expected["due_from"],
                    expected["due_to"],
                )
                break
    return found, exact


def evaluate(docs: list[dict[str, Any]], classifier: Classifier) -> dict[str, Any]:
    """Scores per label type and the misses per document."""
    scores = {name: Score() for name in LABEL_TYPES}
    misses: list[dict[str, Any]] = []
    stories = StoryIndex()
    predicted_story: dict[str, str] = {}
    found = exact = 0
    for doc in sorted(docs, key=lambda d: (d["published"], d["id"])):
        day = date.fromisoformat(doc["published"])
        result = classifier.classify(
            DocumentText(doc["id"], doc["title"], doc["text"], doc["language"], day)
        )
        want = doc["expected"]
        got = {
            "initiatives": Counter(lab.id for lab in result.initiatives),
            "actors": Counter(lab.id for lab in result.actors),
            "relevance": Counter(["relevant"] if result.relevant else []),
            "commitments": Counter(
                (c.due_from.isoformat(), c.due_to.isoformat()) for c in result.commitments
            ),
        }
        expected = {
            "initiatives": Counter(want["initiatives"]),
            "actors": Counter(want["actors"]),
            "relevance": Counter(["relevant"] if want["relevant"] else []),
            "commitments": Counter((c["due_from"], c["due_to"]) for c in want["commitments"]),
        }
        for name, counts in got.items():
            scores[name].add(expected[name], counts)
            missing, extra = expected[name] - counts, counts - expected[name]
            if missing or extra:
                misses.append(
                    {
                        "id": doc["id"],
                        "type": name,
                        "missing": sorted(map(str, missing.elements())),
                        "extra": sorted(map(str, extra.elements())),
                    }
                )
        f, e = _windows_found(doc, result)
        found, exact = found + f, exact + e
        if result.relevant:
            labels = {lab.id for lab in result.initiatives} | {lab.id for lab in result.actors}
            when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            predicted_story[doc["id"]] = stories.assign(
                doc["id"], when, f"{doc['title']}\n{doc['text']}", labels
            )
    ids = sorted(d["id"] for d in docs)
    story_of = {d["id"]: d.get("story") for d in docs}
    pairs = list(itertools.combinations(ids, 2))
    expected_pairs = Counter(
        p for p in pairs if story_of[p[0]] and story_of[p[0]] == story_of[p[1]]
    )
    got_pairs = Counter(
        p
        for p in pairs
        if p[0] in predicted_story and predicted_story.get(p[0]) == predicted_story.get(p[1])
    )
    scores["stories"].add(expected_pairs, got_pairs)
    for pair in (expected_pairs - got_pairs).elements():
        misses.append({"id": "+".join(pair), "type": "stories", "missing": ["same story"]})
    for pair in (got_pairs - expected_pairs).elements():
        misses.append({"id": "+".join(pair), "type": "stories", "extra": ["same story"]})
    micro = Score()
    for name in ("initiatives", "actors"):
        micro.tp += scores[name].tp
        micro.fp += scores[name].fp
        micro.fn += scores[name].fn
    return {
        "documents": len(docs),
        "relevant": sum(d["expected"]["relevant"] for d in docs),
        "languages": dict(Counter(d["language"] for d in docs)),
        "classifier_version": classifier.version,
        "taxonomy_version": classifier.taxonomy_version,
        "scores": {name: s.as_json() for name, s in scores.items()},
        "labels_micro": micro.as_json(),
        "commitment_windows": {
            "expected": sum(len(d["expected"]["commitments"]) for d in docs),
            "found": found,
            "exact": exact,
            "window_exact": round(exact / found, 4) if found else 1.0,
        },
        "misses": misses,
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        "| label type | precision | recall | F1 | tp / fp / fn |",
        "|---|---|---|---|---|",
    ]
    for name, s in result["scores"].items():
        lines.append(
            f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {s['tp']} / {s['fp']} / {s['fn']} |"
        )
    s = result["labels_micro"]
    lines.append(
        f"| initiatives + actors (micro) | {s['precision']:.3f} | {s['recall']:.3f} "
        f"| {s['f1']:.3f} | {s['tp']} / {s['fp']} / {s['fn']} |"
    )
    w = result["commitment_windows"]
    lines.append(
        f"\nCommitment windows: {w['found']} of {w['expected']} expected date expressions "
        f"found, {w['exact']} with the exact window (window exact {w['window_exact']:.3f})."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=EVAL_SET, help="labelled JSONL")
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--doc", action="store_true", help="rewrite the docs/BENCHMARKS.md section")
    args = parser.parse_args()
    docs = load_set(args.set)
    result = evaluate(docs, Classifier(load_taxonomy()))
    result["date"] = datetime.now(UTC).date().isoformat()
    result["machine"] = machine()
    langs = ", ".join(f"{n} {lang}" for lang, n in sorted(result["languages"].items()))
    print(f"{result['documents']} documents ({langs}; {result['relevant']} relevant)")
    print(render(result))
    if args.misses:
        for miss in result["misses"]:
            print(
                f"  {miss['id']:<10} {miss['type']:<12} missing {miss.get('missing', [])} "
                f"extra {miss.get('extra', [])}"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    if args.doc:
        body = (
            f"Run {result['date']}, classifier {result['classifier_version']}, taxonomy "
            f"{result['taxonomy_version']}. `make eval` on tests/eval/documents.jsonl: "
            f"{result['documents']} short documents written for the set ({langs}), labelled "
            "by hand; decoys (quad bikes, quadcopters, a skater's quad, the Motegi circuit, "
            "other countries' dialogues, generic AI) included. Not a measure on real news.\n\n"
            + render(result)
        )
        replace_section("Classification quality (labelled set)", body)


if __name__ == "__main__":
    main()
