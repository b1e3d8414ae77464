"""The one serve loop of the HTTP roles (subscriptions API, intake): ready once listening.

uvicorn runs in this process's event loop; once its socket is bound, the role's
ready file gets the URL it answers on (readiness is the bound socket, never a
sleep). uvicorn stops on SIGTERM/SIGINT and then raises the signal again for the
handler it found: a no-op handler makes that a clean exit (code 0) instead of
death by signal.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from ops.runtime.runfile import write_json_atomic

log = logging.getLogger(__name__)


def serve_http(
    app: FastAPI,
    host: str,
    port: int,
    *,
    ready_file: Path | None,
    ready_info: Callable[[str], dict[str, Any]],
    announce: Callable[[str], None],
) -> None:
    """Serve ``app`` until SIGTERM/SIGINT (port 0 = a free port).

    Once bound, ``announce(url)`` is called and ``ready_info(url)`` written to
    ``ready_file``.
    """
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False)
    )

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            bound = server.servers[0].sockets[0].getsockname()
            url = f"http://{bound[0]}:{bound[1]}"
            announce(url)
            if ready_file is not None:
                write_json_atomic(ready_file, ready_info(url))
        await task

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    asyncio.run(serve())
