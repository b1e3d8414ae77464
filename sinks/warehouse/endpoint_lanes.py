"""The SQL endpoint's chDB connections, and cancellation of reads whose client left.

Reads run on ``concurrency`` connections of their own (a read waits briefly for a free
one, else the caller answers 503), writes of the endpoint's writer user on one more, and
the sink on its own: a read never holds a write. A watcher thread polls the sockets of
running reads; when a client has gone (EOF or reset), it kills that read with ``KILL
QUERY`` on a control connection, found by the marker comment the read's SQL starts with.
``stop()`` kills every read still running, so shutting down never waits for one.
"""

from __future__ import annotations

import logging
import queue
import select
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from schemas.errors import WarehouseError
from sinks.warehouse.chdb_engine import ChdbConnection, ChdbEngine

log = logging.getLogger(__name__)

_WATCH_INTERVAL_S = 0.1


@dataclass
class RunningRead:
    """A read in flight: the marker its SQL starts with and its client's socket."""

    client: socket.socket
    marker: str = field(default_factory=lambda: uuid.uuid4().hex)
    killed: bool = False

    @property
    def comment(self) -> str:
        return f"/* policywatch-read {self.marker} */ "


class EndpointLanes:
    """Connections for the endpoint's readers, its writer and its control queries."""

    def __init__(self, engine: ChdbEngine, concurrency: int) -> None:
        self._free: queue.Queue[ChdbConnection] = queue.Queue()
        self._all: list[ChdbConnection] = []
        for _ in range(concurrency):
            connection = engine.connect()
            self._all.append(connection)
            self._free.put(connection)
        self.writer = engine.connect()
        self._control = engine.connect()
        self._all += [self.writer, self._control]
        self._running: dict[str, RunningRead] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="endpoint-reads", daemon=True)
        self._watcher.start()

    @contextmanager
    def reader(self, wait_s: float) -> Iterator[ChdbConnection | None]:
        """A free read connection for the block, or None if none frees up within ``wait_s``."""
        try:
            connection = self._free.get(timeout=wait_s)
        except queue.Empty:
            yield None
            return
        try:
            yield connection
        finally:
            self._free.put(connection)

    @contextmanager
    def running(self, client: socket.socket) -> Iterator[RunningRead]:
        """Watch ``client`` while a read marked with the yielded RunningRead runs."""
        read = RunningRead(client)
        with self._lock:
            self._running[read.marker] = read
        try:
            yield read
        finally:
            with self._lock:
                self._running.pop(read.marker, None)

    def _watch(self) -> None:
        while not self._stopping.wait(_WATCH_INTERVAL_S):
            with self._lock:
                reads = [r for r in self._running.values() if not r.killed]
            for read in reads:
                if _client_gone(read.client):
                    log.info("client of read %s went away; cancelling it", read.marker)
                    self._kill(read)

    def _kill(self, read: RunningRead) -> None:
        read.killed = True
        try:
            self._control.run(
                f"KILL QUERY WHERE query LIKE '{read.comment.strip()}%' ASYNC", "TabSeparated"
            )
        except WarehouseError as exc:  # it may have ended meanwhile
            log.debug("could not cancel read %s: %s", read.marker, exc)

    def stop(self) -> None:
        """Kill reads still running, stop watching and close every connection; idempotent."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._watcher.join()
        with self._lock:
            reads = list(self._running.values())
        for read in reads:
            self._kill(read)
        for connection in self._all:
            connection.close()


def _client_gone(client: socket.socket) -> bool:
    """True when the peer closed or reset the connection (a pipelined request is not that).

    ``poll``, not ``select``: a busy process has descriptors above ``FD_SETSIZE`` (1024),
    which ``select`` refuses; taking that refusal for a gone client would kill live reads.
    """
    fd = client.fileno()
    if fd < 0:  # closed by the handler: the read is ending anyway
        return False
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    events = poller.poll(0)
    if not events:
        return False
    if events[0][1] & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
        return True
    try:
        return client.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:  # reset by the peer
        return True
