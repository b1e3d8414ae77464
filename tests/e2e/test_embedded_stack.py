"""`policywatch up` as a user runs it: real processes, real Tansu, real chDB.

One stack serves the module: seeds are ingested through the CLI and found in the
warehouse; a malformed message lands in the dead letters while the next good
one still flows; ingesting twice changes no count; SIGTERM stops everything.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ops.runtime.access import endpoint_url
from ops.runtime.runfile import pid_alive
from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.conftest import SHARED
from tests.waiting import wait_for

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))


@dataclass
class RunningStack:
    proc: subprocess.Popen[bytes]
    data_dir: Path
    run: dict[str, Any]
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ops.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def warehouse(self) -> ClickhouseWarehouse:
        return ClickhouseWarehouse(endpoint_url(self.run["sql"], write=False))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    data_dir = tmp_path_factory.mktemp("stack")
    env = {
        **os.environ,
        "POLICYWATCH_DATA_DIR": str(data_dir),
        "POLICYWATCH_KAFKA__PARTITIONS": "2",
    }
    env.pop("POLICYWATCH_KAFKA__BOOTSTRAP", None)
    env.pop("POLICYWATCH_WAREHOUSE__URL", None)
    log = open(data_dir / "up.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "ops.cli", "up"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    run_file = data_dir / "run.json"
    deadline = time.monotonic() + 120
    while not run_file.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("policywatch up did not start:\n" + (data_dir / "up.log").read_text())
        time.sleep(0.1)
    running = RunningStack(proc, data_dir, json.loads(run_file.read_text()), env)
    yield running
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    log.close()


def distinct(warehouse: ClickhouseWarehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0]["n"])


def test_ingested_seeds_are_classified_in_the_warehouse(stack: RunningStack) -> None:
    result = stack.cli("ingest", *map(str, SEEDS))
    assert result.returncode == 0, result.stderr
    assert "published 2 documents" in result.stdout
    warehouse = stack.warehouse()
    wait_for(
        lambda: distinct(warehouse, "SELECT uniqExact(document_id) AS n FROM classifications") >= 2,
        what="seeds classified",
    )
    initiatives = {
        r["label_id"]
        for r in warehouse.query(
            "SELECT DISTINCT label_id FROM mentions WHERE label_type = 'initiative'"
        )
    }
    actors = {
        r["label_name"]
        for r in warehouse.query(
            "SELECT DISTINCT label_name FROM mentions WHERE label_type = 'actor'"
        )
    }
    names = {
        r["name"]
        for r in warehouse.query(
            "SELECT DISTINCT JSONExtractString(i, 'name') AS name FROM classifications "
            "ARRAY JOIN JSONExtractArrayRaw(labels, 'initiatives') AS i"
        )
    }
    for expected in (
        "AI Dialogue",
        "Critical Minerals",
        "Economic Security Dialogue",
        "Special Strategic and Global Partnership",
        "Free and Open Indo-Pacific",
        "Quad",
    ):
        assert any(expected.lower() in n.lower() for n in names), (expected, names)
    assert len(initiatives) >= 6
    for person in ("Jaishankar", "Motegi", "Modi", "Kitamura", "Jaiswal"):
        assert any(person in a for a in actors), (person, actors)

    # Ingesting the same files again changes no count.
    before = warehouse.query(
        "SELECT label_id, toUInt64(sum(sign)) AS n FROM label_changes WHERE label_type != '' "
        "GROUP BY label_id HAVING n > 0 ORDER BY label_id"
    )
    again = stack.cli("ingest", *map(str, SEEDS))
    assert again.returncode == 0, again.stderr
    time.sleep(3)  # nothing to wait for: a duplicate produces no row; give it the chance
    after = warehouse.query(
        "SELECT label_id, toUInt64(sum(sign)) AS n FROM label_changes WHERE label_type != '' "
        "GROUP BY label_id HAVING n > 0 ORDER BY label_id"
    )
    assert after == before
    assert distinct(warehouse, "SELECT uniqExact(document_id) AS n FROM documents") == 2


def test_malformed_message_is_dead_lettered_and_the_next_one_flows(stack: RunningStack) -> None:
    publisher = Publisher(stack.run["broker"]["bootstrap"])
    good = observe_document(
        document_id="d-after-bad",
        source=SourceRef(id="t", kind="official_statement"),
        title="Quad foreign ministers meet",
        body="The Quad foreign ministers met in Tokyo and reaffirmed a free and open Indo-Pacific.",
        producer=Producer(name="test", version="1"),
    )
    report = publisher.publish(
        [
            Outgoing("policy.documents", b"broken", b'{"event_type": "document.observed"'),
            Outgoing("policy.documents", b"d-after-bad", encode(good)),
        ]
    )
    publisher.close()
    assert report.failed == 0
    warehouse = stack.warehouse()
    wait_for(
        lambda: (
            distinct(
                warehouse,
                "SELECT count() AS n FROM classifications WHERE document_id = 'd-after-bad'",
            )
            == 1
        ),
        what="good document after the bad one",
    )
    wait_for(
        lambda: (
            distinct(warehouse, "SELECT count() AS n FROM deadletter WHERE stage = 'classify'") >= 1
        ),
        what="dead letter",
    )
    [dead] = warehouse.query(
        "SELECT reason, topic, original_value FROM deadletter WHERE stage = 'classify' LIMIT 1"
    )
    assert dead["reason"] == "not_json"
    assert dead["topic"] == "policy.documents"
    import base64

    assert base64.b64decode(dead["original_value"]).startswith(b'{"event_type"')


def test_sql_command_reads_the_running_stack_and_refuses_writes(stack: RunningStack) -> None:
    ok = stack.cli("sql", "SELECT count() AS n FROM documents", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["n"] >= 2
    refused = stack.cli("sql", "DROP TABLE documents")
    assert refused.returncode != 0
    assert "--write" in refused.stderr


def test_replay_republishes_the_stored_log_without_changing_counts(stack: RunningStack) -> None:
    warehouse = stack.warehouse()
    raw_rows = "SELECT count() AS n FROM classifications"
    docs = "SELECT uniqExact(document_id) AS n FROM classifications"
    stored = distinct(warehouse, "SELECT count() AS n FROM documents FINAL")
    before_rows, before_docs = distinct(warehouse, raw_rows), distinct(warehouse, docs)
    result = stack.cli("replay", "--force", "--wait")
    assert result.returncode == 0, result.stderr
    assert f"republished {stored} of {stored}" in result.stdout
    assert "classified and stored" in result.stderr
    # --wait returned once the workers and the sink were done: every forced
    # re-classification is queryable already
    assert distinct(warehouse, raw_rows) >= before_rows + stored
    assert distinct(warehouse, docs) == before_docs
    only_quad = stack.cli("replay", "--initiative", "quad", "--since", "2020-01-01")
    assert only_quad.returncode == 0, only_quad.stderr
    quad_docs = distinct(
        warehouse,
        "SELECT uniqExact(document_id) AS n FROM latest_mentions "
        "WHERE label_type = 'initiative' AND label_id = 'quad'",
    )
    assert f"republished {quad_docs} of {quad_docs}" in only_quad.stdout


def test_sql_reports_the_users_own_statement(stack: RunningStack) -> None:
    typo = stack.cli("sql", "SELEC 1")
    assert typo.returncode == 2
    assert "syntax error at line 1, column 7" in typo.stderr and "SELEC 1" in typo.stderr
    assert "--write" not in typo.stderr and "FORMAT" not in typo.stderr
    cut = stack.cli("sql", "SELECT 1 +")
    assert cut.returncode == 2 and "FORMAT Native" not in cut.stderr
    unknown = stack.cli("sql", "SELECT nosuchcol FROM documents")
    assert unknown.returncode == 1
    assert "UNKNOWN_IDENTIFIER" in unknown.stderr and "for url" not in unknown.stderr
    for result in (typo, cut, unknown):
        assert "Traceback" not in result.stderr
    commented = stack.cli("sql", "/* how many */ (SELECT count() AS n FROM documents);")
    assert commented.returncode == 0, commented.stderr
    own_format = stack.cli("sql", "SELECT 1 AS x FORMAT JSONEachRow")
    assert (own_format.returncode, own_format.stdout) == (0, '{"x":1}\n'), own_format.stderr


def test_query_refuses_unknown_ids_and_filters_actors_by_their_country(
    stack: RunningStack,
) -> None:
    typo = stack.cli("query", "trends", "--initiative", "quadd")
    assert typo.returncode == 2 and "did you mean quad" in typo.stderr, typo.stderr
    nosuch = stack.cli("query", "trends", "--initiative", "nosuch")
    assert nosuch.returncode == 2 and "unknown initiative 'nosuch'" in nosuch.stderr
    misplaced = stack.cli("query", "trends", "--country", "JP")
    assert misplaced.returncode == 2 and "--doc-country" in misplaced.stderr
    for result in (typo, nosuch, misplaced):
        assert "Traceback" not in result.stderr and result.stdout == ""
    japanese = stack.cli("query", "actors", "--country", "JP", "--format", "json")
    assert japanese.returncode == 0, japanese.stderr
    rows = [json.loads(line) for line in japanese.stdout.splitlines()]
    assert rows and {r["country"] for r in rows} == {"JP"}


def test_ingest_dead_letters_bad_urls_and_skips_data_and_hidden_folders(
    stack: RunningStack, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "notes.txt").write_text("Quad ministers met in Tokyo.", encoding="utf-8")
    (folder / "old-stack" / "warehouse").mkdir(parents=True)
    (folder / "old-stack" / "logs").mkdir()
    (folder / "old-stack" / "logs" / "sink.txt").write_text("a log line", encoding="utf-8")
    records = [
        {"url": "https://news.example/quad-inbox-1", "text": "The Quad met in Tokyo today."},
        {"url": "javascript:alert(1)", "text": "The Quad met."},
        {"url": ["https://a.example/1"], "text": "The Quad met.", "section": "world"},
        {"url": "https://news.example/quad-inbox-2", "text": "The Quad met in Delhi today."},
    ]
    (folder / "feed.jsonl").write_text("\n".join(map(json.dumps, records)), encoding="utf-8")
    result = stack.cli("ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert "published 2 documents from 1 files" in result.stdout
    assert "Traceback" not in result.stderr
    for expected in (".git: hidden folder", "old-stack: a policywatch data directory"):
        assert expected in result.stderr
    assert "feed.jsonl:2: invalid_url" in result.stderr
    assert "feed.jsonl:3: invalid_record" in result.stderr and "section" in result.stderr
    warehouse = stack.warehouse()
    wait_for(
        lambda: (
            distinct(
                warehouse,
                "SELECT uniqExact(event_id) AS n FROM deadletter "
                "WHERE stage = 'ingest' AND reason IN ('invalid_url', 'invalid_record')",
            )
            >= 2
        ),
        what="the two dead letters of feed.jsonl",
    )


def test_sigterm_stops_every_process(stack: RunningStack) -> None:
    pids = [stack.run["broker"]["pid"]] + [r["pid"] for r in stack.run["roles"].values()]
    assert all(pid_alive(p) for p in pids)
    stack.proc.send_signal(signal.SIGTERM)
    assert stack.proc.wait(timeout=60) == 0
    wait_for(lambda: not any(pid_alive(p) for p in pids), timeout=15, what="children gone")
    assert not (stack.data_dir / "run.json").exists()
