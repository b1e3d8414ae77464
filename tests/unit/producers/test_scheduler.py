"""The scheduler: every source at its interval, a broken one beside them, a clean stop."""

from __future__ import annotations

import asyncio
import random
from itertools import pairwise
from pathlib import Path

from producers.checkpoints import CheckpointStore
from producers.fetch import Fetcher
from producers.harvest import Harvester
from producers.scheduler import run_sources
from producers.sources import SourceConfig
from schemas.envelope import Producer
from tests.fakes import MemoryHealthRecorder, MemoryOutlet
from tests.fixtures.web.server import FixtureServer, Reply
from tests.unit.producers.conftest import FAST


def test_sources_run_repeatedly_a_broken_one_among_them_until_stopped(
    web: FixtureServer, tmp_path: Path
) -> None:
    web.script("/broken.xml", [Reply(status=500)])
    sources = [
        SourceConfig(id="good", kind="news", feed=web.url("/news/atom.xml"), interval="1s"),
        SourceConfig(id="broken", kind="news", feed=web.url("/broken.xml"), interval="1s"),
        SourceConfig(id="off", kind="news", feed=web.url("/news/feed.xml"), enabled=False),
    ]
    health = MemoryHealthRecorder()
    outlet = MemoryOutlet()

    async def main() -> None:
        stop = asyncio.Event()
        async with Fetcher(FAST) as fetcher:
            harvester = Harvester(
                fetcher,
                outlet,
                producer=Producer(name="t", version="1"),
                checkpoints=CheckpointStore(tmp_path),
                health=[health],
            )
            task = asyncio.create_task(
                run_sources(sources, harvester, stop, first_delay_max_s=0.2, rng=random.Random(5))
            )
            while sum(r.source_id == "good" for r in health.rows) < 3:
                assert not task.done(), "the scheduler must not end before it is stopped"
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.wait_for(task, timeout=10)

    asyncio.run(main())
    good = [r for r in health.rows if r.source_id == "good"]
    broken = [r for r in health.rows if r.source_id == "broken"]
    assert len(good) >= 3 and len(broken) >= 2
    assert all(r.status == "error" and r.last_error_reason == "http_500" for r in broken)
    assert good[0].documents_emitted == 1 and all(r.documents_emitted == 0 for r in good[1:])
    assert {r.source_id for r in health.rows} == {"good", "broken"}  # disabled: never run
    starts = [r.started_at for r in good]
    gaps = [(b - a).total_seconds() for a, b in pairwise(starts)]
    assert min(gaps) >= 0.85  # interval 1 s ± 10 % jitter
