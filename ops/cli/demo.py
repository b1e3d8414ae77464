"""`policywatch demo`: the whole pipeline on the bundled sample corpus, then a report.

Runs the embedded stack, ingests ``ops/demo_corpus``, waits until the
warehouse holds every document, prints the report and stops. Running it twice
leaves every count the same: ids are deterministic and the warehouse counts
distinct documents.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ops.roles.stack import Stack, StackError
from ops.runtime.access import open_warehouse
from ops.settings import Settings
from ops.version import policywatch_version
from producers.files import FileDefaults
from producers.ingest import IngestReport, ingest_paths
from producers.publish import Publisher
from producers.spool import Spool
from schemas.envelope import Producer
from sinks.read_model.documents import deadletter_count
from sinks.read_model.reports import classified_count, demo_report
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)
DEMO_CORPUS = Path(__file__).parents[1] / "demo_corpus"


def run_demo(
    settings: Settings,
    corpus: Path = DEMO_CORPUS,
    timeout_s: float = 180.0,
    on_status: Callable[[str], None] = lambda _s: None,
) -> tuple[IngestReport, dict[str, list[dict[str, Any]]]]:
    stack = Stack(settings)
    on_status("starting the embedded stack (broker, classify worker, warehouse sink)")
    run = stack.start()
    try:
        on_status(f"stack up: broker {run['broker']['bootstrap']}, SQL {run['sql']['url']}")
        publisher = Publisher(run["broker"]["bootstrap"], compression=settings.kafka.compression)
        try:
            defaults = FileDefaults(
                source_id="demo",
                producer=Producer(name="policywatch-demo", version=policywatch_version()),
            )
            report = ingest_paths(
                [corpus],
                publisher=publisher,
                topics=settings.topics,
                defaults=defaults,
                max_file_bytes=settings.ingest.max_file_bytes,
                spool=Spool(stack.data_dir / "spool"),
            )
        finally:
            publisher.close()
        on_status(f"ingested {report.documents} documents; waiting for the warehouse")
        warehouse = open_warehouse(settings)
        try:
            expected = sorted(set(report.document_ids))
            deadline = time.monotonic() + timeout_s
            while (done := classified_count(warehouse, expected)) < len(expected):
                if stack.failed.is_set():
                    raise StackError(stack.failure)
                if time.monotonic() > deadline:
                    raise StackError(
                        f"only {done} of {len(expected)} documents reached the warehouse in "
                        f"{timeout_s:.0f}s; see the logs under {stack.logs}"
                    )
                time.sleep(0.2)
            _wait_for_deadletters(warehouse, len(report.failed_items), deadline)
            return report, demo_report(warehouse)
        finally:
            warehouse.close()
    finally:
        on_status("stopping the stack")
        stack.stop()


def _wait_for_deadletters(warehouse: Warehouse, expected: int, deadline: float) -> None:
    """Dead letters of this run's ingest travel the same path; wait for them too."""
    while time.monotonic() < deadline:
        if deadletter_count(warehouse, "ingest") >= expected:
            return
        time.sleep(0.2)
