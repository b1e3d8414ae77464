"""`policywatch delivery`: the delivery role, assembled in ``ops.roles.delivery``.

``register(app)`` adds the command to the main Typer app (once).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ops.logging import configure_logging
from ops.settings import Settings


def delivery(
    ctx: typer.Context,
    ready_file: Annotated[
        Path | None, typer.Option(help="write {'metrics': url} here once consuming")
    ] = None,
) -> None:
    """Deliver alerts (signed webhooks, Slack-compatible messages, e-mail), recording each try."""
    from ops.roles.delivery import run_delivery

    settings: Settings = ctx.obj
    configure_logging(settings.log_level, settings.log_format, role="delivery")
    run_delivery(settings, ready_file)


def register(app: typer.Typer) -> None:
    """Add `delivery` to the main CLI (idempotent)."""
    if any(c.name == "delivery" for c in app.registered_commands):
        return
    app.command("delivery")(delivery)
