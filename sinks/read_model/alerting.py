"""Alerting state kept in the warehouse: alerts not finally delivered, final attempts.

What a restarted embedded stack re-publishes (``ops.features.alert_restore``):
the broker forgot ``policy.alerts`` and ``policy.deliveries``, the warehouse did not.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.alerts import AlertDelivery
from schemas.envelope import Producer
from sinks.delivery.ledger import FINAL_STATUSES
from sinks.warehouse.base import Warehouse


def undelivered_alerts(warehouse: Warehouse) -> list[bytes]:
    """AlertRaised events with no final delivery attempt yet."""
    final = ", ".join(f"'{status}'" for status in sorted(FINAL_STATUSES))  # constants, not input
    rows = warehouse.query(
        "SELECT event FROM alerts FINAL WHERE alert_id NOT IN "
        f"(SELECT alert_id FROM deliveries WHERE status IN ({final})) ORDER BY raised_at"
    )
    return [str(r["event"]).encode("utf-8") for r in rows]


def final_deliveries(warehouse: Warehouse, producer: Producer) -> list[AlertDelivery]:
    """The last final attempt of every alert, rebuilt from the deliveries table.

    The delivery worker folds these to know what is done: without them, an alert
    raised again after a restart (a commitment scan, a replay) would be sent twice.
    """
    final = ", ".join(f"'{status}'" for status in sorted(FINAL_STATUSES))  # constants, not input
    rows = warehouse.query(
        "SELECT alert_id, argMax(tuple(subscription_id, channel, attempt, status, endpoint, "
        "http_status, error, latency_ms, attempted_at, event_id), attempt) AS last "
        f"FROM deliveries FINAL WHERE status IN ({final}) GROUP BY alert_id"
    )
    out = []
    for row in rows:
        sub, channel, attempt, status, endpoint, http_status, error, latency, at, event_id = row[
            "last"
        ]
        when = _utc(at)
        out.append(
            AlertDelivery(
                event_id=str(event_id),
                occurred_at=when,
                observed_at=when,
                producer=producer,
                trace_id=str(row["alert_id"]),
                alert_id=str(row["alert_id"]),
                subscription_id=str(sub),
                channel=channel,
                attempt=int(attempt),
                status=status,
                endpoint=str(endpoint),
                http_status=None if http_status is None else int(http_status),
                error=str(error),
                latency_ms=float(latency),
            )
        )
    return out


def _utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).replace(" ", "T")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
