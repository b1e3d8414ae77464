"""Keep the durable spool honest: re-publish what the warehouse lacks, drop what it holds.

A document counts as held once its (document_id, revision) has a classification in
the warehouse: holding only the raw document would lose the classification if the
in-memory broker died between the two.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import orjson

from ops import metrics
from producers.publish import Outgoing, Publisher
from producers.spool import Spool, SpooledRecord
from sinks.read_model.documents import classified_revisions
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)


@dataclass
class SpoolReport:
    segments: int = 0
    republished: int = 0
    removed: int = 0


def _ids(record: SpooledRecord) -> tuple[str, str]:
    data = orjson.loads(record.value)
    return str(data.get("document_id", "")), str(data.get("revision", ""))


def sweep_spool(
    spool: Spool, warehouse: Warehouse, publisher: Publisher | None, topic: str
) -> SpoolReport:
    """Remove fully-held segments; with a publisher, re-publish the records not held."""
    report = SpoolReport()
    for segment in spool.segments():
        records = list(Spool.read(segment))
        pairs = {_ids(r) for r in records}
        missing = pairs - classified_revisions(warehouse, pairs)
        if not missing:
            spool.remove(segment)
            report.removed += 1
            continue
        report.segments += 1
        if publisher is not None:
            outgoing = [
                Outgoing(topic, r.key or None, r.value) for r in records if _ids(r) in missing
            ]
            result = publisher.publish(outgoing)
            report.republished += result.sent
            metrics.SPOOL_REPUBLISHED.inc(result.sent)
    metrics.SPOOL_SEGMENTS.set(report.segments)
    if report.republished or report.removed:
        log.info(
            "spool: %d documents re-published, %d segments confirmed and removed, %d pending",
            report.republished,
            report.removed,
            report.segments,
        )
    return report
