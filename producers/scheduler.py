"""Run every source at its interval, with jitter, until asked to stop.

Each source has its own task: first run after a random delay (so a restart
does not hit every site at once), then every ``interval`` ± ``jitter``. A run
never raises (the harvester turns every failure into a health row), and even
if one did, the loop logs it and goes on: a broken source never stops the
others. On stop, runs in progress finish their current batch and checkpoint.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence

from producers.harvest import Harvester
from producers.health import SourceHealth
from producers.sources import SourceConfig

log = logging.getLogger(__name__)


async def run_once(sources: Sequence[SourceConfig], harvester: Harvester) -> list[SourceHealth]:
    """Every source once, concurrently (hosts are still rate-limited); health in input order."""
    return list(await asyncio.gather(*(harvester.run(s) for s in sources)))


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``; True when ``stop`` was set meanwhile."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, seconds))
    except TimeoutError:
        return False
    return True


async def _source_loop(
    source: SourceConfig,
    harvester: Harvester,
    *,
    stop: asyncio.Event,
    jitter: float,
    first_delay_max_s: float,
    rng: random.Random,
) -> None:
    interval = source.interval.total_seconds()
    delay = rng.uniform(0.0, min(interval, first_delay_max_s))
    while not await _wait(stop, delay):
        try:
            await harvester.run(source, stop)
        except Exception:  # the harvester does not raise; this is the last line of defence
            log.exception("source %s: run failed; next run as scheduled", source.id)
        delay = interval * (1.0 + rng.uniform(-jitter, jitter))


async def run_sources(
    sources: Sequence[SourceConfig],
    harvester: Harvester,
    stop: asyncio.Event,
    *,
    jitter: float = 0.1,
    first_delay_max_s: float = 10.0,
    grace_s: float = 30.0,
    rng: random.Random | None = None,
) -> None:
    """Schedule every enabled source until ``stop`` is set; then let runs wind down."""
    chance = rng or random.Random()
    tasks = [
        asyncio.create_task(
            _source_loop(
                s,
                harvester,
                stop=stop,
                jitter=jitter,
                first_delay_max_s=first_delay_max_s,
                rng=chance,
            ),
            name=f"source:{s.id}",
        )
        for s in sources
        if s.enabled
    ]
    log.info("scheduling %d sources", len(tasks))
    try:
        await stop.wait()
        _done, pending = await asyncio.wait(tasks, timeout=grace_s) if tasks else (set(), set())
        for task in pending:
            task.cancel()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
