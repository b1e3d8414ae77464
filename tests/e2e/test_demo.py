"""`policywatch demo` end to end, twice on one data directory: every count stays the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.cli.demo import DEMO_CORPUS, run_demo
from ops.settings import load_settings


@pytest.mark.timeout(360)  # a stack start, and CI machines are slower
def test_demo_twice_leaves_every_count_unchanged(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "var")
    first_report, first = run_demo(settings)
    second_report, second = run_demo(settings)

    documents = sum(
        1 for line in (DEMO_CORPUS / "corpus.jsonl").read_text().splitlines() if line.strip()
    ) + len(list(DEMO_CORPUS.glob("*.txt")))
    assert first_report.documents == second_report.documents == documents
    assert [r for r, *_ in first_report.failed_items] == [
        str(DEMO_CORPUS / "zz_broken_record.jsonl") + ":1"
    ]
    [totals] = first["totals"]
    assert totals["documents"] == totals["classified"] == documents
    assert totals["dead_letters"] == 1
    assert first == second
    assert first["initiatives_per_week"] and first["top_actors"]
    assert first["new_initiatives"]  # the sample announces one the taxonomy lacks
    kinds = {r["source_kind"] for r in first["documents_by_source_kind"]}
    assert kinds == {"news", "official_statement"}
    # stories kept across the restart, titled; promises the classifier saw kept are met
    assert first["stories"] and all(r["title"] for r in first["stories"])
    statuses = {r["status"]: r for r in first["commitments_by_status"]}
    assert set(statuses) <= {"open", "met", "overdue"}
    assert statuses["met"]["commitments"] >= 1 and statuses["met"]["met_examples"]
