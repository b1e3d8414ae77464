"""Alerts, deliveries and subscriptions in a real chDB: idempotent rows, no secrets stored."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from ops.roles import MIGRATIONS_DIR
from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode_any, encode
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import migrate

FIXTURES = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures"


def _raw(name: str) -> bytes:
    return (FIXTURES / f"{name}.v1.json").read_bytes()


def _store(warehouse: ChdbWarehouse, raws: list[bytes], token: str) -> None:
    rows = TableRows()
    for raw in raws:
        rows.add_record(raw)
    for table, table_rows in rows.tables.items():
        warehouse.insert_rows(table, table_rows, dedup_token=f"{token}-{table}")


def test_a_replayed_alert_is_one_row_and_every_attempt_is_kept(
    fresh_database: ChdbWarehouse,
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    alert = decode_any(_raw("alert.raised"))
    delivery = decode_any(_raw("alert.delivery"))
    assert isinstance(alert, AlertRaised) and isinstance(delivery, AlertDelivery)
    delivered = delivery.model_copy(
        update={"attempt": delivery.attempt + 1, "status": "delivered", "event_id": "e-2"}
    )
    _store(fresh_database, [encode(alert), encode(delivery)], "first")
    _store(fresh_database, [encode(alert), encode(delivered)], "replay")

    alerts = fresh_database.query("SELECT alert_id, event FROM alerts FINAL")
    assert [a["alert_id"] for a in alerts] == [alert.alert_id]
    assert decode_any(alerts[0]["event"].encode()) == alert  # enough to re-publish it
    attempts = fresh_database.query(
        f"SELECT attempt, status FROM deliveries FINAL WHERE alert_id = '{alert.alert_id}' "
        "ORDER BY attempt"
    )
    assert [(r["attempt"], r["status"]) for r in attempts] == [
        (delivery.attempt, delivery.status),
        (delivery.attempt + 1, "delivered"),
    ]


def test_subscription_rows_carry_no_secret(fresh_database: ChdbWarehouse) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    raw = _raw("subscription.changed")
    _store(fresh_database, [raw], "sub")
    [row] = fresh_database.query("SELECT * FROM subscriptions FINAL")
    assert row["channel"] == "webhook" and row["version"] >= 1
    stored = " ".join(str(v) for v in row.values())
    assert "whsec_" not in stored and "hooks.example.org" not in stored


FIRED = datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
PUBLISHED = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)


def _late_alert() -> AlertRaised:
    """An alert fired on 1 March about an article published in November."""
    alert = decode_any(_raw("alert.raised"))
    assert isinstance(alert, AlertRaised)
    return alert.model_copy(update={"observed_at": FIRED, "occurred_at": PUBLISHED})


def test_raised_at_is_when_the_alert_fired_and_document_at_when_the_document_was(
    fresh_database: ChdbWarehouse,
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    _store(fresh_database, [encode(_late_alert())], "late")
    [row] = fresh_database.query(
        "SELECT toString(raised_at) AS raised_at, toString(document_at) AS document_at "
        "FROM alerts FINAL"
    )
    assert row == {"raised_at": "2026-03-01 12:00:00.250", "document_at": "2025-11-02 08:30:00.000"}
    # the Alerts dashboard's count for "the last hour" of the firing sees it
    fired_hour = fresh_database.query(
        "SELECT count() AS n FROM alerts FINAL "
        "WHERE raised_at >= toDateTime64('2026-03-01 11:30:00', 3, 'UTC')"
    )
    assert fired_hour == [{"n": 1}]


def test_the_migration_moves_the_document_time_of_rows_written_before_it(
    fresh_database: ChdbWarehouse, tmp_path: Path
) -> None:
    before = tmp_path / "before"
    before.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if int(path.name[:3]) < 23:
            shutil.copy(path, before / path.name)
    migrate(fresh_database, before)
    alert = _late_alert()
    row = {  # what the sink wrote before: raised_at held occurred_at
        "alert_id": alert.alert_id,
        "subscription_id": alert.subscription_id,
        "trigger": alert.trigger,
        "channel": alert.channel,
        "title": alert.title,
        "raised_at": "2025-11-02 08:30:00.000",
        "event": encode(alert).decode(),
    }
    fresh_database.insert_rows("alerts", [row])
    for _ in range(2):  # idempotent, like every migration step
        migrate(fresh_database, MIGRATIONS_DIR)
        fresh_database.command("DELETE FROM schema_migrations WHERE version = 23")
    [moved] = fresh_database.query(
        "SELECT toString(raised_at) AS raised_at, toString(document_at) AS document_at "
        "FROM alerts FINAL"
    )
    assert moved == {
        "raised_at": "2026-03-01 12:00:00.250",
        "document_at": "2025-11-02 08:30:00.000",
    }
