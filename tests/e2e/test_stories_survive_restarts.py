"""Stories survive restarts of the whole embedded stack.

The story index lives in a Faust table whose changelog is on the broker, and the embedded
broker keeps topics in memory. `up` publishes the rows the warehouse kept back into the
changelog before the workers start, so after a normal stop and after kill -9 of every
process, re-ingested documents keep their stories and a new report of an old event joins
the old story whenever the classifier, reading everything in one uninterrupted run, puts
the two reports together.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from ops.access import endpoint_url
from schemas.ids import document_id_for_url
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.e2e.test_crash_recovery import explain_stack, start_stack, stop
from tests.e2e.test_embedded_stack import wait_for
from tests.e2e.test_stories_across_workers import ingest, record
from tests.warehouse_fixture import fixture_rows

FIRST = 12  # eight events told by outlet a, four of them also by outlet b


def classified_since_start(warehouse: ClickhouseWarehouse) -> int:
    """Records of policy.classified the sink stored since the broker (re)created the topic."""
    rows = warehouse.query(
        "SELECT sum(next_offset) AS n FROM (SELECT partition, max(next_offset) AS next_offset "
        "FROM sink_offsets WHERE topic = 'policy.classified' AND topic_id = "
        "(SELECT argMax(topic_id, updated_at) FROM sink_offsets "
        "WHERE topic = 'policy.classified') GROUP BY partition)"
    )
    return int(rows[0]["n"] or 0)


def stories_of(warehouse: ClickhouseWarehouse) -> dict[str, set[str]]:
    """Every story each document was ever given (all rows, merged or not)."""
    rows = warehouse.query(
        "SELECT document_id, groupUniqArray(story_id) AS stories FROM stories GROUP BY document_id"
    )
    return {str(r["document_id"]): set(r["stories"]) for r in rows}


def live_members(warehouse: ClickhouseWarehouse) -> int:
    rows = warehouse.query("SELECT count() AS n FROM story_members FINAL WHERE deleted = 0")
    return int(rows[0]["n"])


def doc(outlet: str, i: int) -> str:
    return document_id_for_url(f"https://{outlet}-news.example/world/{i}")


def groups(story_of: dict[str, str]) -> set[frozenset[str]]:
    """The documents of each story, whatever the stories' ids."""
    members: dict[str, set[str]] = {}
    for document, story in story_of.items():
        members.setdefault(story, set()).add(document)
    return {frozenset(m) for m in members.values()}


def grouped_without_restarts(*paths: Path) -> dict[str, str]:
    """Each document's story when the same pipeline reads the files in one run."""
    rows = fixture_rows(list(paths)).tables["classifications"]
    return {str(r["document_id"]): str(r["story_id"]) for r in rows}


@pytest.mark.timeout(600)  # three stack starts, and CI machines are slower
def test_documents_keep_their_stories_after_a_stop_and_after_kill_9(tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    first.write_bytes(
        b"".join(record(i, "a", 6) for i in range(8))
        + b"".join(record(i, "b", 9) for i in range(4))
    )
    # Read again, outlet b's reports first: without the old index, a report that comes
    # first founds a story of its own (story ids derive from the founding document).
    again_b = tmp_path / "again-b.jsonl"
    again_b.write_bytes(b"".join(record(i, "b", 9) for i in range(4)))
    again_a = tmp_path / "again-a.jsonl"
    again_a.write_bytes(b"".join(record(i, "a", 6) for i in range(8)))
    later = tmp_path / "later.jsonl"  # new reports of events 4-7, from outlet b
    later.write_bytes(b"".join(record(i, "b", 9) for i in range(4, 8)))

    proc, run = start_stack(tmp_path, "up.log")
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        ingest(tmp_path, first)
        wait_for(
            lambda: len(stories_of(warehouse)) == FIRST and live_members(warehouse) == FIRST,
            what="stories and the story index stored",
            explain=explain,
        )
        before = stories_of(warehouse)
        assert all(len(s) == 1 for s in before.values())
        reference = grouped_without_restarts(first, later)
        assert groups({d: next(iter(s)) for d, s in before.items()}) == groups(
            {d: reference[d] for d in before}
        ), "the stack grouped the first reports unlike one uninterrupted run"

        stop(proc)  # a normal stop
        proc, run = start_stack(tmp_path, "up-after-stop.log")
        assert "restored 12 story index rows" in (tmp_path / "up-after-stop.log").read_text()
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        ingest(tmp_path, again_b)
        wait_for(
            lambda: classified_since_start(warehouse) >= 4,
            what="outlet b's reports classified after the stop",
            explain=explain,
        )
        ingest(tmp_path, again_a)
        wait_for(
            lambda: classified_since_start(warehouse) >= FIRST,
            what="re-ingested documents classified after the stop",
            explain=explain,
        )
        assert stories_of(warehouse) == before, "a re-ingested document got another story"

        os.killpg(proc.pid, signal.SIGKILL)  # every process of the stack at once
        proc.wait(timeout=30)
        (tmp_path / "run.json").unlink()
        proc, run = start_stack(tmp_path, "up-after-kill.log")
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        ingest(tmp_path, later)
        wait_for(
            lambda: classified_since_start(warehouse) >= 4,
            what="new reports classified after kill -9",
            explain=explain,
        )
        ingest(tmp_path, again_b)
        ingest(tmp_path, again_a)
        wait_for(
            lambda: classified_since_start(warehouse) >= FIRST + 4,
            what="re-ingested and new documents classified after kill -9",
            explain=explain,
        )
        after = stories_of(warehouse)
        assert {d: after[d] for d in before} == before, "a document changed story after kill -9"
        # new reports of old events join the old stories as they would without restarts
        joined = [i for i in range(4, 8) if reference[doc("b", i)] == reference[doc("a", i)]]
        assert len(joined) >= 2, f"the classifier groups too few of events 4-7: {joined}"
        for i in range(4, 8):
            together = after[doc("b", i)] == after[doc("a", i)]
            assert together == (i in joined), f"event {i}: grouped {together} after kill -9"
    finally:
        stop(proc)
