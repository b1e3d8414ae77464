"""The single entry point: `policywatch <command>`.

Each command builds Settings once and hands components only their sections.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import MofNCompleteColumn, TextColumn

from ops.cli.output import print_rows, progress_with_time_left, stderr_console, stdout_console
from ops.cli.wait_stored import wait_until_stored
from ops.logging import configure_logging
from ops.settings import Settings, load_settings, masked
from schemas.errors import PolicywatchError

if TYPE_CHECKING:
    from sinks.warehouse.base import Warehouse

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="policywatch: which initiatives move, who speaks for them, what was promised for when.",
)
config_app = typer.Typer(no_args_is_help=True, help="Inspect settings.")
schemas_app = typer.Typer(no_args_is_help=True, help="Event contracts.")
app.add_typer(config_app, name="config")
app.add_typer(schemas_app, name="schemas")
console = stdout_console()
err_console = stderr_console()

#: `--wait` of ingest and replay (ops.cli.wait_stored)
WaitOption = Annotated[
    bool,
    typer.Option(
        "--wait",
        help="then follow the workers and the sink until it is all queryable "
        "(what is left, and the time left)",
    ),
]
log = logging.getLogger("policywatch")


class BrokerChoice(StrEnum):
    auto = "auto"
    kafka = "kafka"
    tansu = "tansu"


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option(help="settings file (YAML/JSON)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="data directory (default ./var)")] = None,
) -> None:
    overrides: dict[str, Any] = {"data_dir": data_dir} if data_dir else {}
    settings = load_settings(config, **overrides)
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = settings


@config_app.command("show")
def config_show(ctx: typer.Context) -> None:
    """Print the effective settings (secrets masked)."""
    console.print_json(json.dumps(masked(_settings(ctx)), default=str))


@schemas_app.command("export")
def schemas_export(
    check: Annotated[bool, typer.Option(help="fail if the files differ from the models")] = False,
) -> None:
    """Write the JSON Schemas of every event version to schemas/json/."""
    from schemas.export import JSON_DIR, export_schemas, render, schema_documents

    if check:
        stale = [
            name
            for name, schema in schema_documents().items()
            if not (JSON_DIR / name).exists()
            or (JSON_DIR / name).read_text(encoding="utf-8") != render(schema)
        ]
        if stale:
            err_console.print(
                f"[red]out of date:[/] {', '.join(stale)}; run `policywatch schemas export`"
            )
            raise typer.Exit(1)
        console.print("schemas up to date")
        return
    for path in export_schemas():
        console.print(f"wrote {path}")


@app.command()
def up(
    ctx: typer.Context,
    broker: Annotated[
        BrokerChoice | None,
        typer.Option(
            help="kafka (durable; `policywatch broker install`), tansu (in memory), or auto: "
            "Kafka when installed [default: POLICYWATCH_BROKER__KIND, auto]"
        ),
    ] = None,
) -> None:
    """Run the embedded stack (broker, classify worker, warehouse sink) until Ctrl-C."""
    from ops.roles.stack import Stack

    settings = _settings(ctx)
    if broker is not None:
        settings = settings.model_copy(
            update={"broker": settings.broker.model_copy(update={"kind": broker.value})}
        )
    stack = Stack(settings)
    stopping = {"signal": 0}

    def on_signal(signum: int, _frame: Any) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    run = stack.start()
    console.print(f"[green]policywatch is up[/] (data in {run['data_dir']})")
    broker_info = run["broker"]
    keeps = "durable" if broker_info.get("durable") else "in memory"
    console.print(
        f"  broker   {broker_info['bootstrap']} "
        f"({broker_info.get('kind')} {broker_info.get('version')}, {keeps})"
    )
    if run.get("sql"):
        console.print(f"  SQL      {run['sql']['url']} (user {run['sql']['reader']}, read-only)")
    for name, role in run["roles"].items():
        console.print(f"  {name:<8} pid {role['pid']}  metrics {role.get('metrics', '-')}")
    console.print("Ctrl-C stops everything.")
    try:
        while not stopping["signal"] and not stack.failed.wait(0.2):
            pass
    finally:
        stack.stop()
    if stack.failed.is_set():
        err_console.print(f"[red]stack failed:[/] {stack.failure}")
        raise typer.Exit(1)
    console.print("stopped cleanly")


@app.command()
def worker(
    ctx: typer.Context, ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None
) -> None:
    """Run the Faust classify worker (one role of the stack)."""
    from ops.roles.worker import run_worker

    settings = _settings(ctx)
    configure_logging(settings.log_level, settings.log_format, role="worker")
    sys.argv = [sys.argv[0], "worker"]  # Faust's Worker reads argv
    run_worker(settings, ready_file)


@app.command()
def sink(
    ctx: typer.Context, ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None
) -> None:
    """Run the warehouse sink (and the embedded SQL endpoint with chDB)."""
    from ops.roles.sink import run_sink

    settings = _settings(ctx)
    configure_logging(settings.log_level, settings.log_format, role="sink")
    run_sink(settings, ready_file)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="files or directories (.txt, .jsonl, .csv, .html)")
    ],
    source: Annotated[str | None, typer.Option(help="source id for files without one")] = None,
    kind: Annotated[str, typer.Option(help="news | official_statement")] = "news",
    pace: Annotated[
        bool,
        typer.Option(
            help="publish a chunk at a time as the running stack takes them, so live "
            "documents do not wait behind the files' (--no-pace: as fast as read)"
        ),
    ] = True,
    wait: WaitOption = False,
) -> None:
    """Publish documents from files to the running stack (or the configured broker)."""
    from ops.cli.data_dir import data_directory_skipper
    from ops.roles.kafka import ingest_spool
    from ops.runtime.access import resolve_bootstrap
    from ops.version import policywatch_version
    from producers.files import FileDefaults, select_files
    from producers.ingest import file_size, ingest_paths
    from producers.publish import Publisher
    from schemas.documents import SourceKind
    from schemas.envelope import Producer

    settings = _settings(ctx)
    missing = [p for p in paths if not p.exists()]
    if missing:
        err_console.print(f"[red]not found:[/] {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    defaults = FileDefaults(
        source_id=source or settings.ingest.source_id,
        source_kind=SourceKind(kind),
        producer=Producer(name="policywatch-ingest", version=policywatch_version()),
    )
    selection = select_files(paths, skip_dir=data_directory_skipper(settings.data_dir))
    for skipped, why in selection.skipped:
        err_console.print(f"[dim]skipped {skipped}: {why}[/]", highlight=False)
    files = list(selection.files)
    publisher = Publisher(
        resolve_bootstrap(settings),
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
    )
    started = time.monotonic()
    total_bytes = sum(file_size(f) for f in files)
    backlog_source = _backlog_warehouse(settings) if pace else None
    try:
        with progress_with_time_left(
            err_console,
            "[bold]ingest",
            TextColumn("{task.fields[records]}"),
            TextColumn("{task.fields[rate]}"),
        ) as progress:
            # the bar and the time left follow the bytes read; the count, what is sent
            task = progress.add_task("ingest", total=total_bytes or None, records="", rate="")
            sent = 0

            def advance(n: int) -> None:
                nonlocal sent
                sent += n
                rate = sent / max(time.monotonic() - started, 1e-6)
                progress.update(task, records=f"{sent:,} sent", rate=f"{rate:,.0f} records/s")

            report = ingest_paths(
                files,
                publisher=publisher,
                topics=settings.topics,
                defaults=defaults,
                max_file_bytes=settings.ingest.max_file_bytes,
                on_progress=advance,
                spool=ingest_spool(settings),
                on_bytes=lambda n: progress.advance(task, n),
                **(_pacing(settings, backlog_source) if backlog_source else {}),
            )
    finally:
        publisher.close()
        if backlog_source is not None:
            backlog_source.close()
    elapsed = time.monotonic() - started
    console.print(
        f"published {report.documents} documents from {len(files)} files in {elapsed:.1f}s"
    )
    for location, reason, message in report.failed_items:
        err_console.print(f"[yellow]skipped[/] {location}: [bold]{reason}[/] {message}")
    for error in report.publish_errors[:10]:
        err_console.print(f"[red]not published:[/] {error}")
    if report.stopped_early:
        err_console.print(
            "[red]stopped:[/] the broker stopped acknowledging; files after the "
            "failed chunk were not read"
        )
    if report.publish_errors or report.stopped_early:
        if ingest_spool(settings) is not None:
            err_console.print(
                "documents of failed chunks are in the spool and will be "
                "published when the stack starts again"
            )
        raise typer.Exit(1)
    if wait:
        wait_until_stored(settings, err_console)


@app.command()
def demo(ctx: typer.Context) -> None:
    """Run the whole pipeline on the bundled sample corpus and print what it found."""
    from ops.cli.demo import run_demo

    settings = _settings(ctx)
    report, tables = run_demo(settings, on_status=lambda s: err_console.print(f"[dim]· {s}[/]"))
    for location, reason, _message in report.failed_items:
        err_console.print(f"[yellow]dead-lettered on purpose[/] {location}: {reason}")
    render_report(tables)


def render_report(tables: dict[str, list[dict[str, Any]]]) -> None:
    titles = {
        "totals": "Totals (distinct documents)",
        "initiatives_per_week": "Initiatives by mentions per week",
        "top_actors": "Top actors",
        "documents_by_source_kind": "Documents by source kind",
        "stories": "Stories told by the most sources",
        "commitments_by_status": "Commitments by status (met: a later report says it happened)",
        "new_initiatives": "New initiatives (not in the taxonomy)",
        "dead_letters": "Dead letters",
    }
    for key, title in titles.items():
        print_rows(tables.get(key, []), title, console=console)


def _backlog_warehouse(settings: Settings) -> Warehouse | None:
    """The warehouse whose sink positions tell the backlog; None (not paced) without one."""
    from ops.runtime.access import open_warehouse

    try:
        return open_warehouse(settings)
    except PolicywatchError as exc:
        err_console.print(f"[yellow]not paced:[/] no running stack's backlog to follow ({exc})")
        return None


def _pacing(settings: Settings, warehouse: Warehouse) -> dict[str, Any]:
    """``replay``'s and ``ingest``'s pacing: a chunk at a time, each once the stack's
    backlog is small."""
    from ops.features.replay_pacing import CHUNK, Pacer
    from ops.features.replay_progress import BacklogReader
    from ops.runtime.access import resolve_bootstrap

    try:
        reader = BacklogReader(settings, resolve_bootstrap(settings), warehouse)
    except PolicywatchError as exc:  # the replay itself does not need it
        err_console.print(f"[yellow]not paced:[/] the stack's backlog cannot be read ({exc})")
        return {}
    return {"pace": Pacer(reader).wait, "chunk": CHUNK}


@app.command()
def replay(
    ctx: typer.Context,
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    until: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    initiative: Annotated[str | None, typer.Option(help="only documents mentioning it")] = None,
    force: Annotated[
        bool, typer.Option(help="re-classify even under an unchanged classifier version")
    ] = False,
    pace: Annotated[
        bool,
        typer.Option(
            help="publish a chunk at a time as the running stack takes them, so live "
            "documents do not wait behind the replay (--no-pace: all at once)"
        ),
    ] = True,
    wait: WaitOption = False,
) -> None:
    """Republish stored documents to policy.documents (new taxonomy, rebuild, migration)."""
    from ops.features.replay import replay as replay_documents
    from ops.runtime.access import open_warehouse, resolve_bootstrap
    from producers.publish import Publisher
    from sinks.read_model.documents import ReplayFilter, count_documents

    settings = _settings(ctx)
    selection = ReplayFilter(
        since=since.date() if since else None,
        until=until.date() if until else None,
        initiative=initiative,
    )
    warehouse = open_warehouse(settings)
    publisher = Publisher(
        resolve_bootstrap(settings),
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
    )
    try:
        total = count_documents(warehouse, selection)
        with progress_with_time_left(err_console, "[bold]replay", MofNCompleteColumn()) as progress:
            task = progress.add_task("replay", total=total)
            sent = replay_documents(
                warehouse,
                publisher,
                settings.topics.documents,
                selection,
                force=force,
                on_progress=lambda n: progress.advance(task, n),
                **(_pacing(settings, warehouse) if pace else {}),
            )
    finally:
        publisher.close()
        warehouse.close()
    console.print(f"republished {sent} of {total} stored document revisions")
    if sent < total:
        raise typer.Exit(1)
    if wait:
        wait_until_stored(settings, err_console)


def _register_command_groups() -> None:
    """Commands defined in their own modules (operations, sources, taxonomy)."""
    from ops.cli import (
        alerts,
        broker,
        delivery,
        operations,
        query,
        sources,
        subscriptions,
        taxonomy,
    )

    operations.register(app)
    broker.register(app)
    query.register(app)
    sources.register(app)
    taxonomy.register(app)
    delivery.register(app)
    subscriptions.register(app)
    alerts.register(app)


_register_command_groups()


def main() -> None:
    """Console-script entry: policywatch errors become one clear line and exit code 1."""
    try:
        app()
    except PolicywatchError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
