"""`policywatch alerts scan-commitments`: raise commitment alerts from the warehouse.

Reads the current subscriptions from ``policy.subscriptions``, scans the warehouse's
commitments (``ops.commitment_scan``) and publishes the AlertRaised events to
``policy.alerts``. Alert ids are stable, so running it again raises nothing new.
``register(app)`` adds the command group to the main Typer app (once).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime
from typing import Annotated

import typer

from ops.output import stdout_console
from ops.settings import Settings

log = logging.getLogger(__name__)
console = stdout_console()

alerts_app = typer.Typer(
    help="Alert evaluation that runs outside the stream.", no_args_is_help=True
)


def scan_once(settings: Settings, today: date) -> int:
    """One scan: subscriptions from the topic, commitments from the warehouse, alerts out."""
    from ops.commitment_scanner import CommitmentScanner
    from ops.roles import resolve_bootstrap
    from ops.subscription_store import SubscriptionStore
    from ops.version import policywatch_version
    from schemas.envelope import Producer

    producer = Producer(name="policywatch-commitments", version=policywatch_version())
    bootstrap = resolve_bootstrap(settings)
    store = SubscriptionStore(
        bootstrap,
        settings.topics.subscriptions,
        producer=producer,
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
    )
    store.start(timeout_s=max(60.0, settings.kafka.request_timeout_s))
    try:
        active = list(store.snapshot().active())
    finally:
        store.close()
    scanner = CommitmentScanner(settings, bootstrap, producer)
    try:
        return scanner.scan(active, today)
    finally:
        scanner.close()


@alerts_app.command("scan-commitments")
def scan_commitments(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="scan once and exit")] = False,
    every_minutes: Annotated[int, typer.Option(min=1, help="minutes between scans")] = 60,
    today: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="the day to judge (default today)")
    ] = None,
) -> None:
    """Raise commitment alerts (due soon, overdue without follow-up) for subscriptions."""
    settings: Settings = ctx.obj
    while True:
        day = today.date() if today else date.today()
        count = scan_once(settings, day)
        console.print(
            f"{count} commitment alerts for {day.isoformat()} (already raised ones keep their id)"
        )
        if once:
            return
        time.sleep(every_minutes * 60)  # the interval between scans, not a readiness wait


def register(app: typer.Typer) -> None:
    """Add the `alerts` group to the main app once."""
    if not any(group.name == "alerts" for group in app.registered_groups):
        app.add_typer(alerts_app, name="alerts")
