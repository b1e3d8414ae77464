"""Run Apache Kafka brokers in KRaft mode from an installed broker's jars.

A node's folder holds ``server.properties``, ``ports.json`` and ``log/`` (its
data). Storage is formatted once, when ``log/meta.properties`` is missing; a node
started again (after a clean stop or a kill -9) keeps its topics, offsets and
changelogs, and takes the same ports when they are still free. Every node is
both broker and controller; the controller quorum is static
(``controller.quorum.voters``), so it does not depend on formatting options that
differ between Kafka 3 and 4.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ops.runtime.kafka_install import KafkaInstall, require_java_for
from ops.runtime.ports import broker_ready, free_port, wait_until
from ops.runtime.process import spawn, stop_process, tail
from schemas.errors import ConfigError, PolicywatchError

log = logging.getLogger(__name__)

HOST = "127.0.0.1"


class BrokerStartError(PolicywatchError):
    reason = "broker_start_failed"


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding.

    One id in 64 would start with ``-``, which command-line parsers read as an
    option; like Kafka's own ``Uuid.randomUuid`` we draw again.
    """
    while True:
        found = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not found.startswith("-"):
            return found


@dataclass(frozen=True)
class NodePorts:
    client: int
    controller: int


@dataclass(frozen=True)
class ClusterLayout:
    """Who votes and how many copies: one node for the embedded stack, three for a soak."""

    voters: Mapping[int, NodePorts]
    replication_factor: int = 1
    min_insync_replicas: int = 1

    @property
    def quorum_voters(self) -> str:
        return ",".join(f"{n}@{HOST}:{p.controller}" for n, p in sorted(self.voters.items()))

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{HOST}:{p.client}" for _n, p in sorted(self.voters.items()))


def server_properties(
    install: KafkaInstall, node_id: int, layout: ClusterLayout, log_dir: Path
) -> dict[str, str]:
    """The node's configuration: small thread pools and buffers for a shared machine."""
    ports = layout.voters[node_id]
    rf, isr = str(layout.replication_factor), str(layout.min_insync_replicas)
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node_id),
        "controller.quorum.voters": layout.quorum_voters,
        "listeners": f"PLAINTEXT://{HOST}:{ports.client},CONTROLLER://{HOST}:{ports.controller}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{ports.client}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(log_dir),
        # policywatch creates every topic explicitly, with its partitions and configs
        "auto.create.topics.enable": "false",
        "default.replication.factor": rf,
        "min.insync.replicas": isr,
        "unclean.leader.election.enable": "false",
        "offsets.topic.replication.factor": rf,
        "offsets.topic.num.partitions": "8",
        "transaction.state.log.replication.factor": rf,
        "transaction.state.log.min.isr": isr,
        "transaction.state.log.num.partitions": "4",
        # Faust's workers join at once instead of waiting 3 s for more members
        "group.initial.rebalance.delay.ms": "0",
        # 2 cores shared with every role: fewer threads, a smaller compaction buffer
        "num.network.threads": "2",
        "num.io.threads": "2",
        "background.threads": "4",
        "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
    }
    if install.major >= 4:
        props["share.coordinator.state.topic.replication.factor"] = rf
        props["share.coordinator.state.topic.min.isr"] = isr
    return props


def java_command(install: KafkaInstall, java: str, heap_mb: int, main: str) -> list[str]:
    return [
        java,
        f"-Xmx{heap_mb}m",
        f"-Xms{min(heap_mb, 128)}m",
        # one small broker beside the roles on the same cores: the client compiler only and
        # the serial collector (under the alert benchmark's load the broker used 54 % of a
        # core with C2 and G1, much of it compiling; 30 % with these)
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
        "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-cp",
        install.classpath,
        main,
    ]


def _write_properties(path: Path, props: Mapping[str, str]) -> None:
    lines = ["# written by policywatch on every start of this node"]
    lines += [f"{key}={value}" for key, value in props.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _port_free(port: int) -> bool:

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the broker binds: a port left in TIME_WAIT by the last run is still usable
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def node_ports(home: Path) -> NodePorts:
    """The ports this node had last time if both are free, else two free ones."""
    try:
        known = json.loads((home / "ports.json").read_text(encoding="utf-8"))
        ports = NodePorts(int(known["client"]), int(known["controller"]))
        if _port_free(ports.client) and _port_free(ports.controller):
            return ports
    except (OSError, ValueError, KeyError, TypeError):
        pass
    client = free_port()
    controller = free_port()
    while controller == client:
        controller = free_port()
    return NodePorts(client, controller)


@dataclass
class KafkaNode:
    """One KRaft node (broker and controller) as a child process."""

    install: KafkaInstall
    home: Path
    node_id: int = 1
    heap_mb: int = 512
    layout: ClusterLayout | None = None
    proc: subprocess.Popen[bytes] | None = None
    formatted_now: bool = False
    _java: str = field(default="", repr=False)

    @property
    def log_dir(self) -> Path:
        return self.home / "log"

    @property
    def log_path(self) -> Path:
        return self.home / "broker.log"

    @property
    def ports(self) -> NodePorts:
        assert self.layout is not None, "node not configured"
        return self.layout.voters[self.node_id]

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.ports.client}"

    def configure(self, layout: ClusterLayout, cluster_id: str) -> None:
        """Write server.properties and format storage if this node has none yet."""
        self._java = self._java or require_java_for(self.install)
        self.layout = layout
        self.home.mkdir(parents=True, exist_ok=True)
        ports = layout.voters[self.node_id]
        (self.home / "ports.json").write_text(
            json.dumps({"client": ports.client, "controller": ports.controller}), encoding="utf-8"
        )
        props = server_properties(self.install, self.node_id, layout, self.log_dir)
        _write_properties(self.home / "server.properties", props)
        self.formatted_now = False
        if not (self.log_dir / "meta.properties").exists():
            self._format(cluster_id)
            self.formatted_now = True

    def _format(self, cluster_id: str) -> None:
        command = [
            *java_command(self.install, self._java, 256, "kafka.tools.StorageTool"),
            "format",
            "--ignore-formatted",
            f"--cluster-id={cluster_id}",  # one token: an id may start with '-'
            "-c",
            str(self.home / "server.properties"),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise BrokerStartError(
                f"formatting Kafka storage in {self.log_dir} failed (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-800:]}"
            )

    def cluster_id(self) -> str | None:
        """The cluster id this node's storage was formatted with, if any."""
        meta = self.log_dir / "meta.properties"
        if not meta.exists():
            return None
        for line in meta.read_text(encoding="utf-8").splitlines():
            if line.startswith("cluster.id="):
                return line.split("=", 1)[1].strip()
        return None

    def spawn(self) -> None:
        command = java_command(self.install, self._java, self.heap_mb, "kafka.Kafka")
        self.proc = spawn([*command, str(self.home / "server.properties")], self.log_path)

    def wait_ready(self, timeout_s: float) -> None:
        """Ready = a metadata round trip; a JVM that exits or stays silent fails with its log."""

        proc = self.proc
        assert proc is not None
        if not wait_until(lambda: proc.poll() is None and broker_ready(self.bootstrap), timeout_s):
            code = proc.poll()
            what = f"exited with code {code}" if code is not None else "not ready"
            raise BrokerStartError(
                f"Kafka {self.install.version} node {self.node_id} at {self.bootstrap} {what} "
                f"after {timeout_s:.0f}s; "
                f"last log lines ({self.log_path}):\n{tail(self.log_path, 30)}"
            )

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """SIGTERM (a controlled shutdown that closes the logs cleanly), SIGKILL if it hangs."""
        if self.proc is None:
            return None
        return stop_process(self.proc, timeout_s)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_single_node(
    install: KafkaInstall, home: Path, heap_mb: int, timeout_s: float
) -> KafkaNode:
    """The embedded stack's broker: one node, its data under ``home/log``."""
    node = KafkaNode(install, home, heap_mb=heap_mb)
    layout = ClusterLayout({1: node_ports(home)})
    node.configure(layout, node.cluster_id() or new_cluster_id())
    node.spawn()
    try:
        node.wait_ready(timeout_s)
    except BaseException:
        node.stop()
        raise
    return node


def run_kafka_tool(
    install: KafkaInstall, main: str, args: list[str], timeout_s: float = 60.0
) -> str:
    """Run one of the jars' command-line tools (what ``bin/kafka-*.sh`` would run)."""
    java = require_java_for(install)
    command = [*java_command(install, java, 256, main), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    if done.returncode != 0:
        raise ConfigError(f"{main} {' '.join(args)} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


#: ``kafka-consumer-groups.sh`` runs this class in Kafka 3.7 and later.
CONSUMER_GROUPS_TOOL = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"
