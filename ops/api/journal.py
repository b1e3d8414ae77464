"""Subscriptions as the API accepted them, journaled under the data directory.

The embedded broker keeps topics in memory and the warehouse keeps subscriptions
without their secrets, so this journal is what gives a restarted stack its
subscriptions back (``ops.features.alert_restore``).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from schemas.codec import decode_any, encode
from schemas.errors import InvalidEvent
from schemas.subscriptions import SubscriptionChanged

log = logging.getLogger(__name__)


class SubscriptionJournal:
    """Append-only JSON lines of SubscriptionChanged events (mode 0600: it holds secrets)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, event: SubscriptionChanged) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = encode(event) + b"\n"
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)

    def latest(self) -> list[SubscriptionChanged]:
        """The newest change per subscription; an unreadable line is reported and skipped."""
        if not self.path.exists():
            return []
        newest: dict[str, SubscriptionChanged] = {}
        with self.path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    event = decode_any(line)
                except InvalidEvent as exc:  # a torn last line after a crash
                    log.warning("%s:%d: skipping unreadable line: %s", self.path, number, exc)
                    continue
                if not isinstance(event, SubscriptionChanged):
                    continue
                known = newest.get(event.subscription_id)
                if known is None or event.version > known.version:
                    newest[event.subscription_id] = event
        return sorted(newest.values(), key=lambda e: e.subscription_id)


def journal_path(data_dir: Path) -> Path:
    return data_dir / "subscriptions.journal"
