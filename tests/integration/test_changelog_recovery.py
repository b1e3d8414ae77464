"""A Faust table recovers every row of its changelog, on Tansu as on Kafka.

Tansu 0.6.0 reports a partition's end as (base offset of its last batch) + 1; Faust's
recovery read the changelog to that end, so a restarted worker lost the rows of the
last batch but one (the story index forgot its newest documents). The worker's
recovery now reads to the high watermark its fetches report.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from ops.runtime.topics import ensure_topics
from tests.conftest import Broker

ROWS = 25
BATCHES = (6, 13, 6)  # multi-record batches; the last one starts at offset 19

#: A table whose changelog the test wrote; the app recovers it and prints its size.
RECOVER = textwrap.dedent(
    """
    import asyncio, sys
    import faust
    from streams.changelog_ends import read_changelogs_to_their_last_record

    app_id, bootstrap, table_name, fixed, datadir = sys.argv[1:6]
    if fixed == "1":
        read_changelogs_to_their_last_record()
    app = faust.App(
        app_id, broker=f"kafka://{bootstrap}", store="memory://", web_enabled=False,
        autodiscover=False, topic_partitions=1, topic_allow_declare=False,
        broker_session_timeout=6, broker_rebalance_timeout=6, logging_config=None,
        key_serializer="raw", value_serializer="raw", datadir=datadir,
    )
    table = app.Table(table_name, partitions=1, key_type=bytes, value_type=bytes)
    idle = app.topic(f"{app_id}-idle", partitions=1)

    @app.agent(idle)
    async def nothing(stream):
        async for _ in stream:
            pass

    @app.task
    async def report():
        await app.tables.recovery.completed.wait()
        print("ROWS", len(table), flush=True)
        await asyncio.sleep(0.2)
        os_exit()

    def os_exit():
        import os
        os._exit(0)

    app.finalize()
    worker = faust.Worker(app, loglevel="WARNING", override_logging=False)
    worker.execute_from_commandline()
    """
)


def write_changelog(bootstrap: str, topic: str) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=200)
    row = 0
    for size in BATCHES:
        for _ in range(size):
            producer.send(topic, key=f"doc-{row}".encode(), value=b"member")
            row += 1
        producer.flush()
    producer.close()


def recovered_rows(broker: Broker, app_id: str, table: str, fixed: bool, cwd: Path) -> int:
    script = cwd / "recover.py"
    script.write_text(RECOVER)
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            app_id,
            broker.bootstrap,
            table,
            "1" if fixed else "0",
            str(cwd / "faust"),  # not the checkout: the app's data dir is its own
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("ROWS ")]
    assert lines, f"the app did not report (exit {done.returncode}):\n{done.stderr[-3000:]}"
    return int(lines[-1].split()[1])


def test_a_table_recovers_every_row_of_its_changelog(broker: Broker, tmp_path: Path) -> None:
    app_id = f"recover-{uuid.uuid4().hex[:8]}"
    table = "members"
    changelog = f"{app_id}-{table}-changelog"
    ensure_topics(broker.bootstrap, [changelog, f"{app_id}-idle"], partitions=1)
    write_changelog(broker.bootstrap, changelog)
    tp = TopicPartition(changelog, 0)
    plain = KafkaConsumer(bootstrap_servers=broker.bootstrap)
    reported = plain.end_offsets([tp])[tp]
    plain.close()
    if broker.kind == "tansu":
        assert reported < ROWS  # the trap: Faust alone reads to here
        assert recovered_rows(broker, app_id, table, fixed=False, cwd=tmp_path) < ROWS
    else:
        assert reported == ROWS
    assert recovered_rows(broker, app_id, table, fixed=True, cwd=tmp_path) == ROWS
