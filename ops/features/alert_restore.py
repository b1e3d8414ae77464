"""Give a restarted embedded stack its alerting state back.

The embedded broker keeps topics in memory, so after ``up`` restarts,
``policy.subscriptions`` and ``policy.alerts`` are empty. Subscriptions are
journaled under the data directory by the API that accepted them (the
warehouse keeps them without secrets, so it cannot restore channels), and
alerts raised but never finally delivered are in the warehouse, as are the
final delivery attempts. All three are re-published before the workers and the
delivery role start: undelivered alerts are delivered (at-least-once across
restarts), and an alert raised again (a commitment scan, a replay) is known to
be done and not sent twice.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import orjson

from producers.publish import Outgoing, Publisher
from schemas.codec import decode_any, encode
from schemas.envelope import Producer
from schemas.errors import BrokerError, InvalidEvent
from schemas.subscriptions import SubscriptionChanged
from schemas.topics import TopicNames
from sinks.read_model.alerting import final_deliveries, undelivered_alerts
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)

RESTORE_PRODUCER = Producer(name="policywatch-restore", version="1")


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


@dataclass
class RestoreReport:
    subscriptions: int = 0
    deliveries: int = 0
    alerts: int = 0


def restore_alerting(
    journal: SubscriptionJournal,
    warehouse: Warehouse,
    publisher: Publisher,
    topics: TopicNames,
) -> RestoreReport:
    """Re-publish subscriptions, finished deliveries and undelivered alerts.

    Raises if the broker refuses them: a stack that forgot its subscriptions or
    would deliver alerts twice must not start quietly.
    """
    report = RestoreReport()
    changes = journal.latest()
    outgoing = [
        Outgoing(topics.subscriptions, e.subscription_id.encode(), encode(e)) for e in changes
    ]
    done = final_deliveries(warehouse, RESTORE_PRODUCER)
    outgoing.extend(Outgoing(topics.deliveries, d.alert_id.encode(), encode(d)) for d in done)
    alerts = undelivered_alerts(warehouse)
    for raw in alerts:
        alert_id = orjson.loads(raw).get("alert_id", "")
        outgoing.append(Outgoing(topics.alerts, str(alert_id).encode(), raw))
    if not outgoing:
        return report
    result = publisher.publish(outgoing)
    if result.failed:
        raise BrokerError(
            f"could not restore {result.failed} subscription/alert events: "
            f"{'; '.join(result.errors[:3])}"
        )
    report.subscriptions, report.deliveries, report.alerts = len(changes), len(done), len(alerts)
    log.info(
        "restored %d subscriptions, %d finished deliveries and %d undelivered alerts",
        report.subscriptions,
        report.deliveries,
        report.alerts,
    )
    return report
