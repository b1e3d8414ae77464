"""CLI of the web producers: `sources check`, `fetch`, `intake` and the `producers` role.

``register(app)`` adds them to the main typer app. Each command builds its
parts from Settings (``fetch`` and ``intake`` sections) and hands the
producers only what they need.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import signal
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.logging import RichHandler
from rich.table import Table

from ops.output import stderr_console, stdout_console
from ops.settings import FetchSettings, Settings
from producers.fetch_types import FetchConfig
from producers.sources import SourceConfig, SourcesFile, load_sources
from schemas.errors import ConfigError, PolicywatchError

sources_app = typer.Typer(no_args_is_help=True, help="Web sources: news feeds and official sites.")
console = stdout_console()
err_console = stderr_console()
log = logging.getLogger("policywatch")


def fetch_config(section: FetchSettings) -> FetchConfig:
    """The fetch layer's config from the settings section of the same field names."""
    names = {f.name for f in dataclasses.fields(FetchConfig)}
    return FetchConfig(**{k: v for k, v in section.model_dump().items() if k in names})


def extraction_executor(workers: int) -> Executor:
    """Where pages are extracted: one thread (several would fight over the GIL and slow the
    event loop), or ``workers`` processes, which run in parallel on several cores."""
    if workers == 0:
        return ThreadPoolExecutor(1, thread_name_prefix="extract")
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


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


def _producer(name: str) -> Any:
    from ops.version import policywatch_version
    from schemas.envelope import Producer

    return Producer(name=name, version=policywatch_version())


def _kafka_outlet(settings: Settings) -> tuple[Any, Any]:
    """(publisher, outlet) to the configured broker or the running stack, spooled as ingest is."""
    from ops.roles import ingest_spool, resolve_bootstrap
    from producers.outlets import KafkaOutlet
    from producers.publish import Publisher

    publisher = Publisher(
        resolve_bootstrap(settings),
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
        client_id="policywatch-producers",
    )
    return publisher, KafkaOutlet(publisher, settings.topics, ingest_spool(settings))


def _warehouse_health(settings: Settings) -> Any:
    """A recorder into ``source_health``, when a warehouse is configured or the stack runs."""
    from ops.access import open_warehouse
    from ops.health_store import WarehouseHealthRecorder
    from ops.runfile import read_run_file

    if not settings.warehouse.url and read_run_file(settings.run_file) is None:
        return None
    try:
        return WarehouseHealthRecorder(open_warehouse(settings, write=True))
    except PolicywatchError as exc:
        log.warning("source health stays in logs and metrics: no warehouse (%s)", exc)
        return None


async def _harvest(
    settings: Settings, sources: list[SourceConfig], outlet: Any, *, dry_run: bool, once: bool
) -> list[Any]:
    from producers.checkpoints import CheckpointStore
    from producers.fetch import Fetcher
    from producers.harvest import Harvester
    from producers.health import LogHealthRecorder
    from producers.scheduler import run_once, run_sources

    recorders: list[Any] = [LogHealthRecorder()]
    stored = None if dry_run else _warehouse_health(settings)
    if stored is not None:
        recorders.append(stored)

    executor = extraction_executor(settings.fetch.extract_workers)
    try:
        async with Fetcher(fetch_config(settings.fetch)) as fetcher:
            harvester = Harvester(
                fetcher,
                outlet,
                producer=_producer("policywatch-fetch"),
                checkpoints=None if dry_run else CheckpointStore(settings.data_dir / "checkpoints"),
                health=recorders,
                batch_size=settings.fetch.batch_size,
                executor=executor,
            )
            if once:
                return await run_once(sources, harvester)
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            await run_sources(sources, harvester, stop, jitter=settings.fetch.jitter)
            return []
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if stored is not None:
            stored.close()


def _print_health(rows: list[Any]) -> None:
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
    settings: Settings = ctx.obj
    _quiet_http_logs(to_stderr=dry_run)
    selected = _sources_file(settings, sources).select(source)
    publisher = None
    if dry_run:
        from producers.outlets import JsonlOutlet

        outlet: Any = JsonlOutlet(sys.stdout)
    else:
        publisher, outlet = _kafka_outlet(settings)
    try:
        rows = asyncio.run(_harvest(settings, selected, outlet, dry_run=dry_run, once=once))
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
    import uvicorn

    from ops.metrics_server import serve_metrics
    from ops.runfile import write_json_atomic
    from producers.intake import IntakeConfig, build_intake_app
    from schemas.documents import SourceKind, SourceRef

    settings: Settings = ctx.obj
    section = settings.intake
    publisher, outlet = _kafka_outlet(settings)
    config = IntakeConfig(
        tokens=tuple(t.get_secret_value() for t in section.tokens),
        producer=_producer("policywatch-intake"),
        max_body_bytes=section.max_body_bytes,
        max_documents=section.max_documents,
        source=SourceRef(id=section.source_id, kind=SourceKind.NEWS, name="HTTP intake"),
    )
    try:
        app = build_intake_app(config, outlet)
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host or section.host,
                port=section.port if port is None else port,
                log_config=None,
                access_log=False,
            )
        )
        metrics = serve_metrics(settings.metrics_port, settings.metrics_host)

        async def serve() -> None:
            task = asyncio.create_task(server.serve())
            while not server.started and not task.done():
                await asyncio.sleep(0.05)
            if server.started:
                bound = server.servers[0].sockets[0].getsockname()
                url = f"http://{bound[0]}:{bound[1]}"
                err_console.print(f"intake at {url}/documents (docs {url}/docs)")
                if ready_file is not None:
                    write_json_atomic(ready_file, {"url": url, "metrics": metrics.url})
            await task

        # uvicorn stops on SIGTERM/SIGINT, then raises the signal again for the handler it
        # found: a no-op one makes that a clean exit (code 0) instead of death by signal
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: None)
        asyncio.run(serve())
        metrics.close()
    finally:
        publisher.close()


def producers(
    ctx: typer.Context,
    sources: Annotated[Path | None, typer.Option(help="sources.yaml (default: settings)")] = None,
    ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run every source at its interval, with jitter, until SIGTERM (one role of the stack)."""
    from ops.logging import configure_logging
    from ops.metrics_server import serve_metrics
    from ops.runfile import write_json_atomic

    settings: Settings = ctx.obj
    configure_logging(settings.log_level, settings.log_format, role="producers")
    _quiet_http_logs(to_stderr=False)
    selected = _sources_file(settings, sources).select(None)
    metrics = serve_metrics(settings.metrics_port, settings.metrics_host)
    publisher, outlet = _kafka_outlet(settings)
    if ready_file is not None:
        write_json_atomic(ready_file, {"metrics": metrics.url})
    log.info("producers ready: %d sources, metrics %s", len(selected), metrics.url)
    try:
        asyncio.run(_harvest(settings, selected, outlet, dry_run=False, once=False))
    finally:
        publisher.close()
        metrics.close()


def register(app: typer.Typer) -> None:
    """Add `sources`, `fetch`, `intake` and `producers` to the main CLI (once)."""
    if any(c.name == "fetch" for c in app.registered_commands):
        return
    app.add_typer(sources_app, name="sources")
    app.command("fetch")(fetch)
    app.command("intake")(intake)
    app.command("producers")(producers)
