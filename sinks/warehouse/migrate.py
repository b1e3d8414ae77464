"""Numbered ``NNN_name.sql`` migrations, applied in order, each once, recorded.

Statements are idempotent (``IF NOT EXISTS``), so a crash half-way through a file
is repaired by running the migration again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from schemas.errors import WarehouseError
from sinks.warehouse.base import Warehouse

log = logging.getLogger(__name__)
#: The schema, as numbered migrations beside the drivers and the writer that depend on it.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version     UInt32,
    name        String,
    checksum    String,
    applied_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:16]

    def statements(self) -> list[str]:
        """Split on ``;`` at line ends; comment lines are dropped."""
        lines = [ln for ln in self.sql.splitlines() if not ln.strip().startswith("--")]
        parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
        return [p.strip() for p in parts if p.strip()]


def discover(directory: Path) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise WarehouseError(
                f"{path}: migration files are named NNN_name.sql (e.g. 006_alerts.sql)",
                reason="bad_migration",
            )
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise WarehouseError(f"{directory}: two migrations share a number", reason="bad_migration")
    return migrations


def applied_versions(warehouse: Warehouse) -> dict[int, str]:
    warehouse.command(_LEDGER)
    rows = warehouse.query(
        "SELECT version, argMax(checksum, applied_at) AS checksum "
        "FROM schema_migrations GROUP BY version"
    )
    return {int(r["version"]): str(r["checksum"]) for r in rows}


def migrate(warehouse: Warehouse, directory: Path) -> list[Migration]:
    """Apply the migrations not yet recorded; returns those applied now."""
    done = applied_versions(warehouse)
    applied = []
    for migration in discover(directory):
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                log.warning(
                    "migration %03d_%s changed after it was applied; write a new migration "
                    "instead of editing an applied one",
                    migration.version,
                    migration.name,
                )
            continue
        for statement in migration.statements():
            warehouse.command(statement)
        warehouse.insert_rows(
            "schema_migrations",
            [
                {
                    "version": migration.version,
                    "name": migration.name,
                    "checksum": migration.checksum,
                }
            ],
        )
        log.info("applied migration %03d_%s", migration.version, migration.name)
        applied.append(migration)
    return applied
