"""Alerts, deliveries and subscriptions in a real chDB: idempotent rows, no secrets stored."""

from __future__ import annotations

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
