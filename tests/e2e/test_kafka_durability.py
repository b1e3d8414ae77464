"""On Kafka a kill -9 of the whole stack loses no stream state: stories, windows, de-duplication.

The stack's tables (``story-members``, ``alert-windows``, ``seen-revisions``) live in
changelog topics, and the worker's positions in its consumer group; Kafka keeps
both on disk under the data directory. Reports of eight events are ingested, the
worker is frozen while the other outlet's reports arrive (the consumer lag that
``policywatch status`` reports is then compared with ``kafka-consumer-groups
--describe`` from the broker's jars), and everything is killed with SIGKILL. After
`policywatch up` starts again the late reports join the stories of the first
ones, a volume window half-filled before the crash fires exactly once, the same
documents ingested again change no count, and nothing was re-published by the
supervisor (the broker kept it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from ops.access import endpoint_url
from ops.consumer_lag import group_lag
from ops.kafka_install import KafkaInstall
from ops.runfile import pid_alive
from schemas.ids import document_id_for_url
from schemas.subscriptions import Filter, Subscription, VolumeTrigger
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.e2e.test_alert_evaluation import alert_reader, metric, subscribe, webhook
from tests.e2e.test_crash_recovery import explain_stack, n, start_stack
from tests.e2e.test_embedded_stack import wait_for
from tests.e2e.test_stories_across_workers import EVENTS, report, stories
from tests.kafka_tools import consumer_groups_describe

#: events 2, 4, 5 and 6 say "Quad": four matching documents per outlet
QUAD_EVENTS = (2, 4, 5, 6)
THRESHOLD = 6


def corpus(path: Path, outlet: str, published: datetime) -> Path:
    path.write_bytes(
        b"".join(
            orjson.dumps(
                {
                    "url": f"https://{outlet}-news.example/world/{i}",
                    "title": EVENTS[i][0],
                    "text": report(EVENTS[i], outlet),
                    "published": (published + timedelta(minutes=i)).isoformat(),
                    "source": {"id": f"{outlet}-news", "kind": "news", "name": outlet},
                }
            )
            + b"\n"
            for i in range(len(EVENTS))
        )
    )
    return path


def ingest(data_dir: Path, path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "ingest", str(path)],
        env={**os.environ, "POLICYWATCH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def status_json(data_dir: Path) -> dict:  # type: ignore[type-arg]
    """`policywatch status --format json` (exit 1 while the worker is frozen is expected)."""
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "status", "--format", "json", "--timeout", "1"],
        env={**os.environ, "POLICYWATCH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout, result.stderr
    data: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return data


def window_minutes_clear_of_a_boundary(now: datetime, margin_s: int = 1800) -> int:
    """A daily-ish window width whose current window ends at least ``margin_s`` from now.

    Volume windows tumble from the epoch: a test that straddled a boundary would
    see its documents split over two windows.
    """
    ts = int(now.timestamp())
    for minutes in range(24 * 60, 20 * 60, -1):
        width = minutes * 60
        if (ts // width + 1) * width - ts >= margin_s:
            return minutes
    raise AssertionError("no window width clear of a boundary")  # cannot happen: widths vary


def caught_up(bootstrap: str, group: str, topics: set[str]) -> bool:
    """The group committed every record of ``topics`` (so its table writes were flushed)."""
    lag = group_lag(bootstrap, group)
    seen = {p.topic for p in lag}
    return topics <= seen and all(p.lag == 0 for p in lag if p.topic in topics)


@pytest.mark.timeout(480)
def test_kill_9_of_the_whole_stack_keeps_stories_windows_and_dedup(
    tmp_path: Path, kafka_install: KafkaInstall
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    first = corpus(tmp_path / "a.jsonl", "a", now - timedelta(hours=2))
    later = corpus(tmp_path / "b.jsonl", "b", now - timedelta(hours=1))
    env = {"POLICYWATCH_KAFKA__PARTITIONS": "4"}
    proc, run = start_stack(tmp_path, "up-1.log", env, broker="kafka")
    assert run["broker"]["kind"] == "kafka" and run["broker"]["durable"]
    assert run["broker"]["version"] == kafka_install.version
    bootstrap = run["broker"]["bootstrap"]
    volume = Subscription(
        subscription_id="sub_quad_volume",
        name="Quad, a burst",
        filter=Filter(keywords=("Quad",)),
        trigger=VolumeTrigger(
            threshold=THRESHOLD, window_minutes=window_minutes_clear_of_a_boundary(now)
        ),
        channel=webhook(),
    )
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        subscribe(bootstrap, volume)
        wait_for(
            lambda: (
                metric(run["roles"]["worker"]["metrics"], "policywatch_alert_subscriptions") == 1
            ),
            what="the subscription in the worker's book",
            explain=explain,
        )
        ingest(tmp_path, first)
        wait_for(lambda: len(stories(warehouse)) == 8, what="outlet a stored", explain=explain)
        stream_topics = {"policy.documents", "policy.classified", "policywatch-story-requests"}
        wait_for(
            lambda: caught_up(
                bootstrap, "policywatch", stream_topics | {"policywatch-alert-matches"}
            ),
            what="the worker committed everything it read",
            explain=explain,
        )
        assert [a for a in alert_reader(bootstrap)() if a.trigger == "volume"] == []

        # freeze the worker: outlet b waits on policy.documents, and both tools see the lag
        os.kill(run["roles"]["worker"]["pid"], signal.SIGSTOP)
        ingest(tmp_path, later)
        reference = consumer_groups_describe(kafka_install, bootstrap, "policywatch")
        [group] = status_json(tmp_path)["consumer_groups"]
        ours = {
            (p["topic"], p["partition"]): (p["committed"], p["end"], p["lag"])
            for p in group["partitions"]
        }
        assert ours == reference
        assert group["lag_messages"]["policywatch/policy.documents"] == 8
        assert sum(v[2] for (t, _p), v in reference.items() if t == "policy.documents") == 8
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # supervisor, broker, sink and the frozen worker
        proc.wait(timeout=10)
    pids = [run["broker"]["pid"]] + [r["pid"] for r in run["roles"].values()]
    wait_for(lambda: not any(pid_alive(p) for p in pids), timeout=20, what="stack dead")
    (tmp_path / "run.json").unlink()  # the dead stack's: wait for the new one's

    proc, run = start_stack(tmp_path, "up-2.log", env, broker="kafka")
    try:
        assert run["broker"]["bootstrap"] == bootstrap  # same ports, so clients need no change
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        wait_for(lambda: len(stories(warehouse)) == 16, 120, "outlet b stored", explain)
        by_doc = stories(warehouse)

        def story(outlet: str, i: int) -> str:
            doc = document_id_for_url(f"https://{outlet}-news.example/world/{i}")
            return by_doc[f"{outlet}-news/{doc}"]

        for i in range(8):
            assert story("a", i) == story("b", i), f"event {i}: the story index was lost"
        assert len({story("a", i) for i in range(8)}) == 8

        read = alert_reader(bootstrap)
        wait_for(
            lambda: any(a.trigger == "volume" for a in read()),
            60,
            "the volume window reaching its threshold",
            explain,
        )
        [alert] = [a for a in read() if a.trigger == "volume"]
        assert (alert.subscription_id, alert.count) == (volume.subscription_id, THRESHOLD)

        up_log = (tmp_path / "up-2.log").read_text()
        assert "restored" not in up_log  # nothing re-published: the broker kept it all
        before = n(warehouse, "SELECT count() AS n FROM classifications FINAL")
        worker_metrics = run["roles"]["worker"]["metrics"]
        ingest(tmp_path, first)
        wait_for(
            lambda: (
                metric(
                    worker_metrics,
                    "policywatch_stream_events_out_total",
                    stage="classify",
                    outcome="duplicate",
                )
                >= 8
            ),
            what="outlet a seen again as duplicates",
            explain=explain,
        )
        assert n(warehouse, "SELECT count() AS n FROM classifications FINAL") == before == 16
        assert [a.alert_id for a in read() if a.trigger == "volume"] == [alert.alert_id]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=90)
