"""Where a table's changelog really ends, so recovery reads every row of it.

Faust recovers a table by reading its changelog up to the end offsets the broker
reports. Tansu 0.6.0 reports a partition's end as (base offset of its last batch) + 1,
while its fetch responses carry the true high watermark: recovery stopped short of
the last batch, a restarted worker's story index missed the newest documents (they
got a second story), and a rebalance inside one process found its in-memory table
past the reported end (ConsistencyError). Apache Kafka's end offsets agree with its
fetch responses, so the probe changes nothing there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from faust.tables.recovery import Recovery

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 10.0
PROBE_FETCH_WAIT_MS = 100


async def fetched_high_watermarks(
    bootstrap: str, reported: Mapping[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """The high watermark of each non-empty partition, from one fetch of its last record.

    ``reported`` are the broker's end offsets; empty partitions are not probed. A
    partition the probe cannot read in time keeps its reported end (logged).
    """
    wanted = [tp for tp, end in reported.items() if end > 0]
    if not wanted:
        return {}
    probe = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_wait_ms=PROBE_FETCH_WAIT_MS,
        client_id="policywatch-changelog-ends",
    )
    found: dict[TopicPartition, int] = {}
    try:
        await probe.start()
        probe.assign(wanted)
        for tp in wanted:
            probe.seek(tp, reported[tp] - 1)
        deadline = asyncio.get_running_loop().time() + PROBE_TIMEOUT_S
        while len(found) < len(wanted) and asyncio.get_running_loop().time() < deadline:
            await probe.getmany(*wanted, timeout_ms=PROBE_FETCH_WAIT_MS * 3)
            found = {tp: hw for tp in wanted if (hw := probe.highwater(tp)) is not None}
    except KafkaError:
        log.warning("cannot probe changelog ends; using the reported ones", exc_info=True)
    finally:
        await probe.stop()
    missing = sorted(f"{tp.topic}/{tp.partition}" for tp in wanted if tp not in found)
    if missing:
        log.warning("changelog ends not probed in time, using the reported ones: %s", missing)
    return found


def read_changelogs_to_their_last_record() -> None:
    """Make Faust's recovery use the larger of the reported and the fetched end."""
    original = getattr(Recovery, "_policywatch_build_highwaters", None) or (
        Recovery._build_highwaters
    )

    async def build_highwaters(
        self: Any, consumer: Any, tps: Any, destination: Any, title: str
    ) -> None:
        await original(self, consumer, tps, destination, title)
        # Faust keeps end - 1 (the last offset); -1 marks an empty partition
        reported = {TopicPartition(tp.topic, tp.partition): destination[tp] + 1 for tp in tps}
        bootstrap = ",".join(f"{url.host}:{url.port or 9092}" for url in self.app.conf.broker)
        fetched = await fetched_high_watermarks(bootstrap, reported)
        for tp in tps:
            end = fetched.get(TopicPartition(tp.topic, tp.partition))
            if end is not None and end - 1 > destination[tp]:
                log.info(
                    "changelog %s/%s ends at %d, past the reported %d: recovery reads to it",
                    tp.topic,
                    tp.partition,
                    end,
                    destination[tp] + 1,
                )
                destination[tp] = end - 1

    Recovery._policywatch_build_highwaters = original  # type: ignore[attr-defined]
    Recovery._build_highwaters = build_highwaters  # type: ignore[method-assign]
