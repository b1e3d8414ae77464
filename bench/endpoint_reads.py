"""Hostile reads benchmark: documents keep reaching the warehouse while the SQL endpoint
is flooded with heavy reads.

The embedded stack (broker, worker, sink serving the SQL endpoint). Documents are
published at ``--rate`` (10/s) for ``--seconds``; latency is the document's ``observed_at``
(stamped when sent) to its ``documents`` row (``ingested_at``, the warehouse's clock) and
to its classification. Baseline, same run: the same load with no other reader. Then the
same load while ``--hostile`` clients loop over heavy reads as the read-only user
(``count()`` of 2e10 numbers, sums of 1e12, a huge ``groupArray``, a huge result, and a
client that disconnects mid-read). Writes bench/results/endpoint_reads.json and a row in
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import _restamp, percentile, synthetic_documents  # noqa: E402
from bench.report import append_row, machine  # noqa: E402
from ops.access import open_warehouse  # noqa: E402
from ops.settings import load_settings  # noqa: E402
from ops.supervisor import Stack  # noqa: E402
from producers.publish import Outgoing, Publisher  # noqa: E402

TITLE = "SQL endpoint under hostile reads (document → warehouse)"
INTRO = (
    "Embedded stack on one machine (broker, worker, sink with the SQL endpoint, the load "
    "generator and the hostile clients share its 2 cores). Documents (~3 KB) at the offered "
    "rate; latency: the document's `observed_at` (stamped when sent) to its `documents` row "
    "(`ingested_at`) and to its classification row. Baseline, same run: no other reader. "
    "Hostile: clients looping as the read-only user over `SELECT count() FROM "
    "numbers(2e10)`, `sum(number)` of 1e12 numbers, a `groupArray` of 1e10, a result of 1e10 "
    "rows, and a client that disconnects mid-read. Goal: document p99 ≤ 2 s at 10 documents/s "
    "while they run. One row per run, newest last.\n\n"
    "| date | machine | docs/s | documents per phase | baseline document p50 / p99 (s) "
    "| hostile document p50 / p99 / max (s) | hostile classification p99 (s) "
    "| hostile clients | hostile answers | goal |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)
HOSTILE = [
    "SELECT count() FROM numbers(2e10)",
    "SELECT sum(number) FROM numbers(1e12)",
    "SELECT length(groupArray(number)) FROM numbers(1e10)",
    "SELECT number FROM numbers(1e10)",
]


class Hostile:
    """Threads looping over heavy reads; counts the answers by status and error code."""

    def __init__(self, url: str, clients: int) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._stop = threading.Event()
        self.answers: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(clients)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def _loop(self, index: int) -> None:
        n = index
        while not self._stop.is_set():
            sql = HOSTILE[n % len(HOSTILE)]
            leave = n % (len(HOSTILE) + 1) == len(HOSTILE)  # now and then: disconnect mid-read
            n += 1
            answer = self._one(sql, leave)
            with self._lock:
                self.answers[answer] += 1
            if answer.startswith("503"):
                self._stop.wait(0.2)

    def _one(self, sql: str, leave: bool) -> str:
        client = http.client.HTTPConnection(self._host, self._port, timeout=600)
        try:
            client.request("POST", "/?" + urlencode({"user": "default"}), body=sql.encode())
            if leave:
                time.sleep(1)
                return "disconnected"
            reply = client.getresponse()
            reply.read()
            return f"{reply.status} {reply.getheader('X-ClickHouse-Exception-Code') or ''}".strip()
        except OSError as exc:
            return type(exc).__name__
        finally:
            client.close()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)


def offer(bootstrap: str, prefix: str, rate: int, seconds: int) -> int:
    count = rate * seconds
    docs = synthetic_documents(count, 3, prefix)
    publisher = Publisher(bootstrap)
    tick = 1.0 / rate
    start = time.monotonic()
    try:
        for i, raw in enumerate(docs):
            publisher.publish([Outgoing("policy.documents", None, _restamp(raw))])
            time.sleep(max(0.0, start + (i + 1) * tick - time.monotonic()))
    finally:
        publisher.close()
    return count


def latencies(warehouse: Any, prefix: str, table: str, count: int, timeout: float) -> list[float]:
    """observed_at -> first row in ``table``, once all ``count`` documents are there."""
    deadline = time.monotonic() + timeout
    sql = (
        "SELECT dateDiff('millisecond', d.observed_at, t.first_seen) AS ms FROM "
        "(SELECT document_id, min(observed_at) AS observed_at FROM documents "
        " WHERE startsWith(document_id, {p:String}) GROUP BY document_id) AS d "
        f"INNER JOIN (SELECT document_id, min(ingested_at) AS first_seen FROM {table} "
        " WHERE startsWith(document_id, {p:String}) GROUP BY document_id) AS t "
        "USING document_id"
    )
    while True:
        rows = warehouse.query(sql, params={"p": prefix})
        if len(rows) >= count or time.monotonic() > deadline:
            return [float(r["ms"]) / 1000 for r in rows]
        time.sleep(0.5)


def phase(bootstrap: str, warehouse: Any, prefix: str, rate: int, seconds: int) -> dict[str, Any]:
    count = offer(bootstrap, prefix, rate, seconds)
    docs = latencies(warehouse, prefix, "documents", count, timeout=120)
    classified = latencies(warehouse, prefix, "classifications", count, timeout=120)
    return {
        "documents": count,
        "stored": len(docs),
        "document_p50_s": percentile(docs, 0.5),
        "document_p99_s": percentile(docs, 0.99),
        "document_max_s": max(docs) if docs else float("nan"),
        "classified": len(classified),
        "classification_p50_s": percentile(classified, 0.5),
        "classification_p99_s": percentile(classified, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--hostile", type=int, default=6, help="hostile client threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pw-bench-reads-") as tmp:
        settings = load_settings(data_dir=Path(tmp) / "var", streams={"workers": 1})
        stack = Stack(settings)
        run = stack.start()
        try:
            bootstrap = run["broker"]["bootstrap"]
            warehouse = open_warehouse(settings, write=True)  # the measuring client
            baseline = phase(bootstrap, warehouse, "rb", args.rate, args.seconds)
            print("baseline", json.dumps(baseline))
            hostile = Hostile(run["sql"]["url"], args.hostile)
            hostile.start()
            time.sleep(3)  # the reads are running
            try:
                loaded = phase(bootstrap, warehouse, "rh", args.rate, args.seconds)
            finally:
                hostile.stop()
            print("hostile", json.dumps(loaded), dict(hostile.answers))
            warehouse.close()
        finally:
            stack.stop()
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "rate": args.rate,
        "seconds": args.seconds,
        "hostile_clients": args.hostile,
        "baseline": baseline,
        "hostile": loaded,
        "hostile_answers": dict(hostile.answers),
    }
    out = ROOT / "bench" / "results" / "endpoint_reads.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result)


def write_markdown(r: dict[str, Any]) -> None:
    b, h = r["baseline"], r["hostile"]
    complete = h["stored"] == h["documents"]
    goal = "met" if complete and h["document_p99_s"] <= 2.0 else "not met"
    answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["hostile_answers"].items()))
    row = (
        f"| {r['date']} | {r['machine']} | {r['rate']} | {h['documents']} "
        f"| {b['document_p50_s']:.2f} / {b['document_p99_s']:.2f} "
        f"| {h['document_p50_s']:.2f} / {h['document_p99_s']:.2f} / {h['document_max_s']:.2f} "
        f"| {h['classification_p99_s']:.2f} | {r['hostile_clients']} | {answers} | {goal} |"
    )
    append_row(TITLE, INTRO, row)


if __name__ == "__main__":
    main()
