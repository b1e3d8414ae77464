"""Delivery soak: resident memory of the real delivery role under subscription churn.

One ``policywatch delivery`` process against a real Tansu and a networked warehouse (chDB
served over its HTTP endpoint, so commitment scans run, every ``--scan-s``). Baseline, same
run: the role idle for ``--idle-s`` (its growth without churn). Then churn for ``--seconds``:
every second ``--rate`` subscriptions are created (half document, half commitment
triggers), an alert is raised for each, and they are deleted a second later. Resident set
size (RSS, /proc) is sampled every 2 s. Writes bench/results/delivery_soak.json and a row
in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.alerts import SECRET, Receiver  # noqa: E402
from bench.report import append_row, machine  # noqa: E402
from ops.ports import free_port, wait_until  # noqa: E402
from ops.process import stop_process  # noqa: E402
from ops.roles import MIGRATIONS_DIR  # noqa: E402
from ops.tansu import broker_ready, spawn_tansu  # noqa: E402
from ops.topics import ensure_topics  # noqa: E402
from producers.publish import Outgoing, Publisher  # noqa: E402
from schemas.alerts import AlertDocument, AlertRaised  # noqa: E402
from schemas.codec import encode  # noqa: E402
from schemas.envelope import Producer  # noqa: E402
from schemas.subscriptions import (  # noqa: E402
    CommitmentTrigger,
    DocumentTrigger,
    Subscription,
    WebhookChannel,
    subscription_changed,
)
from schemas.topics import TopicNames  # noqa: E402
from sinks.warehouse.chdb_driver import ChdbWarehouse  # noqa: E402
from sinks.warehouse.http_server import EndpointUser, WarehouseHttpServer  # noqa: E402
from sinks.warehouse.migrate import migrate  # noqa: E402

TITLE = "Delivery soak (resident memory under subscription churn)"
INTRO = (
    "The delivery role as its own process (`policywatch delivery`), real Tansu, commitment "
    "scans against chDB over the HTTP endpoint. Baseline, same run: the role idle (its RSS "
    "growth without churn). Churn: subscriptions created (half document, half commitment "
    "triggers), one alert each, deleted a second later. Growth after warm-up is RSS at the "
    "end minus RSS after the first quarter of the churn. One row per run, newest last.\n\n"
    "| date | machine | scan every (s) | idle: RSS start → end (MB) | churn: changes | "
    "churn/s | webhooks | RSS after warm-up → end, peak (MB) "
    "| growth per 10k subscriptions (MB) |\n"
    "|---|---|---|---|---|---|---|---|---|"
)
PRODUCER = Producer(name="bench", version="1")


def rss_mb(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def churn_batch(topics: TopicNames, url: str, count: int) -> tuple[list[Outgoing], list[Outgoing]]:
    """(subscriptions created with one alert each, their deletions)."""
    created: list[Outgoing] = []
    deleted: list[Outgoing] = []
    now = datetime.now(UTC)
    for i in range(count):
        sub_id = f"sub_soak{uuid.uuid4().hex[:16]}"
        trigger = CommitmentTrigger() if i % 2 else DocumentTrigger()
        sub = Subscription(
            subscription_id=sub_id,
            name=f"soak {sub_id}",
            trigger=trigger,
            channel=WebhookChannel(url=url, secret=SECRET),
        )
        alert_id = f"a{uuid.uuid4().hex[:24]}"
        alert = AlertRaised(
            event_id=alert_id,
            occurred_at=now,
            observed_at=now,
            producer=PRODUCER,
            trace_id=alert_id,
            alert_id=alert_id,
            subscription_id=sub_id,
            subscription_name=sub.name,
            trigger="document",
            channel="webhook",
            title=f"soak alert {alert_id}",
            documents=(AlertDocument(document_id=f"d{alert_id}", title="soak document"),),
        )
        change = subscription_changed(
            sub_id, "created", version=1, subscription=sub, producer=PRODUCER
        )
        created.append(Outgoing(topics.subscriptions, sub_id.encode(), encode(change)))
        created.append(Outgoing(topics.alerts, alert_id.encode(), encode(alert)))
        gone = subscription_changed(
            sub_id, "deleted", version=2, subscription=None, producer=PRODUCER
        )
        deleted.append(Outgoing(topics.subscriptions, sub_id.encode(), encode(gone)))
    return created, deleted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=int, default=50, help="subscriptions created per second")
    parser.add_argument("--seconds", type=int, default=240)
    parser.add_argument("--idle-s", type=int, default=60)
    parser.add_argument("--scan-s", type=float, default=5.0)
    args = parser.parse_args()
    topics = TopicNames()
    receiver = Receiver()
    samples: list[tuple[float, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="pw-bench-soak-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        bootstrap = f"127.0.0.1:{port}"
        broker = spawn_tansu(port, tmp / "tansu.log")
        warehouse = ChdbWarehouse(tmp / "warehouse")
        server = WarehouseHttpServer(warehouse, [EndpointUser("default", "", readonly=True)])
        role: subprocess.Popen[bytes] | None = None
        try:
            if not wait_until(lambda: broker_ready(bootstrap), 30):
                raise RuntimeError(f"Tansu did not start: {(tmp / 'tansu.log').read_text()}")
            ensure_topics(bootstrap, topics.all(), partitions=4)
            migrate(warehouse, MIGRATIONS_DIR)
            server.start()
            ready = tmp / "ready.json"
            env = {
                **os.environ,
                "POLICYWATCH_KAFKA__BOOTSTRAP": bootstrap,
                "POLICYWATCH_DATA_DIR": str(tmp / "var"),
                "POLICYWATCH_WAREHOUSE__URL": f"clickhouse://default:@127.0.0.1:{server.port}/policywatch",
                "POLICYWATCH_DELIVERY__ALLOW_NETWORKS": '["127.0.0.0/8"]',
                "POLICYWATCH_DELIVERY__COMMITMENT_SCAN_S": str(args.scan_s),
                "POLICYWATCH_LOG_LEVEL": "WARNING",
            }
            log = (tmp / "delivery.log").open("wb")
            role = subprocess.Popen(
                [sys.executable, "-m", "ops.cli", "delivery", "--ready-file", str(ready)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if not wait_until(lambda: ready.exists() or role.poll() is not None, 60):
                raise RuntimeError("the delivery role did not become ready")
            started = time.monotonic()

            def sample(phase: str) -> None:
                assert role is not None
                samples.append((time.monotonic() - started, phase, rss_mb(role.pid)))

            while time.monotonic() - started < args.idle_s:
                sample("idle")
                time.sleep(2)
            sample("idle")
            publisher = Publisher(bootstrap, timeout_s=30)
            changes = 0
            churn_start = time.monotonic()
            next_sample = churn_start
            pending: list[Outgoing] = []
            while time.monotonic() - churn_start < args.seconds:
                tick = time.monotonic()
                created, deleted = churn_batch(topics, receiver.url, args.rate)
                publisher.publish(created + pending)  # last second's subscriptions go now
                pending = deleted
                changes += args.rate
                if time.monotonic() >= next_sample:
                    sample("churn")
                    next_sample += 2
                time.sleep(max(0.0, tick + 1 - time.monotonic()))
            publisher.publish(pending)
            publisher.close()
            time.sleep(5)
            sample("churn")
        finally:
            if role is not None:
                role.terminate()
                role.wait(30)
            server.stop()
            warehouse.close()
            stop_process(broker)
            receiver.close()
    idle = [rss for _t, phase, rss in samples if phase == "idle"]
    churn = [rss for _t, phase, rss in samples if phase == "churn"]
    warm = churn[len(churn) // 4]
    per_10k = (churn[-1] - warm) / (changes * 3 / 4) * 10_000
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "scan_every_s": args.scan_s,
        "idle_seconds": args.idle_s,
        "idle_rss_start_mb": round(idle[0], 1),
        "idle_rss_end_mb": round(idle[-1], 1),
        "churn_seconds": args.seconds,
        "subscriptions_churned": changes,
        "churn_per_s": args.rate,
        "webhooks_received": receiver.requests,
        "churn_rss_after_warm_up_mb": round(warm, 1),
        "churn_rss_end_mb": round(churn[-1], 1),
        "churn_rss_peak_mb": round(max(churn), 1),
        "growth_mb_per_10k_subscriptions": round(per_10k, 2),
        "samples": [(round(t, 1), phase, round(rss, 1)) for t, phase, rss in samples],
    }
    out = ROOT / "bench" / "results" / "delivery_soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=2))


def write_markdown(r: dict[str, Any]) -> None:
    append_row(
        TITLE,
        INTRO,
        f"| {r['date']} | {r['machine']} | {r['scan_every_s']:g} "
        f"| {r['idle_rss_start_mb']} → {r['idle_rss_end_mb']} | {r['subscriptions_churned']:,} "
        f"| {r['churn_per_s']} | {r['webhooks_received']:,} "
        f"| {r['churn_rss_after_warm_up_mb']} → {r['churn_rss_end_mb']}, {r['churn_rss_peak_mb']} "
        f"| {r['growth_mb_per_10k_subscriptions']} |",
    )


if __name__ == "__main__":
    main()
