"""Commitment triggers, evaluated against the warehouse once per scan.

Whether a promise is overdue depends on the calendar and on every later document
about its initiative, not on one document in the stream, so the stream cannot say it.
The warehouse has it all (``sinks.read_model.commitments``): a scan reads the
commitments of interest, grouped per promise, with the days its event was reported
to have happened and the last mention of its subject, and lets
``streams.alerts.commitments`` decide (a met promise raises nothing). Alert ids are derived from
the promise and its state, so scanning every few minutes raises each alert once; the
delivery worker de-duplicates on the id across restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from schemas.alerts import AlertRaised
from schemas.envelope import Producer
from schemas.subscriptions import CommitmentTrigger, Subscription
from sinks.read_model.commitments import stored_commitments
from sinks.warehouse.base import Warehouse
from streams.alerts.commitments import CommitmentRow, commitment_alerts

log = logging.getLogger(__name__)

MAX_OVERDUE_DAYS = 90


def commitment_rows(warehouse: Warehouse, today: date, horizon_days: int) -> list[CommitmentRow]:
    """Promises whose due window reaches from ``MAX_OVERDUE_DAYS`` (plus grace) ago to
    ``horizon_days`` ahead, as the alert rules take them: the days other reports say their
    event took place (on or after the promise was reported) and its subject's last mention."""
    oldest = today - timedelta(days=MAX_OVERDUE_DAYS + 366)
    newest = today + timedelta(days=horizon_days)
    return [
        CommitmentRow(
            document_id=c.document_id,
            initiative=c.initiative or None,
            candidate=c.candidate or None,
            candidate_name=c.candidate_name,
            action=c.action,
            due_from=c.due_from,
            due_to=c.due_to,
            due_text=c.due_text,
            last_mention=c.last_mention,
            evidence=c.evidence,
            actors=c.actors,
            countries=c.countries,
            source_kind=c.source_kind,
            reported_on=c.reported_on,
            occurred_on=tuple(
                sorted(
                    day
                    for day, document in c.happened
                    if document not in c.reports and day >= c.reported_on
                )
            ),
        )
        for c in stored_commitments(warehouse, oldest, newest)
    ]


def scan_commitments_once(
    warehouse: Warehouse,
    active: Iterable[Subscription],
    publisher_send: Callable[[AlertRaised], None],
    today: date,
    *,
    producer: Producer | None = None,
) -> int:
    """Publish every commitment alert owed on ``today``; returns how many were sent.

    ``publisher_send`` publishes one AlertRaised to ``policy.alerts`` keyed by its id;
    sending an alert again is harmless (same id, same event id).
    """
    subscriptions = [s for s in active if s.active and isinstance(s.trigger, CommitmentTrigger)]
    if not subscriptions:
        return 0
    horizon = max(
        s.trigger.due_within_days for s in subscriptions if isinstance(s.trigger, CommitmentTrigger)
    )
    rows = commitment_rows(warehouse, today, horizon)
    alerts = commitment_alerts(
        subscriptions,
        rows,
        today,
        producer=producer or Producer(name="policywatch-commitments", version="1"),
        raised_at=datetime.now(UTC),
        max_overdue_days=MAX_OVERDUE_DAYS,
    )
    for alert in alerts:
        publisher_send(alert)
    log.info(
        "commitment scan for %s: %d subscriptions, %d promises, %d alerts",
        today,
        len(subscriptions),
        len(rows),
        len(alerts),
    )
    return len(alerts)
