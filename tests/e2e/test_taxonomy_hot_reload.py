"""A running stack picks up a taxonomy change without a restart, and survives a broken one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ops.runtime.access import endpoint_url
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.e2e.test_crash_recovery import explain_stack, start_stack, stop
from tests.waiting import wait_for

USER = """
version: "user-1"
initiatives:
  - id: user.harbour-compact
    name: Harbour Compact
    parties: [IN, JP]
    aliases: {{en: ["{alias}"]}}
"""


def ingest_one(data_dir: Path, n: int) -> None:
    path = data_dir / f"doc{n}.jsonl"
    text = (
        f"Dispatch {n}: port authorities of India and Japan signed the Harbour Compact on "
        "dredging, pilotage and shared customs data for container terminals."
    )
    path.write_bytes(
        orjson.dumps(
            {
                "url": f"https://ports.example/dispatch/{n}",
                "title": f"Dispatch {n}",
                "text": text,
                "source": {"id": "ports", "kind": "news", "name": "Ports"},
            }
        )
    )
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "ingest", str(path)],
        env={**os.environ, "POLICYWATCH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def labels_of(warehouse: ClickhouseWarehouse, n: int) -> set[str] | None:
    from schemas.ids import document_id_for_url

    rows = warehouse.query(
        "SELECT labels FROM classifications FINAL WHERE document_id = {d:String}",
        params={"d": document_id_for_url(f"https://ports.example/dispatch/{n}")},
    )
    if not rows:
        return None
    return {i["id"] for i in json.loads(rows[0]["labels"])["initiatives"]}


@pytest.mark.timeout(360)  # a stack start, and CI machines are slower
def test_a_taxonomy_change_applies_while_running_and_a_broken_one_does_not(
    tmp_path: Path,
) -> None:
    user = tmp_path / "user.yaml"
    user.write_text(USER.format(alias="Harbor Accord"), encoding="utf-8")
    proc, run = start_stack(
        tmp_path,
        "up.log",
        {
            "POLICYWATCH_STREAMS__TAXONOMY": json.dumps([str(user)]),
            "POLICYWATCH_STREAMS__TAXONOMY_RELOAD_S": "0.5",
        },
    )
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        ingest_one(tmp_path, 1)
        wait_for(lambda: labels_of(warehouse, 1) is not None, what="doc 1", explain=explain)
        assert "user.harbour-compact" not in (labels_of(warehouse, 1) or set())

        user.write_text(USER.format(alias="Harbour Compact"), encoding="utf-8")
        worker_log = tmp_path / "logs" / "worker.log"
        wait_for(lambda: "taxonomy reloaded" in worker_log.read_text(), what="reload")
        ingest_one(tmp_path, 2)
        wait_for(lambda: labels_of(warehouse, 2) is not None, what="doc 2", explain=explain)
        assert "user.harbour-compact" in (labels_of(warehouse, 2) or set())

        user.write_text(USER.format(alias="Harbour Compact") + "  - id: [broken\n")
        wait_for(lambda: "taxonomy not reloaded" in worker_log.read_text(), what="refusal")
        ingest_one(tmp_path, 3)
        wait_for(lambda: labels_of(warehouse, 3) is not None, what="doc 3", explain=explain)
        assert "user.harbour-compact" in (labels_of(warehouse, 3) or set())
    finally:
        stop(proc)
