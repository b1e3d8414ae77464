"""Instructions per pass of today's classifier and of the one before real-news reading.

Timing on a shared machine moves by a quarter from run to run, more than the 20 % that
today's classifier may cost over the one at BEFORE_REAL_NEWS (bench/classify.py). The
number of instructions a pass executes does not move: this script counts them with
valgrind (callgrind), in fresh child processes of the same harness
(bench/classify_before.py) on the same documents, each side once with one pass and once
with none after the warm-up; the difference is one pass. Today's classifier runs compiled
if it is built, the earlier one from its sources, as in bench/classify.py. Both read
relative dates against today, so the figures of two days differ a little: compare only
the two sides of one run. Writes bench/results/classify_instructions.json and a row in
docs/BENCHMARKS.md.

Usage: ``python bench/classify_instructions.py [--mb 0.5]`` (about ten minutes for 0.5 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.classify import (  # noqa: E402
    BEFORE_REAL_NEWS,
    LIMIT_VS_BEFORE,
    BeforeUnavailable,
    before_tree,
    build_corpus,
)
from bench.report import append_row, machine  # noqa: E402
from streams.classify import NATIVE  # noqa: E402

_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
TITLE = "Classification instructions (today's classifier against 202bbc8)"
INTRO = (
    "Instructions one pass over the benchmark's documents executes (valgrind callgrind, "
    "`make bench-instructions`): today's classifier (compiled if built) and the one before "
    "real-news reading (its sources), in the same child harness on the same documents, "
    "warm. No timing noise; relative dates resolve against the day of the run, so compare "
    "the two sides of one row. Limit: today's at most 1.2x. One row per run, newest last.\n\n"
    "| date | machine | MB | documents | compiled | today (M) | 202bbc8 (M) | ratio | within |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def instructions(sources: str, documents: Path, passes: int) -> tuple[int, list[str]]:
    """Instructions the child executes classifying ``documents`` ``passes`` times, and the
    modules it ran compiled."""
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, str(ROOT / "bench" / "classify_before.py"),
        sources, str(documents), "0", str(passes),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same set and dict orders each run
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, cwd=sources, env=env
    )
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"the counted run failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    running = json.loads(done.stdout.strip().splitlines()[-1]).get("running", [])
    return int(found.group(1)), running


BUILD_RECORD = ROOT / "streams" / "classify" / "native-build.json"


def _build_record() -> str:
    """The compiled classifier's build record as it is now ("" without a build)."""
    try:
        return BUILD_RECORD.read_text(encoding="utf-8")
    except OSError:
        return ""


def per_pass(sources: str, documents: Path) -> int:
    """One pass: a run with one less a run with none. Both must run the same modules
    compiled: a source edited between them runs from source in the second and makes the
    difference meaningless (it once read 1,163 M instead of 1,648 M)."""
    built = _build_record()
    one, compiled_one = instructions(sources, documents, 1)
    none, compiled_none = instructions(sources, documents, 0)
    if _build_record() != built:  # `make setup` (as `make eval` runs it) rebuilt it meanwhile
        raise SystemExit(
            "the compiled classifier was rebuilt during the run (a make target ran `make "
            "setup`?): run again when nothing else builds it"
        )
    if compiled_one != compiled_none:
        raise SystemExit(
            "the classifier changed during the run (compiled modules "
            f"{', '.join(sorted(set(compiled_one) ^ set(compiled_none)))} in one run only): "
            "rebuild (make setup) and run again without editing its sources"
        )
    return one - none


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=0.5, help="corpus size")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    docs = build_corpus(args.mb)
    try:
        with before_tree(docs) as (before, documents):
            print(f"counting {len(docs)} documents ({args.mb} MB), today's classifier ...")
            now = per_pass(str(ROOT), documents)
            print(f"  {now / 1e6:,.0f} million instructions per pass; {BEFORE_REAL_NEWS} ...")
            earlier = per_pass(before, documents)
    except BeforeUnavailable as exc:
        raise SystemExit(f"the classifier at {BEFORE_REAL_NEWS} is not available: {exc}") from exc
    ratio = now / earlier
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "mb": args.mb,
        "documents": len(docs),
        "compiled": NATIVE.compiled,
        "now_instructions": now,
        "before_commit": BEFORE_REAL_NEWS,
        "before_instructions": earlier,
        "ratio": round(ratio, 3),
        "limit": LIMIT_VS_BEFORE,
    }
    print(
        f"  {earlier / 1e6:,.0f} million: today's takes {ratio:.2f}x the instructions "
        f"(limit {LIMIT_VS_BEFORE}x)"
    )
    out = ROOT / "bench" / "results" / "classify_instructions.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    append_row(TITLE, INTRO, row(result))


def row(result: dict[str, Any]) -> str:
    """The run's row of docs/BENCHMARKS.md, from the result that main writes (the ratio
    from the counts: the stored one is rounded already)."""
    now, earlier = result["now_instructions"], result["before_instructions"]
    ratio = now / earlier
    return (
        f"| {result['when'][:10]} | {result['machine']} | {result['mb']} | "
        f"{result['documents']} | {'yes' if result['compiled'] else 'no'} | "
        f"{now / 1e6:,.0f} | {earlier / 1e6:,.0f} | {ratio:.2f}x | "
        f"{'yes' if ratio <= result['limit'] else 'no'} |"
    )


if __name__ == "__main__":
    main()
