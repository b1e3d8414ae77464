"""`policywatch producers`: every source at its interval, with jitter, until SIGTERM.

Also what `policywatch fetch` runs once: the fetch layer's parts built from the
``fetch`` settings, source health into logs and, when there is one, the warehouse.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import multiprocessing
import signal
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from ops.features.health_store import WarehouseHealthRecorder
from ops.roles.kafka import kafka_outlet
from ops.runtime.access import open_warehouse
from ops.runtime.metrics_server import serve_metrics
from ops.runtime.runfile import read_run_file, write_json_atomic
from ops.settings import FetchSettings, Settings
from ops.version import policywatch_version
from producers.checkpoints import CheckpointStore
from producers.fetch import Fetcher
from producers.fetch_types import FetchConfig
from producers.harvest import Harvester
from producers.health import HealthRecorder, LogHealthRecorder, SourceHealth
from producers.outlets import Outlet
from producers.scheduler import run_once, run_sources
from producers.sources import SourceConfig
from schemas.envelope import Producer
from schemas.errors import PolicywatchError

log = logging.getLogger(__name__)


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


def producer_identity(name: str) -> Producer:
    return Producer(name=name, version=policywatch_version())


def warehouse_health(settings: Settings) -> WarehouseHealthRecorder | None:
    """A recorder into ``source_health``, when a warehouse is configured or the stack runs."""
    if not settings.warehouse.url and read_run_file(settings.run_file) is None:
        return None
    try:
        return WarehouseHealthRecorder(open_warehouse(settings, write=True))
    except PolicywatchError as exc:
        log.warning("source health stays in logs and metrics: no warehouse (%s)", exc)
        return None


async def harvest(
    settings: Settings,
    sources: Sequence[SourceConfig],
    outlet: Outlet,
    *,
    dry_run: bool,
    once: bool,
) -> list[SourceHealth]:
    """Run the sources once (their health rows) or at their intervals until SIGTERM/SIGINT."""
    recorders: list[HealthRecorder] = [LogHealthRecorder()]
    stored = None if dry_run else warehouse_health(settings)
    if stored is not None:
        recorders.append(stored)

    executor = extraction_executor(settings.fetch.extract_workers)
    try:
        async with Fetcher(fetch_config(settings.fetch)) as fetcher:
            harvester = Harvester(
                fetcher,
                outlet,
                producer=producer_identity("policywatch-fetch"),
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


def run_producers(
    settings: Settings, sources: Sequence[SourceConfig], ready_file: Path | None = None
) -> None:
    """Harvest ``sources`` into the broker until SIGTERM; metrics and ready file as every role."""
    metrics = serve_metrics(settings.metrics_port, settings.metrics_host)
    publisher, outlet = kafka_outlet(settings, "policywatch-producers")
    if ready_file is not None:
        write_json_atomic(ready_file, {"metrics": metrics.url})
    log.info("producers ready: %d sources, metrics %s", len(sources), metrics.url)
    try:
        asyncio.run(harvest(settings, sources, outlet, dry_run=False, once=False))
    finally:
        publisher.close()
        metrics.close()
