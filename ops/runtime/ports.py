"""Free loopback ports and readiness probes."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

from kafka import KafkaAdminClient


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(probe: Callable[[], bool], timeout_s: float, interval_s: float = 0.05) -> bool:
    """Call ``probe`` until it returns True or the time is up (backing off to 0.5 s)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if probe():
                return True
        except Exception:  # a probe that raises simply is not ready yet
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)
        interval_s = min(interval_s * 1.5, 0.5)


def broker_ready(bootstrap: str) -> bool:
    """A metadata round trip, not a port check: the broker answers Kafka requests."""
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
