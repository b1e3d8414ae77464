"""``<data dir>/run.json``: where the running embedded stack serves what.

Other commands (``ingest``, ``sql``, ``query``) read it to find the stack
without configuration. It holds the embedded endpoint's writer password, so it
is written with mode 0600.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from schemas.errors import ConfigError


def write_json_atomic(path: Path, data: dict[str, Any], mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(tmp, path)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_run_file(path: Path) -> dict[str, Any] | None:
    """The run file of a live stack, or None when none runs (a stale file is ignored)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not pid_alive(int(data.get("pid", 0) or 0)):
        return None
    return data


def require_run_file(path: Path) -> dict[str, Any]:
    data = read_run_file(path)
    if data is None:
        raise ConfigError(
            f"no running policywatch stack found ({path}); start one with `policywatch up` "
            "in another terminal, or set POLICYWATCH_KAFKA__BOOTSTRAP / POLICYWATCH_WAREHOUSE__URL"
        )
    return data
