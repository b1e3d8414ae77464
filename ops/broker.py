"""The embedded stack's broker: Apache Kafka (durable) or Tansu (in memory), and the choice.

Both speak the Kafka protocol on a free loopback port and are ready after a
metadata round trip. What differs is what survives a restart: Kafka keeps its
log under ``<data dir>/kafka`` (topics, consumer offsets, the stream's table
changelogs), Tansu keeps nothing, so on Tansu the stack spools documents and
re-publishes subscriptions and alerts itself (``fresh`` says when that is needed).
"""

from __future__ import annotations

import logging
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ops.settings import Settings
from schemas.errors import ConfigError

log = logging.getLogger(__name__)

BrokerKind = Literal["kafka", "tansu"]


def broker_ready(bootstrap: str) -> bool:
    """A metadata round trip, not a port check: the broker answers Kafka requests."""
    from kafka import KafkaAdminClient

    host, _, port = bootstrap.split(",", maxsplit=1)[0].rpartition(":")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        if probe.connect_ex((host, int(port))) != 0:
            return False  # not listening yet; kafka-python would leak a socket per attempt
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=2000, client_id="policywatch-probe"
    )
    try:
        admin.list_topics()
        return True
    finally:
        admin.close()


def choose_kind(settings: Settings) -> BrokerKind:
    """``auto``: Kafka when Java and the configured version are installed, else Tansu."""
    import shutil

    from ops.kafka_install import installed_kafka

    kind = settings.broker.kind
    if kind != "auto":
        return kind
    version = settings.broker.kafka_version
    if shutil.which("java") and installed_kafka(version, settings.broker_cache_dir):
        return "kafka"
    log.info(
        "broker: Tansu (in memory); for the durable Kafka %s run `policywatch broker install`",
        version,
    )
    return "tansu"


@dataclass
class EmbeddedBroker:
    """A started broker process and what the supervisor needs to know about it."""

    kind: BrokerKind
    version: str
    bootstrap: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    #: its topics survive a restart of the process
    durable: bool
    #: it started with no topics: what the stack keeps elsewhere must be re-published
    fresh: bool
    node: Any = None  # the KafkaNode, to restart it on the same ports

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "version": self.version,
            "bootstrap": self.bootstrap,
            "pid": self.proc.pid,
            "durable": self.durable,
            "log": str(self.log_path),
        }

    def restart(self, timeout_s: float) -> None:
        """Start a dead Kafka node again on its ports, with its data (Tansu cannot)."""
        if self.node is None:
            raise ConfigError("only a durable broker can be restarted")
        self.node.spawn()
        self.node.wait_ready(timeout_s)
        self.proc = self.node.proc
        self.fresh = False

    def stop(self) -> None:
        from ops.process import stop_process

        stop_process(self.proc, 30.0 if self.durable else 10.0)


def start_broker(settings: Settings, data_dir: Path, logs: Path) -> EmbeddedBroker:
    """Start the broker ``settings.broker`` asks for (or ``auto`` picks)."""
    kind = choose_kind(settings)
    if kind == "kafka":
        return _start_kafka(settings, data_dir)
    return _start_tansu(settings, logs)


def _start_kafka(settings: Settings, data_dir: Path) -> EmbeddedBroker:
    from ops.kafka_broker import start_single_node
    from ops.kafka_install import find_java, installed_kafka

    find_java()
    version = settings.broker.kafka_version
    install = installed_kafka(version, settings.broker_cache_dir)
    if install is None:
        raise ConfigError(
            f"Kafka {version} is not installed in {settings.broker_cache_dir}; run "
            f"`policywatch broker install --version {version}` (needs Java and Maven), "
            "or use `--broker tansu`"
        )
    node = start_single_node(
        install, data_dir / "kafka", settings.broker.heap_mb, settings.broker.start_timeout_s
    )
    assert node.proc is not None
    return EmbeddedBroker(
        kind="kafka",
        version=version,
        bootstrap=node.bootstrap,
        proc=node.proc,
        log_path=node.log_path,
        durable=True,
        fresh=node.formatted_now,
        node=node,
    )


def _start_tansu(settings: Settings, logs: Path) -> EmbeddedBroker:
    from ops.ports import free_port, wait_until
    from ops.process import stop_process, tail
    from ops.tansu import spawn_tansu, tansu_version

    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    log_path = logs / "broker.log"
    proc = spawn_tansu(port, log_path)
    timeout = settings.broker.start_timeout_s
    if not wait_until(lambda: proc.poll() is None and broker_ready(bootstrap), timeout):
        stop_process(proc)
        raise ConfigError(f"broker not ready at {bootstrap}; last log lines:\n{tail(log_path)}")
    return EmbeddedBroker(
        kind="tansu",
        version=tansu_version(),
        bootstrap=bootstrap,
        proc=proc,
        log_path=log_path,
        durable=False,
        fresh=True,
    )
