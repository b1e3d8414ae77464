"""`policywatch up` with a sources file: producers run as a role, health lands in the warehouse.

Also: a restarted sink serves SQL on the same URL, so the producers' health rows
(and Grafana, and `policywatch sql`) keep reaching it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ops.runtime.access import endpoint_url
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.e2e.test_crash_recovery import explain_stack, start_stack, stop
from tests.fixtures.web.server import FixtureServer
from tests.waiting import wait_for


def count(warehouse: ClickhouseWarehouse, sql: str) -> int:
    return int(warehouse.query(sql)[0]["n"])


@pytest.mark.timeout(360)  # a stack start, and CI machines are slower
def test_up_schedules_every_source_and_stores_its_health(tmp_path: Path) -> None:
    with FixtureServer() as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - {{id: enn, kind: news, feed: '{web.url('/news/atom.xml')}', "
            "interval: 2s}\n",
            encoding="utf-8",
        )
        proc, run = start_stack(
            tmp_path,
            "up.log",
            {"POLICYWATCH_FETCH__SOURCES": str(sources), "POLICYWATCH_FETCH__HOST_RATE_PER_S": "0"},
        )
        try:
            assert "producers" in run["roles"], run
            warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
            explain = explain_stack(tmp_path, warehouse)
            wait_for(
                lambda: (
                    count(
                        warehouse,
                        "SELECT uniqExact(document_id) AS n FROM classifications "
                        "WHERE source_id = 'enn'",
                    )
                    > 0
                ),
                what="documents of the scheduled source classified",
                explain=explain,
            )
            wait_for(
                lambda: (
                    count(
                        warehouse,
                        "SELECT count() AS n FROM source_health FINAL "
                        "WHERE source_id = 'enn' AND status = 'ok'",
                    )
                    >= 2
                ),
                what="two health rows of the source",
                explain=explain,
            )
            os.kill(run["roles"]["sink"]["pid"], signal.SIGKILL)
            wait_for(
                lambda: (
                    json.loads((tmp_path / "run.json").read_text())["roles"]["sink"]["pid"]
                    != run["roles"]["sink"]["pid"]
                ),
                what="sink restarted",
                explain=explain,
            )
            restarted = json.loads((tmp_path / "run.json").read_text())
            assert restarted["sql"]["url"] == run["sql"]["url"]
            before = count(warehouse, "SELECT count() AS n FROM source_health FINAL")
            wait_for(
                lambda: count(warehouse, "SELECT count() AS n FROM source_health FINAL") > before,
                what="health rows after the sink restarted",
                explain=explain,
            )
            status = subprocess.run(
                [sys.executable, "-m", "ops.cli", "status"],
                env={**os.environ, "POLICYWATCH_DATA_DIR": str(tmp_path)},
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert "producers" in status.stdout, status.stdout + status.stderr
        finally:
            stop(proc)
