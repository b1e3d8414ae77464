"""Operations commands: `policywatch init` and `policywatch status`.

Kept apart from ``ops.cli`` so the cluster's commands grow without growing it;
``register(app)`` adds them to the main Typer app (idempotently, so a test may
call it on an app that already has them).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from ops.consumer_lag import group_lag_by_topic
from ops.output import stderr_console, stdout_console
from ops.settings import Settings
from ops.status import StackStatus

console = stdout_console()
err_console = stderr_console()


class StatusFormat(StrEnum):
    table = "table"
    json = "json"


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def init_command(
    ctx: typer.Context,
    topics: Annotated[bool, typer.Option(help="create the Kafka topics")] = True,
    migrations: Annotated[bool, typer.Option(help="apply warehouse migrations")] = True,
    wait: Annotated[
        float, typer.Option(min=0, help="seconds to wait for the broker / warehouse")
    ] = 120.0,
) -> None:
    """Create the topics and apply the warehouse migrations (safe to run again)."""
    from ops.provision import apply_migrations, create_topics

    settings = _settings(ctx)
    if topics:
        counts = create_topics(settings, wait)
        for name, partitions in sorted(counts.items()):
            console.print(f"topic {name}: {partitions} partitions")
    if migrations:
        applied = apply_migrations(settings, wait)
        console.print(
            f"migrations applied: {', '.join(applied)}" if applied else "migrations up to date"
        )


def status_command(
    ctx: typer.Context,
    target: Annotated[
        list[str] | None,
        typer.Option(
            help="a role to check, NAME=http://host:port/metrics (repeat); "
            "default: the roles of the running embedded stack"
        ),
    ] = None,
    warehouse: Annotated[
        bool, typer.Option(help="also ask the warehouse for the last document and its size")
    ] = True,
    timeout: Annotated[float, typer.Option(min=0.1, help="seconds per probe")] = 3.0,
    fmt: Annotated[StatusFormat, typer.Option("--format")] = StatusFormat.table,
    groups: Annotated[
        bool, typer.Option(help="also ask the broker for the workers' consumer-group lag")
    ] = True,
) -> None:
    """Roles and their health, consumer lag, last document and warehouse size.

    Exits 1 when a role or the warehouse is unhealthy, so it also serves as a healthcheck.
    """
    from ops.access import open_warehouse
    from ops.runfile import read_run_file
    from ops.status import collect_status, group_status, parse_target, targets_from_run
    from schemas.errors import ConfigError

    settings = _settings(ctx)
    targets = [parse_target(t) for t in target or []]
    bootstrap = settings.kafka.bootstrap
    if not targets:
        run = read_run_file(settings.run_file)
        if run is None:
            raise ConfigError(
                f"no running policywatch stack at {settings.run_file}; start one with "
                "`policywatch up`, or name the roles: --target worker=http://worker:9464/metrics"
            )
        targets = targets_from_run(run)
        bootstrap = bootstrap or run.get("broker", {}).get("bootstrap")
    result = collect_status(
        targets, (lambda: open_warehouse(settings)) if warehouse else None, timeout
    )
    if groups and bootstrap:
        result.groups.append(group_status(bootstrap, settings.streams.app_id, max(timeout, 5.0)))
    if fmt is StatusFormat.json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, sort_keys=True) + "\n")
    else:
        _print_status(result)
    if not result.healthy:
        raise typer.Exit(1)


def _print_status(status: StackStatus) -> None:
    table = Table(title="policywatch status", title_justify="left")
    for column in ("role", "pid", "process", "metrics", "lag (messages)", "problem"):
        table.add_column(column)
    marks = {True: "[green]ok[/]", False: "[red]down[/]", None: "-"}
    for role in status.roles:
        lag = ", ".join(f"{k} {v}" for k, v in sorted(role.lag_messages.items())) or "-"
        table.add_row(
            role.name,
            str(role.pid or "-"),
            marks[role.alive],
            marks[role.metrics_ok],
            lag,
            role.error or "",
        )
    console.print(table)
    wh = status.warehouse
    if wh is not None and wh.reachable:
        console.print(
            f"warehouse {wh.location}: {wh.documents} documents, last observed "
            f"{wh.last_document_observed_at or '-'}, {wh.rows} rows, "
            f"{(wh.bytes_on_disk or 0) / 1e6:.1f} MB"
        )
    elif wh is not None:
        console.print(f"warehouse [red]unreachable[/]: {wh.error}")
    for group in status.groups:
        if group.error:
            console.print(f"consumer group {group.group}: [yellow]{group.error}[/]")
            continue
        by_topic = sorted(group_lag_by_topic(group.partitions).items())
        lag = ", ".join(f"{k.split('/', 1)[1]} {v}" for k, v in by_topic)
        console.print(f"consumer group {group.group} lag (messages): {lag or 'no commits yet'}")
    console.print("[green]healthy[/]" if status.healthy else "[red]unhealthy[/]")


def register(app: typer.Typer) -> None:
    """Add `init` and `status` to ``app`` unless it already has them."""
    present = {c.name for c in app.registered_commands}
    if "init" not in present:
        app.command("init")(init_command)
    if "status" not in present:
        app.command("status")(status_command)
