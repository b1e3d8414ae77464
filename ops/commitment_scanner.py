"""Commitment scans with long-lived clients: one warehouse client and one publisher.

The delivery role scans every ``delivery.commitment_scan_s`` for as long as it runs. It
used to open a subscription store (reading ``policy.subscriptions`` from its beginning),
a warehouse client and a publisher for every scan, so its memory grew with the topic's
history (an hour of subscription churn took it from 78 MB to 265 MB). The role now passes
the subscriptions its delivery worker already folds, and the clients live as long as the
scanner; a client that failed is replaced on the next scan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from ops.settings import Settings
from producers.publish import Outgoing, Publisher
from schemas.alerts import AlertRaised
from schemas.codec import encode
from schemas.envelope import Producer
from schemas.errors import BrokerError, PolicywatchError
from schemas.subscriptions import Subscription
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)


class CommitmentScanner:
    """``scan(subscriptions, today)`` publishes the commitment alerts owed; ``close()`` ends it."""

    def __init__(self, settings: Settings, bootstrap: str, producer: Producer) -> None:
        self._settings = settings
        self._bootstrap = bootstrap
        self._producer = producer
        self._warehouse: Warehouse | None = None
        self._publisher: Publisher | None = None

    def scan(self, subscriptions: Iterable[Subscription], today: date) -> int:
        """One scan; returns how many alerts were published (raised ones keep their id)."""
        from ops.access import open_warehouse
        from ops.commitment_scan import scan_commitments_once

        settings = self._settings
        outgoing: list[Outgoing] = []

        def send(alert: AlertRaised) -> None:
            outgoing.append(
                Outgoing(settings.topics.alerts, alert.alert_id.encode(), encode(alert))
            )

        if self._warehouse is None:
            self._warehouse = open_warehouse(settings)
        try:
            count = scan_commitments_once(
                self._warehouse, subscriptions, send, today, producer=self._producer
            )
        except PolicywatchError:
            self._close_warehouse()  # a fresh client next time
            raise
        if outgoing:
            self._publish(outgoing)
        return count

    def _publish(self, outgoing: list[Outgoing]) -> None:
        settings = self._settings
        if self._publisher is None:
            self._publisher = Publisher(
                self._bootstrap,
                compression=settings.kafka.compression,
                client_id="policywatch-commitments",
                timeout_s=settings.kafka.request_timeout_s,
            )
        report = self._publisher.publish(outgoing)
        if report.failed:
            self._publisher.close()
            self._publisher = None
            raise BrokerError(
                f"{report.failed} of {len(outgoing)} commitment alerts were not published: "
                f"{'; '.join(report.errors[:3])}; the next scan raises them again"
            )

    def _close_warehouse(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None

    def close(self) -> None:
        """Close both clients; idempotent."""
        self._close_warehouse()
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None
