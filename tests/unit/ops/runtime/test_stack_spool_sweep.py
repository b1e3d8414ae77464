"""The supervisor's spool sweep: a warehouse that cannot be reached (the sink restarting
just as the stack comes up) is retried later and never stops the stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ops.roles.stack import Stack
from ops.runtime.ports import free_port
from ops.settings import load_settings
from producers.spool import Spool, SpooledRecord


class StackWithEndpoint(Stack):
    """A stack whose run information names a warehouse endpoint nobody serves."""

    def __init__(self, data_dir: Path, sql: str) -> None:
        super().__init__(load_settings(data_dir=data_dir))
        self.sql = sql

    def run_info(self) -> dict[str, Any]:
        return {"sql": {"url": self.sql, "reader": "reader", "database": "policywatch"}}


def test_a_failed_sweep_is_left_for_the_next_one_and_still_republishes(tmp_path: Path) -> None:
    Spool(tmp_path / "spool").append([SpooledRecord(b"d1", b"{}")])
    stack = StackWithEndpoint(tmp_path, f"http://127.0.0.1:{free_port()}")
    stack._sweep_or_retry()  # the start's sweep: nothing listens there
    assert stack._republish_pending  # the next sweep re-publishes, as the first should have
    assert Spool(tmp_path / "spool").segments()  # nothing dropped
