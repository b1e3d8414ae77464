"""`policywatch intake`: the HTTP intake (POST /documents, bearer tokens) as a role.

Ready once the server listens; SIGTERM/SIGINT stop it, then its publisher is closed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ops.roles.kafka import kafka_outlet
from ops.roles.producers import producer_identity
from ops.roles.serve import serve_http
from ops.runtime.metrics_server import serve_metrics
from ops.settings import Settings
from producers.intake import IntakeConfig, build_intake_app
from schemas.documents import SourceKind, SourceRef

log = logging.getLogger(__name__)


def run_intake(
    settings: Settings,
    ready_file: Path | None = None,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serve the intake until SIGTERM/SIGINT (port 0 = a free port)."""
    section = settings.intake
    publisher, outlet = kafka_outlet(settings, "policywatch-producers")
    config = IntakeConfig(
        tokens=tuple(t.get_secret_value() for t in section.tokens),
        producer=producer_identity("policywatch-intake"),
        max_body_bytes=section.max_body_bytes,
        max_documents=section.max_documents,
        source=SourceRef(id=section.source_id, kind=SourceKind.NEWS, name="HTTP intake"),
    )
    try:
        app = build_intake_app(config, outlet)
        metrics = serve_metrics(settings.metrics_port, settings.metrics_host)
        serve_http(
            app,
            host or section.host,
            section.port if port is None else port,
            ready_file=ready_file,
            ready_info=lambda url: {"url": url, "metrics": metrics.url},
            announce=lambda url: log.info("intake at %s/documents (docs %s/docs)", url, url),
        )
        metrics.close()
    finally:
        publisher.close()
