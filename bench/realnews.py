"""Classification quality on real published news: the labelled set in ../shared/realnews.

The set (110 excerpts of public pages, English and Japanese, news and official
statements, hard negatives; gold labels, story keys, commitments and the date a
reader can tell from the text) lives outside the repository: its texts are third
party's and are never copied here. This runs `policywatch classify` on it exactly as
a user would (the JSONL reader, the default taxonomy, stories across the run), maps
our label ids to the set's canonical names (bench/realnews_labels.json: a name-level
correspondence, kept by hand, nothing per document) and scores with the set's own
scorer (score.py, next to the set). Predictions go to a temporary file, never into
the repository; only the figures are kept (bench/results/realnews.json).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bench.report import machine, replace_section  # noqa: E402
from ops.features.offline_classify import classify_items, read_items  # noqa: E402
from producers.records import FileDefaults, ParsedItem  # noqa: E402
from streams.classify.classifier import Classifier  # noqa: E402
from streams.taxonomy.load import load_taxonomy  # noqa: E402
from streams.taxonomy.model import Taxonomy  # noqa: E402

SET_DIR = ROOT.parent / "shared" / "realnews"
LABELS = ROOT / "bench" / "realnews_labels.json"
RESULTS = ROOT / "bench" / "results" / "realnews.json"


def load_scorer(set_dir: Path = SET_DIR) -> ModuleType:
    """The set's own scorer, imported from beside the set."""
    path = set_dir / "score.py"
    if not path.exists():
        raise SystemExit(f"{path} not found: the realnews set belongs in ../shared/realnews")
    spec = importlib.util.spec_from_file_location("realnews_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predictions(
    set_dir: Path = SET_DIR,
    classifier: Classifier | None = None,
    items: list[ParsedItem] | None = None,
) -> list[dict[str, Any]]:
    """One prediction per document, as `policywatch classify --format jsonl` writes it
    (``items``: the set already read, to classify it again without reading it again)."""
    classifier = classifier or Classifier(load_taxonomy())
    if items is None:
        items = list(read_items(set_dir / "docs.jsonl", FileDefaults()))
    out = []
    for outcome in classify_items(classifier, iter(items)):
        if outcome.result is None:
            raise SystemExit(f"{outcome.location}: {outcome.error}")
        out.append(outcome.result)
    return out


def score(preds: list[dict[str, Any]], set_dir: Path = SET_DIR) -> dict[str, Any]:
    """The scorer's summary of ``preds`` (without per-document details)."""
    scorer = load_scorer(set_dir)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictions.jsonl"
        path.write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8"
        )
        gold = scorer.Gold(scorer.read_jsonl(set_dir / "docs.jsonl", "docs"))
        found = scorer.load_predictions(path, gold)
        result: dict[str, Any] = scorer.score(gold, found, scorer.load_mapping(LABELS), False, True)
    return result


_BRACKETED = re.compile(r"\s*\([^)]*\)")


def candidate_coverage(
    preds: list[dict[str, Any]], taxonomy: Taxonomy, set_dir: Path = SET_DIR
) -> dict[str, Any]:
    """Initiatives the taxonomy lacks, and how many the classifier proposes as candidates.

    A gold initiative label (required or optional) is lacking when no initiative of the
    taxonomy reaches it, by id or name, the way score.py resolves a prediction (through
    bench/realnews_labels.json, else by canonical name). In each document that carries
    it, it counts as found when one of the document's initiative candidates names it: the
    candidate's name and the label's name (without a bracketed qualifier) or one of the
    surface forms the set lists for it (taxonomy.yaml's aliases_seen) contain one another
    after score.py's normalisation.
    """
    scorer = load_scorer(set_dir)
    gold = scorer.Gold(scorer.read_jsonl(set_dir / "docs.jsonl", "docs"))
    maps = scorer.load_mapping(LABELS)
    known = {
        gold.resolve("initiatives", {"id": i.id, "name": i.name}, maps)
        for i in taxonomy.initiatives
    }
    listed = yaml.safe_load((set_dir / "taxonomy.yaml").read_text(encoding="utf-8"))
    aliases = {
        scorer.norm(i["name"]): i.get("aliases_seen") or [] for i in listed.get("initiatives", [])
    }
    by_id = {p["id"]: p for p in preds}
    lacking: dict[str, dict[str, Any]] = {}
    for doc in gold.docs:
        labels = [(n, False) for n in doc["gold"].get("initiatives", [])]
        labels += [(n, True) for n in doc["gold"].get("initiatives_optional", [])]
        for name, optional in labels:
            key = scorer.norm(name)
            if key in known:
                continue
            forms = {scorer.norm(_BRACKETED.sub("", name)), key}
            forms |= {scorer.norm(a) for a in aliases.get(key, [])}
            names = [scorer.norm(c["name"]) for c in by_id.get(doc["id"], {}).get("candidates", [])]
            hit = any(a in c or c in a for a in forms for c in names if c)
            entry = lacking.setdefault(name, {"name": name, "docs": 0, "found_in": 0})
            entry["optional"] = entry.get("optional", True) and optional
            entry["docs"] += 1
            entry["found_in"] += hit
    rows = sorted(lacking.values(), key=lambda e: e["name"])
    required = [e for e in rows if not e["optional"]]
    return {
        "lacking": rows,
        "lacking_gold": len(required),
        "lacking_optional_only": len(rows) - len(required),
        "found": sum(e["found_in"] > 0 for e in rows),
        "found_gold": sum(e["found_in"] > 0 for e in required),
    }


def render_coverage(coverage: dict[str, Any]) -> str:
    rows = coverage["lacking"]
    names = "; ".join(
        f"{e['name']}{' (optional)' if e['optional'] else ''}: {e['found_in']} of {e['docs']}"
        for e in rows
    )
    return (
        f"Initiatives the taxonomy lacks (gold labels no taxonomy initiative reaches through "
        f"score.py and bench/realnews_labels.json): {coverage['lacking_gold']} gold, "
        f"{coverage['lacking_optional_only']} optional only; found as candidates: "
        f"{coverage['found_gold']} of {coverage['lacking_gold']} gold, {coverage['found']} of "
        f"{len(rows)} in all"
        + (f" (documents with a candidate naming it: {names})." if rows else ".")
    )


def held_out_discovery(taxonomy: Taxonomy, set_dir: Path = SET_DIR) -> dict[str, Any]:
    """Discovery as on news the taxonomy does not know: for each gold initiative in turn,
    the taxonomy without the entries that reach it, the set classified again, and whether
    a candidate of a document carrying it names it (``candidate_coverage``'s rule)."""
    scorer = load_scorer(set_dir)
    gold = scorer.Gold(scorer.read_jsonl(set_dir / "docs.jsonl", "docs"))
    maps = scorer.load_mapping(LABELS)
    names = sorted({n for doc in gold.docs for n in doc["gold"].get("initiatives", [])})
    items = list(read_items(set_dir / "docs.jsonl", FileDefaults()))
    rows = []
    for name in names:
        key = scorer.norm(name)
        dropped = {
            i.id
            for i in taxonomy.initiatives
            if gold.resolve("initiatives", {"id": i.id, "name": i.name}, maps) == key
        }
        without = taxonomy.model_copy(
            update={"initiatives": [i for i in taxonomy.initiatives if i.id not in dropped]}
        )
        found = predictions(set_dir, Classifier(without), items)
        coverage = candidate_coverage(found, without, set_dir)
        entry = next((e for e in coverage["lacking"] if e["name"] == name), None)
        found_in = entry["found_in"] if entry else 0
        rows.append({"name": name, "docs": entry["docs"] if entry else 0, "found_in": found_in})
    return {"initiatives": rows, "found": sum(r["found_in"] > 0 for r in rows)}


def render_held_out(held_out: dict[str, Any]) -> str:
    rows = held_out["initiatives"]
    return (
        f"Discovery held out (each gold initiative removed from the taxonomy in turn, the set "
        f"classified again): {held_out['found']} of {len(rows)} found as a candidate in at "
        f"least one of their documents (goal: half)."
    )


def render(result: dict[str, Any]) -> str:
    lines = ["| label type | precision | recall | F1 | tp / fp / fn |", "|---|---|---|---|---|"]
    for name in ("initiatives", "actors", "countries", "story_pairs"):
        s = result[name]
        p = "n/a" if s["precision"] is None else f"{s['precision']:.3f}"
        r = "n/a" if s["recall"] is None else f"{s['recall']:.3f}"
        lines.append(f"| {name} | {p} | {r} | {s['f1']:.3f} | {s['tp']} / {s['fp']} / {s['fn']} |")
    c = result.get("commitments", {})
    d = result.get("date_in_text", {})

    def f(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    lines.append(
        f"\nRelevance accuracy {f(result['relevance_accuracy_explicit'])} (the `relevant` flag; "
        f"{f(result['relevance_accuracy_derived'])} derived from any label). Commitments: gold "
        f"{c.get('gold')}, predicted {c.get('predicted')}; window exact recall "
        f"{f(c.get('window_exact_recall'))}, precision {f(c.get('window_exact_precision'))}; "
        f"overlap recall {f(c.get('window_overlap_recall'))}. Publication date read from the "
        f"text: {d.get('correct')} of {d.get('docs')} ({f(d.get('accuracy'))})."
    )
    return "\n".join(lines)


def misses(result: dict[str, Any]) -> list[str]:
    """Per-document errors, for diagnosis (ids and label names only)."""
    out = []
    for rep in result["per_doc"]:
        parts = []
        for kind, labels in rep["misses"].items():
            parts.append(f"miss {kind}: {'; '.join(labels)}")
        for kind, labels in rep["false_alarms"].items():
            parts.append(f"false {kind}: {'; '.join(labels)}")
        if "story" in rep:
            st = rep["story"]
            parts.append(
                f"story {st['gold']}: missing {st['missing_mates']} wrong {st['wrong_mates']}"
            )
        if "commitments" in rep:
            parts.append(
                f"commitments gold {rep['commitments']['gold']} pred {rep['commitments']['pred']}"
            )
        if "date" in rep:
            parts.append(f"date gold {rep['date']['gold']} pred {rep['date']['pred']}")
        rel = rep["relevant"]
        if rel.get("explicit", rel["derived"]) != rel["gold"]:
            parts.append(f"relevant gold {rel['gold']} got {rel.get('explicit')}")
        if parts:
            out.append(f"{rep['id']}: " + " | ".join(parts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", type=Path, default=SET_DIR, help="folder of docs.jsonl + score.py")
    parser.add_argument("--misses", action="store_true", help="print every document's errors")
    parser.add_argument("--doc", action="store_true", help="rewrite the docs/BENCHMARKS.md section")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    classifier = Classifier(taxonomy)
    preds = predictions(args.set, classifier)
    result = score(preds, args.set)
    coverage = candidate_coverage(preds, taxonomy, args.set)
    held_out = held_out_discovery(taxonomy, args.set)
    print(render(result))
    print(render_coverage(coverage))
    print(render_held_out(held_out))
    if args.misses:
        print("\n".join(misses(result)))
    summary = {k: v for k, v in result.items() if k != "per_doc"}
    summary["candidate_coverage"] = coverage
    summary["discovery_held_out"] = held_out
    summary["date"] = datetime.now(UTC).date().isoformat()
    summary["machine"] = machine()
    summary["classifier_version"] = classifier.version
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    if args.doc:
        body = (
            f"Run {summary['date']}, classifier {classifier.version}. `make eval` on "
            f"../shared/realnews: {result['docs']} excerpts of real public pages (news and "
            "official statements, English and Japanese, hard negatives), labelled outside the "
            "project; classified by `policywatch classify` with the default taxonomy and "
            "scored by the set's own score.py, our ids mapped to its names by "
            "bench/realnews_labels.json. Developed against, so optimistic for unseen text.\n\n"
            + render(result)
            + "\n\n"
            + render_coverage(coverage)
            + " "
            + render_held_out(held_out)
        )
        replace_section("Classification quality (real news)", body)


if __name__ == "__main__":
    main()
