"""Session fixtures: a real chDB warehouse (tmp dir) and, for integration tests, a real Tansu."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from schemas.topics import TopicNames
from sinks.warehouse.chdb_driver import ChdbWarehouse

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def chdb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one chDB data directory of this test process (chDB allows one per process)."""
    return tmp_path_factory.mktemp("chdb")


@pytest.fixture()
def fresh_database(chdb_dir: Path) -> Iterator[ChdbWarehouse]:
    """A new, empty database in the process's chDB, dropped afterwards."""
    name = "t_" + uuid.uuid4().hex[:12]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    yield warehouse
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


@dataclass(frozen=True)
class Broker:
    bootstrap: str
    pid: int
    log_path: Path


@pytest.fixture(scope="session")
def tansu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A real Tansu broker on a free loopback port; a failed start fails the run."""
    from ops.ports import free_port, wait_until
    from ops.process import stop_process, tail
    from ops.tansu import broker_ready, spawn_tansu

    log_path = tmp_path_factory.mktemp("tansu") / "broker.log"
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    proc = spawn_tansu(port, log_path)
    if not wait_until(lambda: proc.poll() is None and broker_ready(bootstrap), 30):
        stop_process(proc)
        pytest.fail(f"Tansu did not start at {bootstrap}:\n{tail(log_path)}")
    yield Broker(bootstrap, proc.pid, log_path)
    stop_process(proc)


@pytest.fixture()
def topics(tansu: Broker) -> TopicNames:
    """Fresh, explicitly created topics for one test."""
    from ops.topics import ensure_topics

    suffix = uuid.uuid4().hex[:8]
    names = TopicNames(
        documents=f"t{suffix}.documents",
        classified=f"t{suffix}.classified",
        subscriptions=f"t{suffix}.subscriptions",
        alerts=f"t{suffix}.alerts",
        deliveries=f"t{suffix}.deliveries",
        deadletter=f"t{suffix}.deadletter",
    )
    ensure_topics(tansu.bootstrap, names.all(), partitions=2)
    return names
