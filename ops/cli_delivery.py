"""`policywatch delivery`: the delivery role (follows policy.alerts, sends, records attempts).

``register(app)`` adds the command to the main Typer app (once). SIGTERM and
SIGINT stop the worker cleanly: attempts in flight get a short grace, the rest
stay non-final and a restarted worker delivers them (at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from ops.settings import Settings
from schemas.envelope import Producer
from schemas.subscriptions import Subscription

log = logging.getLogger(__name__)


def run_delivery(settings: Settings, ready_file: Path | None = None) -> None:
    """Run the DeliveryWorker until a signal stops it; metrics and ready file as every role."""
    from ops.delivery_config import delivery_config
    from ops.metrics_server import serve_metrics
    from ops.roles import resolve_bootstrap
    from ops.runfile import write_json_atomic
    from sinks.delivery.worker import DeliveryWorker

    bootstrap = resolve_bootstrap(settings)
    endpoint = serve_metrics(settings.metrics_port, settings.metrics_host)
    worker = DeliveryWorker(delivery_config(settings), bootstrap)
    scans = CommitmentScans(settings, bootstrap, worker.active_subscriptions)

    def _stop(signum: int, _frame: Any) -> None:
        log.info("delivery stopping on signal %s", signum)
        worker.stop()

    def _ready() -> None:
        if ready_file is not None:
            write_json_atomic(ready_file, {"metrics": endpoint.url})
        log.info("delivery ready: metrics at %s", endpoint.url)
        scans.start()  # with the subscriptions the worker has caught up on

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        asyncio.run(worker.run(_ready))
    finally:
        scans.stop()
        endpoint.close()


class CommitmentScans:
    """Scan the warehouse for commitment triggers every ``delivery.commitment_scan_s``.

    Commitment triggers depend on the calendar, not on a new document, so they are
    judged against the warehouse's commitments here, beside delivery. It needs a
    warehouse reached over the network (a ClickHouse server, or the embedded stack's
    SQL endpoint): chDB is one engine per process and belongs to the sink. Scans start
    once the worker has caught up and use its subscriptions; one scanner (one warehouse
    client, one publisher) serves the role's whole life.
    """

    def __init__(
        self,
        settings: Settings,
        bootstrap: str,
        subscriptions: Callable[[], list[Subscription]],
    ) -> None:
        self._settings = settings
        self._bootstrap = bootstrap
        self._subscriptions = subscriptions
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        interval = self._settings.delivery.commitment_scan_s
        url = self._settings.warehouse.url or ""
        if interval <= 0 or not url.startswith(("clickhouse://", "http://", "https://")):
            log.info("commitment triggers are not scanned: no networked warehouse or interval 0")
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="commitment-scan", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        from ops.commitment_scanner import CommitmentScanner
        from ops.version import policywatch_version

        interval = self._settings.delivery.commitment_scan_s
        producer = Producer(name="policywatch-commitments", version=policywatch_version())
        scanner = CommitmentScanner(self._settings, self._bootstrap, producer)
        try:
            while not self._stop.is_set():
                try:
                    count = scanner.scan(self._subscriptions(), date.today())
                    log.info("commitment scan: %d alerts (raised ones keep their id)", count)
                except Exception:  # a failed scan waits for the next interval, never kills delivery
                    log.exception("commitment scan failed; retrying in %.0fs", interval)
                self._stop.wait(interval)
        finally:
            scanner.close()

    def stop(self) -> None:
        """Idempotent; waits briefly for a scan in progress."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def delivery(
    ctx: typer.Context,
    ready_file: Annotated[
        Path | None, typer.Option(help="write {'metrics': url} here once consuming")
    ] = None,
) -> None:
    """Deliver alerts (signed webhooks, Slack-compatible messages, e-mail), recording each try."""
    from ops.logging import configure_logging

    settings: Settings = ctx.obj
    configure_logging(settings.log_level, settings.log_format, role="delivery")
    run_delivery(settings, ready_file)


def register(app: typer.Typer) -> None:
    """Add `delivery` to the main CLI (idempotent)."""
    if any(c.name == "delivery" for c in app.registered_commands):
        return
    app.command("delivery")(delivery)
