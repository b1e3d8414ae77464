"""Serve this process's Prometheus metrics on a loopback (or configured) port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prometheus_client import start_http_server


@dataclass
class MetricsEndpoint:
    url: str
    _server: Any

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def serve_metrics(port: int = 0, host: str = "127.0.0.1") -> MetricsEndpoint:
    """Start the /metrics endpoint (port 0 picks a free port)."""
    server, _thread = start_http_server(port, addr=host)
    return MetricsEndpoint(f"http://{host}:{server.server_port}/metrics", server)
