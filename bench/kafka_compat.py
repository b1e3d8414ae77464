"""Which Apache Kafka versions the project's clients work with, measured, not assumed.

For each version (default: the one docker-compose pins and the newest 4.x; Kafka 4.0
removed the protocol versions older clients used, KIP-896): installs the broker from
Maven Central, starts one KRaft node and checks, each on its own fresh topic,
kafka-python (produce lz4, read back, commit a group and read its lag), aiokafka
(produce, group consume and commit), a bare Faust agent (join, consume, re-send) and
the whole embedded stack (`policywatch up --broker kafka` with that version: the demo
corpus into the warehouse). On the compose version it also records the topic configs
as `policywatch up` creates them, compares the group lag with kafka-consumer-groups
--describe from the same jars, and tries kcat (librdkafka) against Kafka and Tansu.
Writes bench/results/kafka_compat.json and, with --doc, the tables in docs/DEPLOY.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pipeline import run_passthrough  # noqa: E402
from ops.broker import start_broker  # noqa: E402
from ops.consumer_lag import group_lag  # noqa: E402
from ops.kafka_broker import start_single_node  # noqa: E402
from ops.kafka_install import KafkaInstall, install_kafka  # noqa: E402
from ops.settings import DEFAULT_KAFKA_VERSION, load_settings  # noqa: E402
from ops.topics import ensure_topics  # noqa: E402
from tests.kafka_tools import consumer_groups_describe  # noqa: E402

DEPLOY = ROOT / "docs" / "DEPLOY.md"
NEWEST_4X = "4.4.0"


def check(results: dict[str, Any], name: str, probe: Callable[[], str]) -> None:
    """Run one probe; record "ok (detail)" or the error, never stop the survey."""
    started = time.monotonic()
    try:
        detail = probe()
        results[name] = {"ok": True, "detail": detail, "seconds": time.monotonic() - started}
    except Exception as exc:  # a failing client is the finding, not a crash
        results[name] = {
            "ok": False,
            "detail": f"{type(exc).__name__}: {exc}"[:300],
            "trace": traceback.format_exc()[-1500:],
        }
    state = "ok" if results[name]["ok"] else "FAILED"
    print(f"  {name}: {state} {results[name]['detail'][:160]}")


def kafka_python_probe(bootstrap: str) -> str:
    from kafka import KafkaConsumer, TopicPartition
    from kafka.structs import OffsetAndMetadata

    from producers.publish import Outgoing, Publisher

    ensure_topics(bootstrap, ["compat.kp"], partitions=2)
    publisher = Publisher(bootstrap, compression="lz4", timeout_s=30)
    report = publisher.publish([Outgoing("compat.kp", b"k%d" % i, b"v") for i in range(100)])
    publisher.close()
    assert report.sent == 100, report.errors
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, group_id="compat-kp", enable_auto_commit=False
    )
    parts = [TopicPartition("compat.kp", p) for p in (0, 1)]
    consumer.assign(parts)
    consumer.seek_to_beginning(*parts)
    got = 0
    deadline = time.monotonic() + 30
    while got < 100 and time.monotonic() < deadline:
        got += sum(len(r) for r in consumer.poll(timeout_ms=500).values())
    consumer.commit({tp: OffsetAndMetadata(10, "", -1) for tp in parts})
    consumer.close()
    lag = sum(p.lag for p in group_lag(bootstrap, "compat-kp"))
    assert got == 100 and lag == 80, (got, lag)
    return "produce lz4 100, read 100, group commit, lag 80 as committed"


def aiokafka_probe(bootstrap: str) -> str:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    ensure_topics(bootstrap, ["compat.aio"], partitions=2)

    async def run() -> int:
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type="lz4")
        await producer.start()
        try:
            for i in range(100):
                await producer.send("compat.aio", key=b"k%d" % i, value=b"v")
            await producer.flush()
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            "compat.aio",
            bootstrap_servers=bootstrap,
            group_id="compat-aio",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        got = 0
        try:
            deadline = time.monotonic() + 60
            while got < 100 and time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=500)
                got += sum(len(r) for r in batch.values())
            await consumer.commit()
        finally:
            await consumer.stop()
        return got

    got = asyncio.run(run())
    assert got == 100, got
    lag = sum(p.lag for p in group_lag(bootstrap, "compat-aio"))
    assert lag == 0, lag
    return "produce lz4 100, subscribe in a group, read 100, commit"


def faust_probe(bootstrap: str, workdir: Path) -> str:
    result = run_passthrough(bootstrap, 2000, workdir)
    return f"agent joined, 2,000 messages re-sent at {result['messages_per_s']:,.0f} msg/s"


def stack_probe(version: str, workdir: Path) -> str:
    from ops.access import open_warehouse
    from ops.demo import DEMO_CORPUS
    from ops.supervisor import Stack

    settings = load_settings(
        data_dir=workdir / f"stack-{version}", broker={"kind": "kafka", "kafka_version": version}
    )
    stack = Stack(settings)
    run = stack.start()
    try:
        env = {"POLICYWATCH_DATA_DIR": str(settings.data_dir)}
        done = subprocess.run(
            [sys.executable, "-m", "ops.cli", "ingest", str(DEMO_CORPUS)],
            env={**__import__("os").environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        published = int(done.stdout.split("published ")[1].split(" ")[0])
        warehouse = open_warehouse(settings)
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline:
            rows = warehouse.query("SELECT uniqExact(document_id) AS n FROM classifications")
            stored = int(rows[0]["n"])
            if stored == published:
                break
            time.sleep(0.5)
        warehouse.close()
    finally:
        stack.stop()
    assert run["broker"]["version"] == version and stored == published, (stored, published)
    return f"up on Kafka {version}: {published} demo documents classified into the warehouse"


def topic_configs(bootstrap: str) -> list[dict[str, Any]]:
    """Partitions, replication and the configs that matter of every topic `up` creates."""
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType

    from ops.provision import ensure_all_topics

    settings = load_settings()
    counts = ensure_all_topics(bootstrap, settings)
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        described = {d["name"]: d for d in admin.describe_topics(sorted(counts))}
        resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in sorted(counts)]
        answers = admin.describe_configs(resources)
    finally:
        admin.close()
    # kafka-python answers {"topic": {name: {config: {"value": ...}}}}, listing only the
    # configs set on the topic; the others are the broker's defaults
    configs = {
        name: {key: str(entry["value"]) for key, entry in entries.items()}
        for name, entries in dict(answers).get("topic", {}).items()
    }
    return [
        {
            "topic": name,
            "partitions": counts[name],
            "replication": len(described[name]["partitions"][0]["replica_nodes"]),
            **configs.get(name, {}),
        }
        for name in sorted(counts)
    ]


def kcat_probe(bootstrap: str, topic: str) -> str:
    kcat = shutil.which("kcat")
    if kcat is None:
        raise RuntimeError("kcat is not installed (apt-get install -y kcat)")
    listing = subprocess.run(
        [kcat, "-b", bootstrap, "-L", "-t", topic],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if listing.returncode != 0:
        raise RuntimeError(f"kcat -L: {listing.stderr.strip()[-200:]}")
    read = subprocess.run(
        [kcat, "-b", bootstrap, "-C", "-t", topic, "-e", "-q", "-f", "%k\\n"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if read.returncode != 0:
        raise RuntimeError(f"kcat -C: {read.stderr.strip()[-200:]}")
    lines = [line for line in read.stdout.splitlines() if line]
    return f"kcat -L lists the topic, kcat -C -e reads {len(lines)} records"


def lag_probe(install: KafkaInstall, bootstrap: str) -> str:
    ours = {
        (p.topic, p.partition): (p.committed, p.end, p.lag)
        for p in group_lag(bootstrap, "compat-kp")
    }
    reference = consumer_groups_describe(install, bootstrap, "compat-kp")
    assert ours == reference, (ours, reference)
    return f"policywatch status = kafka-consumer-groups --describe: {sorted(ours.items())}"


def survey(version: str, cache: Path, workdir: Path, with_extras: bool) -> dict[str, Any]:
    print(f"Kafka {version}")
    found: dict[str, Any] = {"version": version}
    install, fetched = install_kafka(version, cache)
    found["fetched_now"] = fetched
    node = start_single_node(install, workdir / f"kafka-{version}", 512, 120)
    try:
        bootstrap = node.bootstrap
        checks: dict[str, Any] = {}
        check(checks, "kafka-python", lambda: kafka_python_probe(bootstrap))
        check(checks, "aiokafka", lambda: aiokafka_probe(bootstrap))
        (workdir / f"faust-{version}").mkdir()
        check(checks, "faust", lambda: faust_probe(bootstrap, workdir / f"faust-{version}"))
        if with_extras:
            check(checks, "lag", lambda: lag_probe(install, bootstrap))
            check(checks, "kcat", lambda: kcat_probe(bootstrap, "compat.kp"))
            found["topics"] = topic_configs(bootstrap)
        found["checks"] = checks
    finally:
        node.stop()
    check(found["checks"], "stack", lambda: stack_probe(version, workdir))
    return found


def tansu_kcat(workdir: Path) -> dict[str, Any]:
    from producers.publish import Outgoing, Publisher

    settings = load_settings(data_dir=workdir / "tansu", broker={"kind": "tansu"})
    broker = start_broker(settings, settings.data_dir, settings.data_dir / "logs")
    checks: dict[str, Any] = {}
    try:
        ensure_topics(broker.bootstrap, ["compat.kp"], partitions=2)
        publisher = Publisher(broker.bootstrap)
        publisher.publish([Outgoing("compat.kp", b"k", b"v")])
        publisher.close()
        check(checks, "kcat", lambda: kcat_probe(broker.bootstrap, "compat.kp"))
    finally:
        broker.stop()
    return {"version": broker.version, "checks": checks}


def mark(result: dict[str, Any] | None) -> str:
    if result is None:
        return "not measured"
    if result["ok"]:
        return "works"
    errors = [line for line in result["detail"].splitlines() if "ERROR" in line]
    return "fails: " + (errors[-1] if errors else result["detail"])[:110].strip(" %")


def write_doc(result: dict[str, Any]) -> None:
    versions = result["versions"]
    header = "| client | " + " | ".join(f"Kafka {v['version']}" for v in versions) + " |"
    lines = [header, "|---|" + "---|" * len(versions)]
    labels = {
        "kafka-python": f"kafka-python {result['clients']['kafka-python']} (producers, sink)",
        "aiokafka": f"aiokafka {result['clients']['aiokafka']} (under Faust)",
        "faust": f"faust-streaming {result['clients']['faust-streaming']} (the worker)",
        "stack": "the whole stack (`up --broker kafka`, demo corpus)",
    }
    for key, label in labels.items():
        cells = [mark(v["checks"].get(key)) for v in versions]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    compat = "\n".join(lines)
    first = versions[0]
    topics = [
        "| topic | partitions | replicas | cleanup.policy | retention.ms |",
        "|---|---|---|---|---|",
    ]
    for t in first.get("topics", []):
        topics.append(
            f"| `{t['topic']}` | {t['partitions']} | {t['replication']} "
            f"| {t.get('cleanup.policy', 'delete (default)')} "
            f"| {t.get('retention.ms', '604800000 (default: 7 days)')} |"
        )
    kcat_kafka = mark(first["checks"].get("kcat"))
    kcat_tansu = mark(result["tansu"]["checks"].get("kcat"))
    body = (
        f"Measured {result['date']} by `make compat` (`bench/kafka_compat.py`) on "
        f"{result['machine']}: each broker installed from Maven Central, one KRaft node, each "
        "client on its own fresh topic.\n\n"
        + compat
        + "\n\nTopics as `policywatch up` (and `policywatch init`) creates them on Kafka "
        f"{first['version']} with the default settings (`POLICYWATCH_KAFKA__PARTITIONS`=4, "
        "replication `POLICYWATCH_KAFKA__REPLICATION_FACTOR`=1); `retention.ms` is the "
        "broker's default (7 days) except where compaction keeps the latest record per key:\n\n"
        + "\n".join(topics)
        + "\n\nConsumer lag: "
        + mark(first["checks"].get("lag"))
        + " (`policywatch status` reads the workers' group from the broker: committed "
        "against end offsets, per partition, the numbers `kafka-consumer-groups.sh "
        "--describe` prints; the sink and the delivery role keep their positions in the "
        "warehouse and use no group, so their lag comes from their own metrics).\n\n"
        f"kcat ({result['kcat_version']}): against Kafka {first['version']} {kcat_kafka}; "
        f"against Tansu {result['tansu']['version']} {kcat_tansu}."
    )
    text = DEPLOY.read_text(encoding="utf-8")
    start = "<!-- compat:start -->"
    end = "<!-- compat:end -->"
    if start in text:
        before, rest = text.split(start, 1)
        _old, after = rest.split(end, 1)
        text = before + start + "\n" + body + "\n" + end + after
    else:
        text = text.rstrip() + "\n\n" + start + "\n" + body + "\n" + end + "\n"
    DEPLOY.write_text(text, encoding="utf-8")


def describe_kcat() -> str:
    kcat = shutil.which("kcat")
    if kcat is None:
        return "kcat: not installed"
    text = subprocess.run([kcat, "-V"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"Version (\S+) .*?librdkafka (\S+)", text, re.S)
    return f"kcat {found[1]}, librdkafka {found[2]}" if found else "kcat, unknown version"


def remeasure_topics(doc: bool) -> None:
    """Topic configs on the default version, merged into the last results."""
    out = ROOT / "bench" / "results" / "kafka_compat.json"
    result = json.loads(out.read_text(encoding="utf-8"))
    settings = load_settings()
    first = result["versions"][0]
    result["kcat_version"] = describe_kcat()
    install, _ = install_kafka(first["version"], settings.broker_cache_dir)
    with tempfile.TemporaryDirectory(prefix="pw-compat-") as tmp:
        node = start_single_node(install, Path(tmp) / "kafka", 512, 120)
        try:
            first["topics"] = topic_configs(node.bootstrap)
        finally:
            node.stop()
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if doc:
        write_doc(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", default=f"{DEFAULT_KAFKA_VERSION},{NEWEST_4X}")
    parser.add_argument("--doc", action="store_true", help="rewrite the tables in DEPLOY.md")
    parser.add_argument(
        "--topics-only", action="store_true", help="measure only the topic configs again"
    )
    args = parser.parse_args()
    if args.topics_only:
        remeasure_topics(args.doc)
        return
    from importlib.metadata import version as dist_version

    settings = load_settings()
    kcat_version = describe_kcat()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": __import__("bench.report", fromlist=["machine"]).machine(),
        "clients": {
            name: dist_version(name) for name in ("kafka-python", "aiokafka", "faust-streaming")
        },
        "kcat_version": kcat_version,
        "versions": [],
    }
    with tempfile.TemporaryDirectory(prefix="pw-compat-") as tmp:
        workdir = Path(tmp)
        for i, version in enumerate(args.versions.split(",")):
            result["versions"].append(
                survey(version, settings.broker_cache_dir, workdir, with_extras=i == 0)
            )
        result["tansu"] = tansu_kcat(workdir)
    out = ROOT / "bench" / "results" / "kafka_compat.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.doc:
        write_doc(result)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
