"""Exactly-once effect under crashes, with real processes, both brokers and chDB.

kill -9 of the sink and of the worker mid-stream (the supervisor restarts them),
and kill -9 of the whole embedded stack in the middle of a large ingest: every
count equals the number of distinct documents, and no acknowledged document is
missing after `policywatch up` starts again. The whole-stack kill runs on Tansu and
on Kafka, since what brings an acknowledged document back differs (Tansu: the spool
re-published; Kafka: the broker's own log and the worker's committed offsets).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from ops.features.replay_pacing import CHUNK
from ops.runtime.access import endpoint_url
from ops.runtime.runfile import pid_alive
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.waiting import wait_for

N_DOCS = 3000


def write_corpus(path: Path, count: int) -> list[str]:
    """A JSONL corpus of distinct, realistic documents; returns the URLs in file order."""
    from schemas.ids import document_id_for_url

    sentences = [
        "External Affairs Minister S Jaishankar met Japanese Foreign Minister Toshimitsu Motegi",
        "the Joint Working Group on Critical Minerals will convene in early 2026",
        "the Quad foreign ministers discussed maritime domain awareness",
        "markets closed higher as investors weighed quarterly earnings",
        "a local cricket league announced its fixtures for the season",
    ]
    ids = []
    with open(path, "wb") as handle:
        for i in range(count):
            url = f"https://www.example-wire.in/story/{i:06d}"
            text = f"Report number {i}. " + ". ".join(sentences[(i + k) % 5] for k in range(4))
            handle.write(
                orjson.dumps(
                    {
                        "url": url,
                        "title": f"Report {i}",
                        "text": text,
                        "published": f"2026-0{1 + i % 9}-1{i % 10}T08:00:00+00:00",
                        "source": {"id": f"wire-{i % 3}", "kind": "news", "name": "Wire"},
                    }
                )
                + b"\n"
            )
            ids.append(document_id_for_url(url))
    return ids


def start_stack(
    data_dir: Path,
    log_name: str,
    extra_env: dict[str, str] | None = None,
    broker: str = "tansu",
) -> tuple[subprocess.Popen[bytes], dict]:  # type: ignore[type-arg]
    """`policywatch up` on ``broker`` (never `auto`: a test names the broker it runs on)."""
    env = {
        **os.environ,
        "POLICYWATCH_DATA_DIR": str(data_dir),
        "POLICYWATCH_BROKER__KIND": broker,
        "POLICYWATCH_KAFKA__PARTITIONS": "2",
        "POLICYWATCH_SINK__BATCH_SIZE": "200",
        **(extra_env or {}),
    }
    with open(data_dir / log_name, "wb") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "up"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    run_file = data_dir / "run.json"
    deadline = time.monotonic() + 120
    while not run_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail("policywatch up did not start:\n" + (data_dir / log_name).read_text())
        time.sleep(0.1)
    return proc, json.loads(run_file.read_text())


def ingest(data_dir: Path, corpus: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "POLICYWATCH_DATA_DIR": str(data_dir),
        "POLICYWATCH_KAFKA__REQUEST_TIMEOUT_S": "5",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "ops.cli", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def n(warehouse: ClickhouseWarehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0]["n"])


def assert_counts_are_distinct_documents(warehouse: ClickhouseWarehouse, expected: int) -> None:
    assert n(warehouse, "SELECT count() AS n FROM documents FINAL") == expected
    assert n(warehouse, "SELECT count() AS n FROM classifications FINAL") == expected
    from_aggregate = warehouse.query(
        "SELECT label_id, toUInt64(sum(sign)) AS n FROM label_changes "
        "WHERE label_type = 'initiative' GROUP BY label_id HAVING n > 0 ORDER BY label_id"
    )
    from_rows = warehouse.query(
        "SELECT label_id, uniqExact(document_id) AS n FROM mentions "
        "WHERE label_type = 'initiative' GROUP BY label_id ORDER BY label_id"
    )
    assert from_aggregate == from_rows and from_rows
    assert (
        n(
            warehouse,
            "SELECT count() AS n FROM (SELECT document_id, label_id FROM mentions "
            "FINAL GROUP BY document_id, label_id HAVING count() > 1)",
        )
        == 0
    )


def explain_stack(
    data_dir: Path, warehouse: ClickhouseWarehouse | None = None
) -> Callable[[], str]:
    """What a failed wait shows: warehouse counts and the tail of every role's log."""

    def explain() -> str:
        parts = []
        if warehouse is not None:
            for table in ("documents", "classifications"):
                try:
                    count = n(warehouse, f"SELECT uniqExact(document_id) AS n FROM {table}")
                    parts.append(f"{table}: {count} distinct documents")
                except Exception as exc:  # a diagnostic must not mask the failure
                    parts.append(f"{table}: unreadable ({exc})")
        logs = sorted(data_dir.glob("*.log")) + sorted((data_dir / "logs").glob("*.log"))
        for log in logs:
            lines = log.read_text(errors="replace").splitlines()[-25:]
            parts.append(f"--- {log.name} (last {len(lines)} lines)\n" + "\n".join(lines))
        return "\n".join(parts)

    return explain


def stop_feeder(feeder: subprocess.Popen[str] | None) -> None:
    if feeder is not None and feeder.poll() is None:
        feeder.kill()
        feeder.communicate()


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


@pytest.mark.timeout(420)
def test_kill_9_of_the_sink_and_the_worker_mid_stream(tmp_path: Path) -> None:
    """Tansu only: the broker lives on, so what is tested (the sink's stored positions,
    the worker's restart) does not depend on it; Kafka's worker restart with pending
    input is covered by test_kafka_durability."""
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, N_DOCS)
    proc, run = start_stack(tmp_path, "up.log")
    feeder = None
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        feeder = ingest(tmp_path, corpus)
        wait_for(
            lambda: n(warehouse, "SELECT uniqExact(document_id) AS n FROM classifications") > 300,
            what="processing under way",
            explain=explain_stack(tmp_path, warehouse),
        )
        os.kill(run["roles"]["sink"]["pid"], signal.SIGKILL)
        time.sleep(1.5)
        os.kill(run["roles"]["worker"]["pid"], signal.SIGKILL)
        _out, err = feeder.communicate(timeout=120)
        assert feeder.returncode == 0, err
        wait_for(
            lambda: (
                (tmp_path / "run.json").exists()
                and json.loads((tmp_path / "run.json").read_text())["roles"]["sink"]["pid"]
                != run["roles"]["sink"]["pid"]
            ),
            what="sink restarted",
            explain=explain_stack(tmp_path),
        )
        restarted = json.loads((tmp_path / "run.json").read_text())
        warehouse = ClickhouseWarehouse(endpoint_url(restarted["sql"], write=False))
        wait_for(
            lambda: (
                n(warehouse, "SELECT uniqExact(document_id) AS n FROM classifications")
                == len(set(ids))
            ),
            timeout=180,
            what="every document classified after restarts",
            explain=explain_stack(tmp_path, warehouse),
        )
        assert_counts_are_distinct_documents(warehouse, len(set(ids)))
        assert "restarting sink" in (tmp_path / "up.log").read_text()
    finally:
        stop_feeder(feeder)
        stop(proc)


@pytest.mark.timeout(600)
def test_kill_9_of_the_whole_stack_during_a_large_ingest(tmp_path: Path) -> None:
    """On the embedded broker, which forgets on a kill: the spool brings acknowledged
    chunks back. Kafka keeps them itself; test_kafka_durability kills a whole Kafka stack."""
    stack_broker = "tansu"
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus, 20_000)
    proc, run = start_stack(tmp_path, "up-1.log", broker=stack_broker)
    feeder = ingest(tmp_path, corpus)
    try:
        out, err = kill_the_stack_mid_ingest(tmp_path, proc, run, feeder)
    finally:
        stop_feeder(feeder)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert feeder.returncode == 1, (out, err)  # it must say that not everything was published
    assert "published " in out, (out, err[-3000:])
    acknowledged = int(out.split("published ")[1].split(" ")[0])
    assert CHUNK <= acknowledged < len(ids), out
    (tmp_path / "run.json").unlink(missing_ok=True)

    proc, run = start_stack(tmp_path, "up-2.log", broker=stack_broker)
    assert run["broker"]["kind"] == stack_broker
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        # ingest acknowledges chunks in file order: the first `acknowledged` ids are owed
        owed = set(ids[:acknowledged])

        def all_owed_present() -> bool:
            rows = warehouse.query(
                "SELECT uniqExact(document_id) AS n FROM classifications "
                "WHERE has({ids:Array(String)}, document_id)",
                params={"ids": sorted(owed)},
            )
            return int(rows[0]["n"]) == len(owed)

        wait_for(
            all_owed_present,
            timeout=180,
            what="every acknowledged document back",
            explain=explain_stack(tmp_path, warehouse),
        )

        def settled() -> bool:
            docs = n(warehouse, "SELECT uniqExact(document_id) AS n FROM documents")
            done = n(warehouse, "SELECT uniqExact(document_id) AS n FROM classifications")
            return docs == done and not list((tmp_path / "spool").glob("*.seg"))

        wait_for(
            settled,
            timeout=180,
            what="every stored document classified, spool empty",
            explain=explain_stack(tmp_path, warehouse),
        )
        total = n(warehouse, "SELECT uniqExact(document_id) AS n FROM documents")
        assert_counts_are_distinct_documents(warehouse, total)
        assert total >= len(owed)
    finally:
        stop(proc)


def kill_the_stack_mid_ingest(
    data_dir: Path,
    proc: subprocess.Popen[bytes],
    run: dict,  # type: ignore[type-arg]
    feeder: subprocess.Popen[str],
) -> tuple[str, str]:
    """kill -9 the whole stack once ingest has an acknowledged chunk; ingest's output."""
    # ingest spools each chunk (CHUNK documents, paced) before publishing it: a second segment
    # means the first chunk was acknowledged and the second is in flight
    wait_for(
        lambda: len(list((data_dir / "spool").glob("*.seg"))) >= 2,
        what="ingest under way",
        explain=explain_stack(data_dir),
    )
    os.killpg(proc.pid, signal.SIGKILL)  # supervisor, broker, worker and sink at once
    proc.wait(timeout=10)
    pids = [run["broker"]["pid"]] + [r["pid"] for r in run["roles"].values()]
    wait_for(lambda: not any(pid_alive(p) for p in pids), timeout=20, what="stack dead")
    try:
        return feeder.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        feeder.kill()
        _out, err = feeder.communicate()
        pytest.fail(f"ingest did not stop after the broker died:\n{err[-3000:]}")
