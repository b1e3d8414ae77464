"""Pipeline benchmark: ingest -> classify -> warehouse on the embedded stack.

Measures, in one run on one broker:
  * pipeline throughput: N synthetic ~3 KB documents published at once, until every
    classification is visible in the warehouse;
  * latency at an offered load (default 500 documents/s): observed_at -> row visible;
  * the live path during a replay: documents at 100/s while `replay --force` republishes
    every stored document, against the same live load alone;
  * baseline: a bare Faust pass-through agent over the same N messages.
Writes bench/results/pipeline.json and a row in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import append_row, machine, replace_section  # noqa: E402
from bench.role_cpu import snapshot, stack_pids, used_between  # noqa: E402
from ops.features.replay import replay  # noqa: E402
from ops.features.replay_pacing import CHUNK, Pacer  # noqa: E402
from ops.features.replay_progress import BacklogReader  # noqa: E402
from ops.roles.stack import Stack  # noqa: E402
from ops.runtime.access import open_warehouse  # noqa: E402
from ops.runtime.topics import ensure_topics  # noqa: E402
from ops.settings import Settings, load_settings  # noqa: E402
from producers.publish import Outgoing, Publisher  # noqa: E402
from schemas.codec import encode  # noqa: E402
from schemas.documents import SourceRef, observe_document  # noqa: E402
from schemas.envelope import Producer  # noqa: E402
from sinks.read_model.documents import ReplayFilter  # noqa: E402

# A quarter of the sentences carry policy entities, as in a news report; the rest are
# filler drawn from a fixed vocabulary, so documents differ as real ones do.
FILLER = " ".join(
    [
        "officials analysts markets delegation talks week region statement agenda support",
        "growth trade energy budget ministry council economy security cooperation visit",
        "leaders press conference reporters agreement meeting partners summit plan review",
        "investment infrastructure ports shipping technology research students exchange",
        "culture tourism railway finance climate health supply chain industry",
    ]
).split(" ")
PHRASES = [
    "External Affairs Minister S Jaishankar met Japanese Foreign Minister Toshimitsu Motegi",
    "the Joint Working Group on Critical Minerals will convene in early 2026",
    "the second Economic Security Dialogue is scheduled for the first half of 2026",
    "both sides reaffirmed their commitment to a Free and Open Indo-Pacific",
    "the Quad foreign ministers discussed maritime domain awareness",
    "Prime Minister Narendra Modi welcomed the launch of the AI Dialogue",
    "officials reviewed progress on the Mumbai-Ahmedabad high speed rail project",
    "the monsoon session of parliament opened with a debate on farm prices",
    "a local cricket league announced its fixtures for the coming season",
    "markets closed higher as investors weighed quarterly earnings reports",
]


def synthetic_documents(count: int, seed: int, prefix: str) -> list[bytes]:
    rng = random.Random(seed)
    producer = Producer(name="bench", version="1")
    source = SourceRef(id="bench", kind="news", name="Bench")
    out = []
    for i in range(count):
        sentences: list[str] = []
        size = 0
        while size < 3000:
            if rng.random() < 0.25:
                sentence = rng.choice(PHRASES)
            else:
                sentence = " ".join(rng.choice(FILLER) for _ in range(rng.randint(8, 18)))
            sentences.append(sentence[0].upper() + sentence[1:])
            size += len(sentence) + 2
        body = ". ".join(sentences) + "."
        event = observe_document(
            document_id=f"{prefix}{i:07d}",
            source=source,
            title=f"Bench {i}",
            body=body,
            producer=producer,
            published_at=datetime(2026, 1, 1 + i % 28, tzinfo=UTC),
        )
        out.append(encode(event))
    return out


POLL_S = 0.5


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def wait_visible(warehouse: Any, prefix: str, count: int, timeout: float) -> float:
    """Wait until ``count`` documents of ``prefix`` are queryable; returns the Unix time the
    last of them became so, read from the rows (the sink stamps ``ingested_at``). Polled
    twice a second: the warehouse has one engine, and a reader polling it faster would take
    its time from the sink being measured."""
    deadline = time.monotonic() + timeout
    while True:
        rows = warehouse.query(
            "SELECT count() AS n, toUnixTimestamp64Milli(max(first_seen)) AS last FROM "
            "(SELECT document_id, min(ingested_at) AS first_seen FROM classifications "
            " WHERE startsWith(document_id, {p:String}) GROUP BY document_id)",
            params={"p": prefix},
        )
        if int(rows[0]["n"]) >= count:
            return int(rows[0]["last"]) / 1000
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {rows[0]['n']} of {count} visible after {timeout}s")
        time.sleep(POLL_S)


def latencies(warehouse: Any, prefix: str) -> list[float]:
    rows = warehouse.query(
        "SELECT dateDiff('millisecond', d.observed_at, c.first_seen) AS ms FROM "
        "(SELECT document_id, min(observed_at) AS observed_at FROM documents "
        " WHERE startsWith(document_id, {p:String}) GROUP BY document_id) AS d "
        "INNER JOIN (SELECT document_id, min(ingested_at) AS first_seen FROM classifications "
        " WHERE startsWith(document_id, {p:String}) GROUP BY document_id) AS c "
        "USING document_id",
        params={"p": prefix},
    )
    return [float(r["ms"]) / 1000 for r in rows]


def run_pipeline(bootstrap: str, warehouse: Any, count: int) -> dict[str, Any]:
    docs = synthetic_documents(count, 1, "bt")
    publisher = Publisher(bootstrap)
    started = time.time()
    publisher.publish([Outgoing("policy.documents", None, d) for d in docs])
    published = time.time()
    done = wait_visible(warehouse, "bt", count, timeout=max(120, count / 100))
    publisher.close()
    lat = latencies(warehouse, "bt")
    return {
        "documents": count,
        "seconds": done - started,
        "documents_per_s": count / (done - started),
        "publish_seconds": published - started,
        "latency_p50_s": percentile(lat, 0.5),
        "latency_p99_s": percentile(lat, 0.99),
    }


def run_offered_load(
    bootstrap: str,
    warehouse: Any,
    rate: int,
    seconds: int,
    *,
    prefix: str = "bl",
    seed: int = 2,
    timeout: float = 120,
) -> dict[str, Any]:
    count = rate * seconds
    docs = synthetic_documents(count, seed, prefix)
    publisher = Publisher(bootstrap)
    tick = 0.1
    per_tick = max(1, int(rate * tick))
    start = time.monotonic()
    for i in range(0, count, per_tick):
        # observed_at is set when the event is built; rebuild it at send time
        batch = [
            d.replace(b'"observed_at":"', b'"observed_at":"', 1) for d in docs[i : i + per_tick]
        ]
        batch = [_restamp(d) for d in batch]
        publisher.publish([Outgoing("policy.documents", None, d) for d in batch])
        target = start + (i // per_tick + 1) * tick
        time.sleep(max(0.0, target - time.monotonic()))
    wait_visible(warehouse, prefix, count, timeout=timeout)
    publisher.close()
    lat = latencies(warehouse, prefix)
    return {
        "offered_per_s": rate,
        "documents": count,
        "latency_p50_s": percentile(lat, 0.5),
        "latency_p99_s": percentile(lat, 0.99),
        "latency_max_s": max(lat),
    }


LIVE_RATE = 100  # documents/s: the live rate the replay must leave alone


def run_live_during_replay(
    bootstrap: str, warehouse: Any, settings: Settings, seconds: int
) -> dict[str, Any]:
    """Live documents at LIVE_RATE/s alone (the baseline), then again while a replay
    (``replay --force``, as after a taxonomy change, paced as the command paces it)
    republishes every stored document: document -> queryable for the live ones, and the
    replay's own rate. The replay reads the event log through its own connection, as the
    command does."""
    alone = run_offered_load(bootstrap, warehouse, LIVE_RATE, seconds, prefix="ba", seed=4)
    replayed: list[float] = []

    def republish() -> None:
        log = open_warehouse(settings)
        publisher = Publisher(bootstrap)
        pacer = Pacer(BacklogReader(settings, bootstrap, log))
        started = time.monotonic()
        try:
            sent = replay(
                log,
                publisher,
                "policy.documents",
                ReplayFilter(),
                force=True,
                pace=pacer.wait,
                chunk=CHUNK,
            )
            replayed.extend([sent, time.monotonic() - started])
        finally:
            publisher.close()
            log.close()

    thread = threading.Thread(target=republish, name="bench-replay", daemon=True)
    thread.start()
    during = run_offered_load(
        bootstrap, warehouse, LIVE_RATE, seconds, prefix="bv", seed=5, timeout=900
    )
    thread.join(timeout=1800)
    sent, took = replayed or [0, float("nan")]
    return {
        "rate": LIVE_RATE,
        "replayed": int(sent),
        "replay_publish_seconds": took,
        "replay_per_s": sent / took if took else float("nan"),
        "alone": alone,
        "during": during,
    }


def _restamp(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["observed_at"] = datetime.now(UTC).isoformat()
    return json.dumps(data).encode()


def run_passthrough(bootstrap: str, count: int, workdir: Path) -> dict[str, Any]:
    ensure_topics(bootstrap, ["bench.in", "bench.out"], partitions=4)
    out = workdir / "passthrough.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "passthrough.py"),
            bootstrap,
            "bench.in",
            "bench.out",
            str(count),
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 120
        while not out.with_suffix(".ready").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("pass-through worker did not start")
            time.sleep(0.05)
        publisher = Publisher(bootstrap)
        publisher.publish(
            [Outgoing("bench.in", None, d) for d in synthetic_documents(count, 3, "bp")]
        )
        publisher.close()
        deadline = time.monotonic() + max(120, count / 100)
        while not out.exists():
            if time.monotonic() > deadline:
                raise RuntimeError("pass-through did not finish")
            time.sleep(0.05)
        result = json.loads(out.read_text())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {
        "messages": count,
        "seconds": result["seconds"],
        "messages_per_s": count / result["seconds"],
    }


PIPELINE_TITLE = "Pipeline (ingest → classify → warehouse)"
PIPELINE_INTRO = (
    "Synthetic ~3 KB documents (a quarter of the sentences name initiatives and actors). "
    "Throughput: all documents published at once, until every classification is queryable. "
    "Latency: `observed_at` to the classification row being visible, at the offered load. "
    "Baseline: a bare Faust agent consuming and re-sending the same number of messages on the "
    "same broker, in the same run. One row per run, newest last.\n\n"
    "| date | machine | workers | documents | pipeline docs/s | bare pass-through msg/s | ratio "
    "| offered docs/s | p50 / p99 latency at offered load (s) |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


LIVE_TITLE = "Live documents during a replay"
LIVE_INTRO = (
    "Goal: document -> queryable p99 at most 2 s for live documents at 100/s while a replay "
    "runs. Live: synthetic documents published at 100/s for the run's seconds; replay: "
    "`policywatch replay --force` of every document the warehouse holds (the throughput and "
    "load runs' documents), started as the live documents start, paced as the command paces "
    "it (a chunk at a time, each once the stack's backlog is small). Baseline: the same live "
    "load alone, just before, same run; the replay's rate (documents published per second, "
    "paced by what the stack takes) beside the pipeline's throughput of the same run. One "
    "row per run, newest last; the first row's replay was published all at once.\n\n"
    "| date | machine | replayed documents | live p50 / p99 alone (s) "
    "| live p50 / p99 during the replay (s) | replay docs/s (pipeline docs/s) "
    "| goal (p99 ≤ 2 s) |\n"
    "|---|---|---|---|---|---|---|"
)


def live_row(result: dict[str, Any]) -> str:
    live = result["live_during_replay"]
    alone, during = live["alone"], live["during"]
    met = "met" if during["latency_p99_s"] <= 2.0 else "not met"
    return (
        f"| {result['date']} | {result['machine']} | {live['replayed']:,} "
        f"| {alone['latency_p50_s']:.2f} / {alone['latency_p99_s']:.2f} "
        f"| {during['latency_p50_s']:.2f} / {during['latency_p99_s']:.2f} "
        f"| {live['replay_per_s']:,.0f} ({result['pipeline']['documents_per_s']:,.0f}) | {met} |"
    )


CPU_TITLE = "Pipeline CPU by role"
WORK_DOCUMENTS = 2_000


def per_document_work(count: int = WORK_DOCUMENTS) -> dict[str, float]:
    """CPU ms per document of what a classify worker does to one outside Faust and Kafka
    (decode, classify, story features, the event), in this process on the same synthetic
    documents, warm: the floor under the pipeline's cost, whatever the framework does."""
    from streams.classify.classifier import Classifier
    from streams.pipeline import RecordRef, process_document
    from streams.taxonomy.load import load_taxonomy

    docs = synthetic_documents(count, 3, "pw")
    classifier = Classifier(load_taxonomy())
    producer = Producer(name="bench", version="1")
    ref = RecordRef("policy.documents", 0, 0, None)

    def run() -> float:
        started = time.process_time()
        for value in docs:
            process_document(
                value, ref, classifier=classifier, seen_marker=None, stories=None,
                producer=producer, story_stage=True,
            )  # fmt: skip
        return time.process_time() - started

    run()  # warm: the classifier's caches, the compiled modules
    return {"documents": count, "cpu_ms_per_document": round(1000 * min(run(), run()) / count, 3)}


def cpu_section(result: dict[str, Any]) -> str:
    """Where the throughput run's CPU went, per role and per document: what 0.5x of the
    pass-through would ask of the machine's cores."""
    p = result["pipeline"]
    used: dict[str, float] = p.get("cpu_seconds_by_role") or {}
    if not used:
        return "Not measured (CPU time per process is read from /proc, on Linux)."
    docs, total = p["documents"], sum(used.values())
    rows = [
        f"| {name} | {seconds:,.1f} | {1000 * seconds / docs:.2f} |"
        for name, seconds in sorted(used.items(), key=lambda kv: -kv[1])
    ]
    cores = os.cpu_count() or 1
    target = 0.5 * result["baseline"]["messages_per_s"]
    return "\n".join(
        [
            f"Run {result['date']} on {result['machine']}: CPU seconds each process used during "
            f"the throughput run ({docs:,} documents in {p['seconds']:.1f} s), read from /proc.",
            "",
            "| role | CPU s | CPU ms per document |",
            "|---|---|---|",
            *rows,
            f"| all | {total:,.1f} | {1000 * total / docs:.2f} |",
            "",
            "The workers split the classification by partition; one of them also runs the "
            "story stage, whose topic has one partition (the difference between the two).",
            "",
            f"At {1000 * total / docs:.2f} CPU ms per document, {cores} cores allow at most "
            f"{cores * docs / total:,.0f} documents/s; 0.5x of this run's pass-through is "
            f"{target:,.0f}/s.",
            *_work_lines(result, cores),
        ]
    )


def _work_lines(result: dict[str, Any], cores: int) -> list[str]:
    work = result.get("document_work")
    if not work:
        return []
    ms = work["cpu_ms_per_document"]
    ceiling = 1000 * cores / ms
    return [
        "",
        f"What a worker does to a document outside Faust and Kafka (decode, classify, story "
        f"features, the event; in one process, warm, {work['documents']:,} of the same "
        f"documents) takes {ms:.2f} CPU ms: with nothing else running, {cores} cores would "
        f"classify at most {ceiling:,.0f} documents/s, "
        f"{ceiling / result['baseline']['messages_per_s']:.2f}x this run's pass-through.",
    ]


def write_markdown(result: dict[str, Any]) -> None:
    replace_section(CPU_TITLE, cpu_section(result))
    p, b, o = result["pipeline"], result["baseline"], result["offered_load"]
    row = (
        f"| {result['date']} | {result['machine']} | {result['workers']} | {p['documents']} "
        f"| {p['documents_per_s']:,.0f} | {b['messages_per_s']:,.0f} | {result['ratio']:.2f}x "
        f"| {o['offered_per_s']} | {o['latency_p50_s']:.2f} / {o['latency_p99_s']:.2f} |"
    )
    append_row(PIPELINE_TITLE, PIPELINE_INTRO, row)
    if "live_during_replay" in result:
        append_row(LIVE_TITLE, LIVE_INTRO, live_row(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--workers", type=int, default=2, help="classify worker processes (the machine has 2 cores)"
    )
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as tmp:
        workdir = Path(tmp)
        settings = load_settings(data_dir=workdir / "var", streams={"workers": args.workers})
        work = per_document_work()
        print(f"per-document work outside the framework: {work['cpu_ms_per_document']} CPU ms")
        stack = Stack(settings)
        run = stack.start()
        try:
            bootstrap = run["broker"]["bootstrap"]
            warehouse = open_warehouse(settings)
            baseline = run_passthrough(bootstrap, args.documents, workdir)
            print(f"bare Faust pass-through: {baseline['messages_per_s']:,.0f} msg/s")
            pids = stack_pids(run)
            before = snapshot(pids)
            pipeline = run_pipeline(bootstrap, warehouse, args.documents)
            pipeline["cpu_seconds_by_role"] = used_between(before, snapshot(pids))
            print(f"pipeline: {pipeline['documents_per_s']:,.0f} docs/s")
            offered = run_offered_load(bootstrap, warehouse, args.rate, args.seconds)
            print(
                f"at {args.rate} docs/s: p50 {offered['latency_p50_s']:.3f}s "
                f"p99 {offered['latency_p99_s']:.3f}s"
            )
            live = run_live_during_replay(bootstrap, warehouse, settings, args.seconds)
            print(
                f"live at {LIVE_RATE} docs/s: p99 {live['alone']['latency_p99_s']:.3f}s alone, "
                f"{live['during']['latency_p99_s']:.3f}s during a replay of "
                f"{live['replayed']:,} documents"
            )
            warehouse.close()
        finally:
            stack.stop()
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "pipeline": pipeline,
        "baseline": baseline,
        "offered_load": offered,
        "live_during_replay": live,
        "document_work": work,
        "ratio": pipeline["documents_per_s"] / baseline["messages_per_s"],
        "workers": args.workers,
    }
    out = ROOT / "bench" / "results" / "pipeline.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result)
    print(f"ratio pipeline / pass-through: {result['ratio']:.2f}x; wrote {out}")


if __name__ == "__main__":
    main()
