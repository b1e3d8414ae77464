"""CPU seconds each process of a running stack has used, read from ``/proc`` (Linux): the
pipeline benchmark takes them before and after its throughput run, to say where the time
goes (the classify workers, the sink, the broker) and which role to scale."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of ``pid`` (its threads included), or None when it
    cannot be read (another system, a process gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name may hold spaces: the fields after it follow its closing ")"
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def stack_pids(run: dict[str, Any]) -> dict[str, int]:
    """The stack's processes by role name (``Stack.start()``'s run info), the broker's
    included when the stack started it."""
    pids = {name: info["pid"] for name, info in run.get("roles", {}).items() if info.get("pid")}
    broker_pid = (run.get("broker") or {}).get("pid")
    if broker_pid:
        pids["broker"] = broker_pid
    return pids


def snapshot(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each process that can be read."""
    seconds = {name: process_cpu_seconds(pid) for name, pid in pids.items()}
    return {name: cpu for name, cpu in seconds.items() if cpu is not None}


def used_between(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each role used between two snapshots (roles present in both)."""
    return {name: round(after[name] - before[name], 2) for name in before if name in after}
