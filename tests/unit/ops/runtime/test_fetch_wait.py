"""Each role's fetch wait follows the broker: long on Kafka, short on Tansu."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.roles.stack import Stack
from ops.runtime.broker import EmbeddedBroker
from ops.runtime.fetch_wait import KAFKA_FETCH_WAIT_MS, fetch_wait_ms
from ops.runtime.runfile import write_json_atomic
from ops.settings import load_settings
from schemas.errors import ConfigError
from sinks.consumer import FETCH_MAX_WAIT_MS


def _run_file(data_dir: Path, kind: str) -> None:
    settings = load_settings(data_dir=data_dir)
    write_json_atomic(settings.run_file, {"pid": os.getpid(), "broker": {"kind": kind}})


def test_a_configured_wait_wins(tmp_path: Path) -> None:
    _run_file(tmp_path, "tansu")
    assert fetch_wait_ms(load_settings(data_dir=tmp_path, kafka={"fetch_wait_ms": 250})) == 250


def test_the_running_stack_broker_decides(tmp_path: Path) -> None:
    _run_file(tmp_path / "t", "tansu")
    _run_file(tmp_path / "k", "kafka")
    assert fetch_wait_ms(load_settings(data_dir=tmp_path / "t")) == FETCH_MAX_WAIT_MS
    assert fetch_wait_ms(load_settings(data_dir=tmp_path / "k")) == KAFKA_FETCH_WAIT_MS
    assert FETCH_MAX_WAIT_MS < KAFKA_FETCH_WAIT_MS


def test_a_configured_cluster_is_kafka(tmp_path: Path) -> None:
    _run_file(tmp_path, "tansu")  # another stack's file does not describe that cluster
    settings = load_settings(data_dir=tmp_path, kafka={"bootstrap": "kafka.internal:9092"})
    assert fetch_wait_ms(settings) == KAFKA_FETCH_WAIT_MS


def _child_wait(tmp_path: Path, kind: str, **kafka: object) -> str | None:
    stack = Stack(load_settings(data_dir=tmp_path / kind, kafka=kafka))
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    stack.broker = EmbeddedBroker(
        kind=kind,  # type: ignore[arg-type]
        version="test",
        bootstrap="127.0.0.1:1",
        proc=proc,
        log_path=tmp_path / "broker.log",
        durable=kind == "kafka",
        fresh=True,
    )
    return stack._role("worker").env.get("POLICYWATCH_KAFKA__FETCH_WAIT_MS")


def test_the_stack_gives_its_roles_its_broker_wait(tmp_path: Path) -> None:
    assert _child_wait(tmp_path, "tansu") == str(FETCH_MAX_WAIT_MS)
    assert _child_wait(tmp_path, "kafka") == str(KAFKA_FETCH_WAIT_MS)
    # a configured wait reaches the roles through their own settings, untouched
    assert _child_wait(tmp_path / "set", "tansu", fetch_wait_ms=300) is None


def test_a_wait_out_of_range_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Below 10 ms every consumer would hammer the broker; above 10 s a Tansu hop would
    take that long: either is a mistake, said with the setting's name."""
    for bad in ("5", "20000", "soon"):
        monkeypatch.setenv("POLICYWATCH_KAFKA__FETCH_WAIT_MS", bad)
        with pytest.raises(ConfigError, match=r"kafka\.fetch_wait_ms"):
            load_settings()
