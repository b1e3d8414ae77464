"""A batch of rows reaches chDB as written, whatever its text holds (real chDB): the sink
sends a batch as JSON objects separated by commas, one encoder call for the batch."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sinks.warehouse.base import EncodedRows
from sinks.warehouse.chdb_driver import ChdbWarehouse

HOSTILE = [
    'a "quoted" title, with commas',
    '}, {"id": 99} ,{',  # what the separator looks like, inside a value
    "line one\nline two\r\n\ttabbed",
    "back\\slash and it's",
    "日豪安全保障協力共同宣言 — “curly” ✓",
    "",
]


def _rows() -> list[dict[str, object]]:
    return [
        {
            "id": i,
            "title": text,
            "tags": [text, "x,y"],
            "seen": datetime(2026, 1, 2, 3, 4, 5, 250000, tzinfo=UTC),
        }
        for i, text in enumerate(HOSTILE)
    ]


@pytest.mark.parametrize(
    "batch", [_rows(), tuple(_rows()), EncodedRows(_rows())], ids=["list", "tuple", "encoded"]
)
def test_every_row_of_a_batch_is_stored_as_written(
    fresh_database: ChdbWarehouse, batch: object
) -> None:
    fresh_database.command(
        "CREATE TABLE rows (id UInt64, title String, tags Array(String), "
        "seen DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id"
    )
    fresh_database.insert_rows("rows", batch)  # type: ignore[arg-type]
    stored = fresh_database.query(
        "SELECT id, title, tags, toString(seen) AS seen FROM rows ORDER BY id"
    )
    assert stored == [
        {"id": i, "title": text, "tags": [text, "x,y"], "seen": "2026-01-02 03:04:05.250"}
        for i, text in enumerate(HOSTILE)
    ]
