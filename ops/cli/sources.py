"""CLI of the web producers: `sources check`, `fetch`, `intake` and the `producers` role.

``register(app)`` adds them to the main typer app. The roles (`producers`,
`intake`) are assembled in ``ops.roles``; ``fetch`` runs the producers' harvest once.
Each command imports its role when it runs, so the CLI starts without them.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.logging import RichHandler
from rich.table import Table

from ops.cli.output import stderr_console, stdout_console
from ops.logging import configure_logging
from ops.settings import Settings
from producers.sources import SourcesFile, load_sources
from schemas.errors import ConfigError

if TYPE_CHECKING:
    from producers.health import SourceHealth
    from producers.outlets import Outlet

sources_app = typer.Typer(no_args_is_help=True, help="Web sources: news feeds and official sites.")
console = stdout_console()
err_console = stderr_console()
log = logging.getLogger("policywatch")


def _sources_file(settings: Settings, given: Path | None) -> SourcesFile:
    path = given or settings.fetch.sources
    if path is None:
        raise ConfigError(
            "no sources file; pass --sources FILE or set POLICYWATCH_FETCH__SOURCES "
            "(see ops/sources.example.yaml)"
        )
    return load_sources(path)


def _quiet_http_logs(to_stderr: bool) -> None:
    """httpx logs every request at INFO; with JSONL on stdout, logs must go to stderr."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("trafilatura", "htmldate"):  # they warn about every page without text
        logging.getLogger(name).setLevel(logging.ERROR)
    if to_stderr:
        for handler in logging.getLogger().handlers:
            if isinstance(handler, RichHandler):
                handler.console = err_console


def _print_health(rows: list[SourceHealth]) -> None:
    table = Table(title="sources", title_justify="left")
    for column in ("source", "status", "emitted", "unchanged", "dead letters", "last error"):
        table.add_column(column)
    for row in rows:
        colour = {"ok": "green", "degraded": "yellow", "error": "red"}[row.status]
        table.add_row(
            row.source_id,
            f"[{colour}]{row.status}[/]",
            str(row.documents_emitted),
            str(row.documents_unchanged),
            str(row.dead_letters),
            row.last_error_reason if row.errors else "",
        )
    err_console.print(table)
    for row in rows:
        if row.errors:
            err_console.print(
                f"{row.source_id}: {row.last_error_reason}: {row.last_error_message}",
                soft_wrap=True,
                markup=False,
            )


@sources_app.command("check")
def sources_check(file: Annotated[Path, typer.Argument(help="sources.yaml to validate")]) -> None:
    """Validate a sources file and list its sources."""
    catalogue = load_sources(file)
    table = Table(title=f"{file}: {len(catalogue.sources)} sources, valid", title_justify="left")
    for column in ("id", "kind", "feed / listing", "interval", "rate limit", "enabled"):
        table.add_column(column)
    for s in catalogue.sources:
        table.add_row(
            s.id,
            s.kind.value,
            s.entry_url,
            str(s.interval),
            f"{s.rate_limit:g}/s" if s.rate_limit else "default",
            "yes" if s.enabled else "no",
        )
    console.print(table)


def fetch(
    ctx: typer.Context,
    sources: Annotated[Path | None, typer.Option(help="sources.yaml (default: settings)")] = None,
    source: Annotated[str | None, typer.Option(help="only this source id")] = None,
    once: Annotated[bool, typer.Option(help="run each source once and exit")] = False,
    dry_run: Annotated[
        bool, typer.Option(help="write events as JSONL to stdout; no broker, no checkpoints")
    ] = False,
) -> None:
    """Fetch news feeds and official sites into DocumentObserved events."""
    from ops.roles.kafka import kafka_outlet
    from ops.roles.producers import harvest
    from producers.outlets import JsonlOutlet

    settings: Settings = ctx.obj
    _quiet_http_logs(to_stderr=dry_run)
    selected = _sources_file(settings, sources).select(source)
    publisher = None
    outlet: Outlet
    if dry_run:
        outlet = JsonlOutlet(sys.stdout)
    else:
        publisher, outlet = kafka_outlet(settings, "policywatch-producers")
    try:
        rows = asyncio.run(harvest(settings, selected, outlet, dry_run=dry_run, once=once))
    finally:
        if publisher is not None:
            publisher.close()
    if rows:
        _print_health(rows)
    if any(r.status == "error" for r in rows):
        raise typer.Exit(1)


def intake(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="listen address (default: settings)")] = None,
    port: Annotated[int | None, typer.Option(help="port; 0 = a free one")] = None,
    ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Serve the HTTP intake: POST /documents (bearer token), docs at /docs."""
    from ops.roles.intake import run_intake

    run_intake(ctx.obj, ready_file, host=host, port=port)


def producers(
    ctx: typer.Context,
    sources: Annotated[Path | None, typer.Option(help="sources.yaml (default: settings)")] = None,
    ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run every source at its interval, with jitter, until SIGTERM (one role of the stack)."""
    from ops.roles.producers import run_producers

    settings: Settings = ctx.obj
    configure_logging(settings.log_level, settings.log_format, role="producers")
    _quiet_http_logs(to_stderr=False)
    run_producers(settings, _sources_file(settings, sources).select(None), ready_file)


def register(app: typer.Typer) -> None:
    """Add `sources`, `fetch`, `intake` and `producers` to the main CLI (once)."""
    if any(c.name == "fetch" for c in app.registered_commands):
        return
    app.add_typer(sources_app, name="sources")
    app.command("fetch")(fetch)
    app.command("intake")(intake)
    app.command("producers")(producers)
