"""source_health: the migration applies on chDB and SourceHealth rows fit it, idempotently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from producers.health import SourceHealth
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate

T0 = datetime(2026, 3, 12, 4, 0, tzinfo=UTC)


def row(source: str, minutes: int, status: str, emitted: int, reason: str = "") -> SourceHealth:
    started = T0 + timedelta(minutes=minutes)
    return SourceHealth(
        source_id=source,
        source_kind="news",
        run_id=f"{source}-{minutes}",
        started_at=started,
        finished_at=started + timedelta(seconds=3),
        status=status,  # type: ignore[arg-type]
        last_success_at=None if status == "error" else started + timedelta(seconds=3),
        last_error_at=started if reason else None,
        last_error_reason=reason,
        last_error_message=f"{reason} happened" if reason else "",
        documents_emitted=emitted,
        documents_unchanged=2,
        documents_total=emitted,
        dead_letters=0,
        errors=1 if reason else 0,
        requests=4,
        not_modified=1,
        fetch_seconds_avg=0.12,
        fetch_seconds_max=0.4,
    )


def test_health_rows_land_in_source_health(fresh_database: ChdbWarehouse) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    rows = [
        row("enn", 0, "ok", 3),
        row("enn", 15, "error", 0, "http_503"),
        row("mea", 0, "degraded", 1, "no_links"),
    ]
    for _ in range(2):  # a retried insert changes nothing
        fresh_database.insert_rows(
            "source_health", [r.as_row() for r in rows], dedup_token="health-batch-1"
        )
    latest = fresh_database.query(
        "SELECT source_id, argMax(status, finished_at) AS status, "
        "max(last_success_at) AS last_success, argMax(last_error_reason, finished_at) AS reason, "
        "sum(documents_emitted) AS emitted, count() AS runs "
        "FROM source_health FINAL GROUP BY source_id ORDER BY source_id"
    )
    assert [
        (r["source_id"], r["status"], r["reason"], int(r["emitted"]), int(r["runs"]))
        for r in latest
    ] == [
        ("enn", "error", "http_503", 3, 2),
        ("mea", "degraded", "no_links", 1, 1),
    ]
    assert str(latest[0]["last_success"]).startswith("2026-03-12 04:00:03")
