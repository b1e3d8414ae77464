"""The two brokers of the one-machine stack, measured in one run: Kafka against Tansu.

For each broker: time from spawn to the first answered metadata request and the
resident memory once ready (median of 3 starts, on empty data), then the embedded
stack on it: the bare Faust pass-through (the baseline) and the pipeline (ingest ->
classify -> warehouse) over the same number of documents, and the broker's resident
memory at the end (VmRSS, and its peak VmHWM). Writes bench/results/brokers.json
and the "Brokers" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import run_passthrough, run_pipeline  # noqa: E402
from bench.report import machine, replace_section  # noqa: E402
from ops.access import open_warehouse  # noqa: E402
from ops.broker import start_broker  # noqa: E402
from ops.settings import load_settings  # noqa: E402
from ops.supervisor import Stack  # noqa: E402

KINDS = ("tansu", "kafka")


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def measure_start(kind: str, workdir: Path, runs: int) -> dict[str, Any]:
    seconds, rss = [], []
    for i in range(runs):
        data = workdir / f"start-{kind}-{i}"
        settings = load_settings(data_dir=data, broker={"kind": kind})
        started = time.monotonic()
        broker = start_broker(settings, data, data / "logs")
        seconds.append(time.monotonic() - started)
        rss.append(memory_mb(broker.proc.pid)[0])
        broker.stop()
    return {"start_s": statistics.median(seconds), "ready_rss_mb": statistics.median(rss)}


def measure_stack(kind: str, workdir: Path, documents: int, workers: int) -> dict[str, Any]:
    settings = load_settings(
        data_dir=workdir / f"stack-{kind}",
        broker={"kind": kind},
        streams={"workers": workers},
        api={"port": 0},  # a free port: another stack may hold the default
    )
    stack = Stack(settings)
    run = stack.start()
    try:
        bootstrap = run["broker"]["bootstrap"]
        version = run["broker"]["version"]
        warehouse = open_warehouse(settings)
        baseline = run_passthrough(bootstrap, documents, workdir / kind)
        print(f"{kind}: bare Faust pass-through {baseline['messages_per_s']:,.0f} msg/s")
        pipeline = run_pipeline(bootstrap, warehouse, documents)
        print(f"{kind}: pipeline {pipeline['documents_per_s']:,.0f} docs/s")
        warehouse.close()
        assert stack.broker is not None
        rss, peak = memory_mb(stack.broker.proc.pid)
    finally:
        stack.stop()
    return {
        "version": version,
        "passthrough": baseline,
        "pipeline": pipeline,
        "end_rss_mb": rss,
        "peak_rss_mb": peak,
    }


def write_markdown(result: dict[str, Any]) -> None:
    rows = []
    for kind in KINDS:
        r = result["brokers"][kind]
        p, b = r["pipeline"], r["passthrough"]
        rows.append(
            f"| {kind} {r['version']} | {r['start_s']:.1f} | {r['ready_rss_mb']:.0f} "
            f"| {r['end_rss_mb']:.0f} / {r['peak_rss_mb']:.0f} "
            f"| {b['messages_per_s']:,.0f} | {p['documents_per_s']:,.0f} "
            f"| {p['documents_per_s'] / b['messages_per_s']:.2f}x |"
        )
    k, t = result["brokers"]["kafka"], result["brokers"]["tansu"]
    body = (
        f"Run {result['date']} on {result['machine']}; `python bench/brokers.py` (in `make "
        f"bench`). Each broker in turn under the embedded stack ({result['workers']} classify "
        f"workers, {result['documents']:,} synthetic ~3 KB documents), in the same run. Start: "
        "spawn to the first answered metadata request, median of "
        f"{result.get('starts', 3)} starts on empty data; "
        "memory: the broker process's resident set when ready, and at the end of the stack's "
        f"run (current / peak). Load average at the end: {result.get('load_average_1m', '?')} "
        "(other work shares the 2 cores; absolute figures fall as it rises). Kafka runs with "
        "`-Xmx"
        f"{result['kafka_heap_mb']}m` (`POLICYWATCH_BROKER__HEAP_MB`).\n\n"
        "| broker | start (s) | memory when ready (MB) | memory after the run, now / peak "
        "(MB) | bare Faust pass-through msg/s | pipeline docs/s | ratio |\n"
        "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Kafka / Tansu: pass-through {k['passthrough']['messages_per_s'] / t['passthrough']['messages_per_s']:.2f}x, "  # noqa: E501
        f"pipeline {k['pipeline']['documents_per_s'] / t['pipeline']['documents_per_s']:.2f}x."
    )
    replace_section("Brokers: Kafka and Tansu", body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "documents": args.documents,
        "workers": args.workers,
        "kafka_heap_mb": load_settings().broker.heap_mb,
        "starts": args.starts,
        "brokers": {},
    }
    with tempfile.TemporaryDirectory(prefix="pw-brokers-") as tmp:
        workdir = Path(tmp)
        for kind in KINDS:
            (workdir / kind).mkdir()
            started = measure_start(kind, workdir, args.starts)
            print(f"{kind}: ready in {started['start_s']:.1f}s, {started['ready_rss_mb']:.0f} MB")
            stack = measure_stack(kind, workdir, args.documents, args.workers)
            result["brokers"][kind] = {**started, **stack}
    result["load_average_1m"] = round(os.getloadavg()[0], 1)
    out = ROOT / "bench" / "results" / "brokers.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
