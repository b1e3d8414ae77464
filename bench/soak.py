"""Soak: a three-broker Kafka cluster on loopback loses nothing when a broker dies mid-ingest.

Three KRaft nodes (each broker and controller) on loopback ports, replication factor
3 and min.insync.replicas 2; `policywatch init`, `sink` and `worker` run against them
as processes (as in the cluster); `policywatch ingest` publishes N documents with
acks=all and an idempotent producer. Once a quarter of them are on the broker, the
node leading most partitions of policy.documents is killed with SIGKILL, and
started again with its data a few seconds later. Then: every acknowledged document
is classified in the warehouse, no count exceeds the distinct documents, and the
time from the restart to the node answering and to every partition being fully
replicated again is reported. Writes bench/results/soak.json and, with --doc, the
soak section of docs/DEPLOY.md. Not part of `make test` (`make soak`).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine  # noqa: E402
from ops.access import endpoint_url  # noqa: E402
from ops.kafka_broker import ClusterLayout, KafkaNode, new_cluster_id, node_ports  # noqa: E402
from ops.kafka_install import installed_kafka  # noqa: E402
from ops.ports import wait_until  # noqa: E402
from ops.process import tail  # noqa: E402
from ops.settings import load_settings  # noqa: E402
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse  # noqa: E402
from tests.e2e.test_crash_recovery import write_corpus  # noqa: E402

DEPLOY = ROOT / "docs" / "DEPLOY.md"
TOPIC = "policy.documents"


def start_cluster(workdir: Path, heap_mb: int) -> list[KafkaNode]:
    settings = load_settings()
    install = installed_kafka(settings.broker.kafka_version, settings.broker_cache_dir)
    if install is None:
        raise SystemExit("no Kafka installed: run `policywatch broker install` (make broker)")
    nodes = [
        KafkaNode(install, workdir / f"node-{i}", node_id=i, heap_mb=heap_mb) for i in (1, 2, 3)
    ]
    layout = ClusterLayout(
        {n.node_id: node_ports(n.home) for n in nodes}, replication_factor=3, min_insync_replicas=2
    )
    cluster_id = new_cluster_id()
    for node in nodes:
        node.configure(layout, cluster_id)
    for node in nodes:
        node.spawn()
    for node in nodes:
        node.wait_ready(180)
    return nodes


def leaders(bootstrap: str) -> Counter[int]:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        [topic] = admin.describe_topics([TOPIC])
    finally:
        admin.close()
    return Counter(int(p["leader_id"]) for p in topic["partitions"])


def fully_replicated(bootstrap: str) -> bool:
    """Every partition of every topic has all 3 replicas in sync."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        topics = admin.describe_topics(sorted(admin.list_topics()))
    finally:
        admin.close()
    return all(len(p["isr_nodes"]) == 3 for t in topics for p in t["partitions"])


def documents_on_topic(bootstrap: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        parts = consumer.partitions_for_topic(TOPIC) or set()
        ends = consumer.end_offsets([TopicPartition(TOPIC, p) for p in parts])
        return int(sum(ends.values()))
    finally:
        consumer.close()


def role(name: str, env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen[bytes], dict]:  # type: ignore[type-arg]
    ready = workdir / f"{name}.ready"
    log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - the child keeps it
    proc = subprocess.Popen(
        [sys.executable, "-m", "ops.cli", name, "--ready-file", str(ready)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    if not wait_until(lambda: ready.exists() or proc.poll() is not None, 180) or proc.poll():
        raise SystemExit(f"{name} did not start:\n{tail(workdir / f'{name}.log', 30)}")
    return proc, json.loads(ready.read_text())


def count(warehouse: ClickhouseWarehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0]["n"])


def run(documents: int, heap_mb: int, down_s: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="pw-soak-") as tmp:
        workdir = Path(tmp)
        nodes = start_cluster(workdir, heap_mb)
        bootstrap = ",".join(n.bootstrap for n in nodes)
        env = {
            **os.environ,
            "POLICYWATCH_KAFKA__BOOTSTRAP": bootstrap,
            "POLICYWATCH_KAFKA__REPLICATION_FACTOR": "3",
            "POLICYWATCH_KAFKA__PARTITIONS": "4",
            "POLICYWATCH_DATA_DIR": str(workdir / "var"),
            "POLICYWATCH_LOG_FORMAT": "json",
            "POLICYWATCH_METRICS_PORT": "0",
            "POLICYWATCH_WAREHOUSE__HTTP_PORT": "0",
            "POLICYWATCH_WAREHOUSE__WRITER_PASSWORD": "soak-writer",
        }
        procs: list[subprocess.Popen[Any]] = []
        try:
            subprocess.run(
                [sys.executable, "-m", "ops.cli", "init"], env=env, check=True, capture_output=True
            )
            sink, info = role("sink", env, workdir)
            procs.append(sink)
            worker, _ = role("worker", env, workdir)
            procs.append(worker)
            warehouse = ClickhouseWarehouse(endpoint_url(info["sql"], write=False))
            corpus = workdir / "corpus.jsonl"
            ids = write_corpus(corpus, documents)
            ingest = subprocess.Popen(
                [sys.executable, "-m", "ops.cli", "ingest", str(corpus)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            procs.append(ingest)
            wait_until(lambda: documents_on_topic(bootstrap) >= documents // 4, 300, 0.2)
            victim_id = leaders(bootstrap).most_common(1)[0][0]
            victim = next(n for n in nodes if n.node_id == victim_id)
            victim.kill()
            killed_at_documents = documents_on_topic(bootstrap)
            print(f"killed node {victim_id} at {killed_at_documents} documents on the topic")
            time.sleep(down_s)
            restarted = time.monotonic()
            victim.spawn()
            victim.wait_ready(180)
            answering_s = time.monotonic() - restarted
            wait_until(lambda: fully_replicated(bootstrap), 300, 0.5)
            replicated_s = time.monotonic() - restarted
            print(
                f"node {victim_id} answering after {answering_s:.1f}s, in sync {replicated_s:.1f}s"
            )
            out, err = ingest.communicate(timeout=900)
            published = int(out.split("published ")[1].split(" ")[0]) if "published " in out else 0
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                done = count(warehouse, "SELECT uniqExact(document_id) AS n FROM classifications")
                if done >= published:
                    break
                time.sleep(1)
            stored_rows = count(warehouse, "SELECT count() AS n FROM documents FINAL")
            distinct = count(warehouse, "SELECT uniqExact(document_id) AS n FROM documents")
            classified = count(warehouse, "SELECT count() AS n FROM classifications FINAL")
            twice = count(
                warehouse,
                "SELECT count() AS n FROM (SELECT document_id, label_id FROM mentions FINAL "
                "GROUP BY document_id, label_id HAVING count() > 1)",
            )
            warehouse.close()
            result = {
                "date": datetime.now(UTC).strftime("%Y-%m-%d"),
                "machine": machine(),
                "kafka_version": nodes[0].install.version,
                "documents": documents,
                "ingest_exit": ingest.returncode,
                "ingest_errors": err.strip().splitlines()[-3:] if ingest.returncode else [],
                "published": published,
                "killed_node": victim_id,
                "killed_at_documents": killed_at_documents,
                "down_s": down_s,
                "answering_after_restart_s": round(answering_s, 1),
                "fully_replicated_after_restart_s": round(replicated_s, 1),
                "load_average_1m": round(os.getloadavg()[0], 1),
                "documents_rows_final": stored_rows,
                "documents_distinct": distinct,
                "classified_final": classified,
                "mention_pairs_twice": twice,
                "lost": len(set(ids)) - classified
                if ingest.returncode == 0
                else published - classified,
            }
        finally:
            for proc in reversed(procs):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
                    try:
                        proc.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        proc.kill()
            for node in nodes:
                node.stop()
    return result


def write_doc(r: dict[str, Any]) -> None:
    verdict = (
        "nothing lost, nothing counted twice"
        if r["lost"] == 0
        and r["mention_pairs_twice"] == 0
        and r["documents_rows_final"] == r["documents_distinct"]
        else "FAILED"
    )
    body = (
        f"Measured {r['date']} by `make soak` (`bench/soak.py`) on {r['machine']}, Kafka "
        f"{r['kafka_version']}: three KRaft nodes on loopback, replication factor 3, "
        "min.insync.replicas 2; `policywatch init`, `sink` and `worker` against them; "
        f"`policywatch ingest` of {r['documents']:,} documents (acks=all, idempotent "
        f"producer). Node {r['killed_node']}, leading the most partitions of "
        f"policy.documents, was killed with SIGKILL when {r['killed_at_documents']:,} documents "
        f"were on the topic and started again {r['down_s']:.0f} s later (load average "
        f"{r.get('load_average_1m', '?')} at the end: the times below grow with it).\n\n"
        "| published (acknowledged) | classified in the warehouse | rows of `documents` FINAL "
        "/ distinct | mention pairs stored twice | node answering after restart | all "
        "partitions in sync after restart | result |\n|---|---|---|---|---|---|---|\n"
        f"| {r['published']:,} | {r['classified_final']:,} | {r['documents_rows_final']:,} / "
        f"{r['documents_distinct']:,} | {r['mention_pairs_twice']} "
        f"| {r['answering_after_restart_s']} s | {r['fully_replicated_after_restart_s']} s "
        f"| {verdict} |"
    )
    text = DEPLOY.read_text(encoding="utf-8")
    start, end = "<!-- soak:start -->", "<!-- soak:end -->"
    before, rest = text.split(start, 1)
    _old, after = rest.split(end, 1)
    DEPLOY.write_text(before + start + "\n" + body + "\n" + end + after, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--heap-mb", type=int, default=384)
    parser.add_argument("--down-s", type=float, default=5.0)
    parser.add_argument("--doc", action="store_true")
    args = parser.parse_args()
    result = run(args.documents, args.heap_mb, args.down_s)
    out = ROOT / "bench" / "results" / "soak.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    if args.doc:
        write_doc(result)
    if result["lost"] or result["mention_pairs_twice"]:
        raise SystemExit("soak failed: documents lost or counted twice")


if __name__ == "__main__":
    main()
