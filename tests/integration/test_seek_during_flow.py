"""A seek back to the committed offsets loses no record while a busy stream is fed.

After table recovery Faust throws away the records already queued for the streams,
and the worker seeks back to the committed offsets to fetch them again
(``streams.app.seek_again_after_recovery``). Made while Faust's fetch loop was still
handing a batch to a full stream buffer, that seek let the rest of the batch through:
the next record was past the read offset by more than one, Faust took the offsets
between for a gap in the log and committed past them, and dropped their re-fetched
records as already read (18 documents of each of two partitions never classified
after a kill -9 of the worker under load). ``seek_to_committed`` stops the flow first.

The app below is real Faust on a real broker: a slow agent behind a four-record
buffer keeps the fetch loop mid-batch; the queued records are thrown away as
recovery does, then the seek is made, plainly or through ``seek_to_committed``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

from kafka import KafkaProducer

from ops.runtime.topics import ensure_topics
from tests.conftest import Broker

RECORDS = 300

APP = textwrap.dedent(
    """
    import asyncio, os, sys
    import faust
    from streams.app import seek_to_committed

    app_id, bootstrap, topic, how, datadir = sys.argv[1:6]
    total = int(sys.argv[6])
    app = faust.App(
        app_id, broker=f"kafka://{bootstrap}", store="memory://", web_enabled=False,
        autodiscover=False, topic_partitions=1, topic_allow_declare=False,
        broker_session_timeout=6, broker_rebalance_timeout=6, logging_config=None,
        key_serializer="raw", value_serializer="raw", datadir=datadir,
        stream_buffer_maxsize=4, broker_commit_every=10**9, broker_commit_interval=3600.0,
        consumer_auto_offset_reset="earliest",
    )
    source = app.topic(topic, partitions=1)
    handled = set()
    busy = asyncio.Event()

    @app.agent(source)
    async def slow(stream):
        async for event in stream.events():
            handled.add(event.message.offset)
            if len(handled) == 40:
                busy.set()
            await asyncio.sleep(0.004)

    @app.task
    async def drive():
        try:
            await run()
        except BaseException:
            import traceback
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(3)

    async def run():
        await busy.wait()
        await app.consumer.commit()
        # what recovery does before its seek: the queued records are thrown away
        app.flow_control.suspend()
        app.flow_control.resume()
        if how == "plain":
            await app.consumer.perform_seek()
        else:
            await seek_to_committed(app.consumer)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while loop.time() < deadline and (total - 1) not in handled:
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # the last records are acknowledged
        await app.consumer.commit()
        (tp,) = [tp for tp in app.consumer.assignment() if tp.topic == topic]
        missing = sorted(set(range(total)) - handled)
        print("MISSING", len(missing), missing[:20], flush=True)
        print("COMMITTED", app.consumer._committed_offset.get(tp), flush=True)
        os._exit(0)

    app.finalize()
    worker = faust.Worker(app, loglevel="WARNING", override_logging=False)
    worker.execute_from_commandline()
    """
)


def run_app(broker: Broker, tmp_path: Path, how: str) -> tuple[int, int | None]:
    """(records never handled, offset committed at the end) for one run of the app."""
    app_id = f"seek-{uuid.uuid4().hex[:8]}"
    topic = f"{app_id}-source"
    ensure_topics(broker.bootstrap, [topic], partitions=1)
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=20)
    for i in range(RECORDS):
        producer.send(topic, key=f"k{i}".encode(), value=b"x" * 200)
    producer.flush()
    producer.close()
    script = tmp_path / f"app-{how}.py"
    script.write_text(APP)
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            app_id,
            broker.bootstrap,
            topic,
            how,
            str(tmp_path / f"faust-{how}"),
            str(RECORDS),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    report = {
        line.split()[0]: line.split(maxsplit=1)[1]
        for line in done.stdout.splitlines()
        if line.startswith(("MISSING ", "COMMITTED "))
    }
    output = f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert report, f"the app did not report (exit {done.returncode}):\n{output}"
    committed = report["COMMITTED"]
    return int(report["MISSING"].split()[0]), None if committed == "None" else int(committed)


def test_a_seek_with_the_flow_stopped_loses_no_record(broker: Broker, tmp_path: Path) -> None:
    missing, committed = run_app(broker, tmp_path, "stopped")
    assert missing == 0
    assert committed == RECORDS


def test_a_plain_seek_mid_batch_loses_records(broker: Broker, tmp_path: Path) -> None:
    """The hazard itself, so that the test above is known to be able to fail: records are
    never handed to the stream; Faust then commits past them (a gap, as in the worker) or
    stops committing at the first of them (what this app shows on both brokers)."""
    missing, _committed = run_app(broker, tmp_path, "plain")
    assert missing > 0
