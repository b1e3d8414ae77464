"""`policywatch producers` as the supervisor runs it: ready file, scheduled runs, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from schemas.topics import TopicNames
from tests.conftest import REPO, Broker
from tests.fixtures.web.server import FixtureServer
from tests.integration.test_producers_kafka import read_all
from tests.policywatch_cli import wait_until_ready

#: the CLI with these commands registered (register() is idempotent: fine once ops/cli.py does it)
ENTRY = "from ops.cli import app, main; from ops.cli_sources import register; register(app); main()"


def test_the_producers_role_runs_sources_until_sigterm(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    with FixtureServer() as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - {{id: enn, kind: news, feed: '{web.url('/news/atom.xml')}', "
            "interval: 1s}\n",
            encoding="utf-8",
        )
        ready = tmp_path / "ready.json"
        env = {
            **os.environ,
            "POLICYWATCH_KAFKA__BOOTSTRAP": broker.bootstrap,
            "POLICYWATCH_DATA_DIR": str(tmp_path / "var"),
            "POLICYWATCH_TOPICS__DOCUMENTS": topics.documents,
            "POLICYWATCH_TOPICS__DEADLETTER": topics.deadletter,
            "POLICYWATCH_FETCH__HOST_RATE_PER_S": "0",
            "POLICYWATCH_LOG_FORMAT": "json",
        }
        log = (tmp_path / "producers.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                ENTRY,
                "producers",
                "--sources",
                str(sources),
                "--ready-file",
                str(ready),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            info = wait_until_ready(proc, ready, tmp_path / "producers.log", "producers")
            metrics_url = info["metrics"]
            while len(web.requests_to("/news/atom.xml")) < 2:  # scheduled again after 1 s
                assert proc.poll() is None, (tmp_path / "producers.log").read_text()
                assert time.monotonic() < deadline, "the source was not run twice"
                time.sleep(0.05)
            metrics = httpx.get(metrics_url, timeout=10).text
            assert 'policywatch_source_runs_total{source="enn",status="ok"}' in metrics
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
    [(_key, event)] = read_all(broker.bootstrap, topics.documents)  # once, though run twice
    assert event.source.id == "enn"  # type: ignore[attr-defined]
    assert (tmp_path / "var" / "checkpoints" / "enn.json").exists()


def test_the_intake_command_serves_until_sigterm(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    ready = tmp_path / "intake.json"
    env = {
        **os.environ,
        "POLICYWATCH_KAFKA__BOOTSTRAP": broker.bootstrap,
        "POLICYWATCH_DATA_DIR": str(tmp_path / "var"),
        "POLICYWATCH_TOPICS__DOCUMENTS": topics.documents,
        "POLICYWATCH_INTAKE__TOKENS": '["role-test-token"]',
        "POLICYWATCH_LOG_FORMAT": "json",
    }
    log_path = tmp_path / "intake.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", ENTRY, "intake", "--port", "0", "--ready-file", str(ready)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = wait_until_ready(proc, ready, log_path, "intake")["url"]
            response = httpx.post(
                url + "/documents",
                json={"id": "note-1", "text": "The Quad met in Tokyo."},
                headers={"Authorization": "Bearer role-test-token"},
                timeout=30,
            )
            assert response.status_code == 202, response.text
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    [(key, _event)] = read_all(broker.bootstrap, topics.documents)
    assert key == response.json()["document_ids"][0].encode()
