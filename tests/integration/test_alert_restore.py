"""After an embedded restart: journaled subscriptions; finished deliveries and undelivered
alerts from the warehouse."""

from __future__ import annotations

import os
from pathlib import Path

from ops.alert_restore import SubscriptionJournal, restore_alerting
from ops.roles import MIGRATIONS_DIR
from producers.publish import Publisher
from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode_any, encode
from schemas.subscriptions import SubscriptionChanged
from schemas.topics import TopicNames
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import migrate
from tests.conftest import Broker
from tests.integration.test_producers_kafka import read_all

FIXTURES = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures"


def _fixture(name: str) -> object:
    return decode_any((FIXTURES / f"{name}.v1.json").read_bytes())


def test_journal_keeps_the_newest_change_and_survives_a_torn_line(tmp_path: Path) -> None:
    created = _fixture("subscription.changed")
    assert isinstance(created, SubscriptionChanged) and created.subscription is not None
    paused_state = created.subscription.model_copy(update={"active": False})
    paused = created.model_copy(
        update={"version": created.version + 1, "change": "paused", "subscription": paused_state}
    )
    journal = SubscriptionJournal(tmp_path / "subscriptions.journal")
    journal.append(paused)
    journal.append(created)  # an older version read later never wins
    with journal.path.open("ab") as f:
        f.write(b'{"event_type": "subscription.chan')  # a crash mid-write
    assert journal.latest() == [paused]
    assert os.stat(journal.path).st_mode & 0o777 == 0o600


def test_restore_republishes_subscriptions_and_only_undelivered_alerts(
    tmp_path: Path, broker: Broker, topics: TopicNames, fresh_database: ChdbWarehouse
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    sub = _fixture("subscription.changed")
    alert = _fixture("alert.raised")
    attempt = _fixture("alert.delivery")
    assert isinstance(sub, SubscriptionChanged) and isinstance(alert, AlertRaised)
    assert isinstance(attempt, AlertDelivery)
    done = alert.model_copy(update={"alert_id": "alert-done", "event_id": "e-done"})
    delivered = attempt.model_copy(update={"alert_id": "alert-done", "status": "delivered"})
    retrying = attempt.model_copy(update={"alert_id": alert.alert_id, "status": "retrying"})
    rows = TableRows()
    for event in (alert, done, delivered, retrying):
        rows.add_record(encode(event))
    for table, table_rows in rows.tables.items():
        fresh_database.insert_rows(table, table_rows, dedup_token=f"restore-{table}")
    journal = SubscriptionJournal(tmp_path / "subscriptions.journal")
    journal.append(sub)

    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:
        report = restore_alerting(journal, fresh_database, publisher, topics)
    finally:
        publisher.close()

    assert (report.subscriptions, report.deliveries, report.alerts) == (1, 1, 1)
    assert [e for _, e in read_all(broker.bootstrap, topics.subscriptions)] == [sub]
    restored = read_all(broker.bootstrap, topics.alerts)
    assert [(k, e) for k, e in restored] == [(alert.alert_id.encode(), alert)]
    [(key, done)] = read_all(broker.bootstrap, topics.deliveries)
    assert key == b"alert-done" and isinstance(done, AlertDelivery)
    assert (done.status, done.attempt, done.event_id) == ("delivered", 1, delivered.event_id)
