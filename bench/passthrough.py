"""Baseline: a bare Faust pass-through agent (consume, send to another topic).

Run as its own process by bench/pipeline.py on the same broker; writes a JSON
line with the elapsed time from the first record consumed to the N-th sent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import faust


def main(bootstrap: str, source: str, target: str, count: int, out: Path) -> None:
    app = faust.App(
        "bench-passthrough",
        broker=f"kafka://{bootstrap}",
        store="memory://",
        web_enabled=False,
        autodiscover=False,
        topic_allow_declare=False,
        consumer_auto_offset_reset="earliest",
        producer_compression_type="lz4",
    )
    raw: dict[str, Any] = {
        "key_type": bytes,
        "value_type": bytes,
        "key_serializer": "raw",
        "value_serializer": "raw",
    }
    src = app.topic(source, **raw)
    dst = app.topic(target, **raw)
    state = {"n": 0, "first": 0.0}

    async def passthrough(stream: Any) -> None:
        async for event in stream.events():
            if state["n"] == 0:
                state["first"] = time.perf_counter()
            await dst.send(key=event.key, value=event.value)
            state["n"] += 1
            if state["n"] == count:
                await app.producer.flush()
                elapsed = time.perf_counter() - state["first"]
                out.write_text(json.dumps({"messages": count, "seconds": elapsed}))

    async def ready() -> None:
        import asyncio

        while not app.consumer.assignment():
            await asyncio.sleep(0.05)
        out.with_suffix(".ready").write_text("ready")

    app.agent(src, name="passthrough")(passthrough)
    app.task(ready)
    sys.argv = [sys.argv[0], "worker", "-l", "warning"]
    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]))
