"""The one way tests wait: poll a probe until it holds, else fail saying what did not happen."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


def wait_for(
    probe: Callable[[], bool],
    timeout: float = 60,
    what: str = "condition",
    explain: Callable[[], str] | None = None,
    interval: float = 0.1,
) -> None:
    """Poll until ``probe`` holds; on timeout fail with ``explain()`` (logs, counts).

    A probe that raises fails the test at once: waiting hides no errors.
    """
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() >= deadline:
            detail = explain() if explain else ""
            pytest.fail(f"{what} not reached in {timeout}s\n{detail}".rstrip())
        time.sleep(interval)
