"""The pipeline benchmark's CPU-by-role reading, on this very process."""

from __future__ import annotations

import os
import time

from bench.role_cpu import process_cpu_seconds, snapshot, stack_pids, used_between


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_process_cpu_time_grows_with_the_work_it_does() -> None:
    pids = {"me": os.getpid()}
    before = snapshot(pids)
    _burn(0.3)
    used = used_between(before, snapshot(pids))
    assert 0.2 <= used["me"] < 5


def test_a_process_that_is_gone_is_left_out() -> None:
    assert process_cpu_seconds(2**22 + 12345) is None
    assert snapshot({"gone": 2**22 + 12345}) == {}


def test_the_stack_names_its_roles_and_the_broker_it_started() -> None:
    run = {
        "roles": {"worker": {"pid": 11}, "sink": {"pid": 12}, "api": {"pid": None}},
        "broker": {"pid": 10, "bootstrap": "127.0.0.1:9092"},
    }
    assert stack_pids(run) == {"worker": 11, "sink": 12, "broker": 10}
    assert stack_pids({"roles": {}, "broker": {"bootstrap": "kafka:9092"}}) == {}
