"""Source health into the warehouse, where the sources dashboard and `status` read it.

Recording health must never stop a harvest: a warehouse that is down costs a
warning per run, and the Prometheus gauges still tell the story.
"""

from __future__ import annotations

import logging
import threading

from producers.health import SourceHealth
from schemas.errors import PolicywatchError
from sinks.warehouse import Warehouse

log = logging.getLogger(__name__)


class WarehouseHealthRecorder:
    """Inserts one ``source_health`` row per run, de-duplicated by the run id."""

    def __init__(self, warehouse: Warehouse) -> None:
        self._warehouse = warehouse
        self._lock = threading.Lock()  # record() is called from harvest worker threads
        self.failures = 0

    def record(self, health: SourceHealth) -> None:
        try:
            with self._lock:
                self._warehouse.insert_rows(
                    "source_health", [health.as_row()], dedup_token=health.run_id
                )
        except PolicywatchError as exc:
            self.failures += 1
            log.warning(
                "source %s: health row not stored (%s): %s", health.source_id, exc.reason, exc
            )

    def close(self) -> None:
        self._warehouse.close()
