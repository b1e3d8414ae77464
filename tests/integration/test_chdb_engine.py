"""chDB's engine as policywatch opens it: one engine, independent connections, no sources."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from schemas.errors import WarehouseError
from sinks.warehouse.chdb_driver import ChdbWarehouse


@pytest.fixture()
def two(chdb_dir: Path) -> Iterator[tuple[ChdbWarehouse, ChdbWarehouse]]:
    name = "eng_" + uuid.uuid4().hex[:10]
    first, second = ChdbWarehouse(chdb_dir, database=name), ChdbWarehouse(chdb_dir, database=name)
    yield first, second
    first.command(f"DROP DATABASE IF EXISTS {name}")
    second.close()


def test_output_of_a_query_that_failed_midway_never_reaches_the_next_one(
    two: tuple[ChdbWarehouse, ChdbWarehouse],
) -> None:
    """chDB 4.4 prepends what a failed query had written to the next query's output on the
    same connection; the connection is replaced after an error instead."""
    warehouse, _ = two
    with pytest.raises(WarehouseError, match="TOO_MANY_ROWS_OR_BYTES"):
        warehouse.query_raw(
            "SELECT number FROM numbers(1e7)",
            settings={"max_result_rows": 100_000, "result_overflow_mode": "throw"},
        )
    assert warehouse.query_raw("SELECT 42") == b"42\n"


def test_each_warehouse_has_its_own_connection_and_database(
    two: tuple[ChdbWarehouse, ChdbWarehouse], chdb_dir: Path
) -> None:
    first, second = two
    first.command("CREATE TABLE t (x UInt8) ENGINE = MergeTree ORDER BY x")
    first.insert_rows("t", [{"x": 1}])
    assert second.query("SELECT count() AS n FROM t") == [{"n": 1}]
    other = ChdbWarehouse(chdb_dir, database="system")
    try:
        assert other.query_raw("SELECT currentDatabase()") == b"system\n"
        assert first.query_raw("SELECT currentDatabase()") == f"{first.database}\n".encode()
    finally:
        other.close()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM file('/etc/hostname', 'LineAsString')",
        "SELECT * FROM url('http://127.0.0.1:9/x', 'CSV', 'a String')",
        "SELECT * FROM remote('127.0.0.1:9', system.one)",
    ],
)
def test_the_engine_refuses_sources_to_every_connection(
    two: tuple[ChdbWarehouse, ChdbWarehouse], sql: str
) -> None:
    warehouse, _ = two
    with pytest.raises(WarehouseError, match="ACCESS_DENIED"):
        warehouse.query_raw(sql)


def test_a_second_data_directory_in_one_process_is_refused(
    two: tuple[ChdbWarehouse, ChdbWarehouse], tmp_path: Path
) -> None:
    with pytest.raises(WarehouseError, match="one data directory per process"):
        ChdbWarehouse(tmp_path / "elsewhere")
