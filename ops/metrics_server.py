"""Serve this process's Prometheus metrics on a loopback (or configured) port."""

from __future__ import annotations

from prometheus_client import start_http_server


def serve_metrics(port: int = 0, host: str = "127.0.0.1") -> str:
    """Start the /metrics endpoint; returns its URL (port 0 picks a free port)."""
    server, _thread = start_http_server(port, addr=host)
    return f"http://{host}:{server.server_port}/metrics"
