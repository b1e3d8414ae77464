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
from dataclasses import dataclass

import orjson

from ops.api.journal import SubscriptionJournal
from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.envelope import Producer
from schemas.errors import BrokerError
from schemas.topics import TopicNames
from sinks.read_model.alerting import final_deliveries, undelivered_alerts
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)

RESTORE_PRODUCER = Producer(name="policywatch-restore", version="1")


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
