"""Stories span partitions and survive restarts: two workers, one story index in table state.

Documents are partitioned by id, so two reports of one event usually reach
different workers; and a worker that restarts must still know last week's stories.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from ops.runtime.access import endpoint_url
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from tests.e2e.test_crash_recovery import explain_stack, start_stack, stop
from tests.waiting import wait_for

#: Eight unrelated events, each told in three sentences; outlet "b" runs a light rewrite.
EVENTS = [
    (
        "Semiconductor talks in Tokyo",
        "Toshimitsu Motegi and S Jaishankar opened the 17th round of chip supply talks in Tokyo.",
        "Negotiators compared wafer fabrication subsidies and export licensing queues.",
        "A pilot packaging plant in Gujarat was named as the first joint venture.",
    ),
    (
        "Minerals stockpile plan",
        "India and Japan agreed in New Delhi to pool lithium and cobalt stockpiles.",
        "The Joint Working Group on Critical Minerals will oversee 9 refineries.",
        "Australian suppliers will be invited to a follow-up workshop on refining capacity.",
    ),
    (
        "Quad coast guards drill",
        "Coast guards of the Quad partners finished a rescue drill off Canberra's coast.",
        "Four patrol vessels and two aircraft rehearsed a mass-casualty ferry accident.",
        "Commanders said radio interoperability had improved since the previous exercise.",
    ),
    (
        "Hydrogen corridor financing",
        "Japanese lenders pledged 508 billion yen for a green hydrogen corridor from Kandla.",
        "The India-Japan Clean Energy Partnership funds electrolysers and tankers.",
        "Bankers warned that certification rules for low-carbon fuel remain unsettled.",
    ),
    (
        "Port of Chennai upgrade",
        "A Chennai container terminal will double its cranes under a Japan-backed loan.",
        "Under the Quad Ports of the Future Partnership, dredging reaches 16 metres.",
        "Dock workers' unions asked for retraining guarantees before automation begins.",
    ),
    (
        "Undersea cable security",
        "Officials from Sydney and Tokyo discussed protecting undersea cables after repeated cuts.",
        "The Quad Partnership for Cable Connectivity and Resilience funds repair ships.",
        "Insurers want clearer rules on liability for anchors dragged across cable routes.",
    ),
    (
        "Rare earth processing in Nagoya",
        "A Nagoya magnet maker signed a deal to process Indian rare earth oxides.",
        "Neodymium separation under the Quad Critical Minerals Initiative starts soon.",
        "Engineers expect the first permanent magnets for electric motors within 3 years.",
    ),
    (
        "Shipbuilding cooperation in Mumbai",
        "Mazagon dockyard and a Kure shipyard agreed to co-build two survey vessels in Mumbai.",
        "Hull blocks are built under the Special Strategic and Global Partnership.",
        "Apprentices from both yards will rotate through welding and outfitting courses.",
    ),
]


def report(event: tuple[str, str, str, str], outlet: str) -> str:
    """One outlet's account; the other's keeps the sentences and adds its own framing."""
    _title, *sentences = event
    if outlet == "a":
        return " ".join(sentences)
    return "Reporting from our correspondents. " + " ".join(sentences) + " More follows."


def record(i: int, outlet: str, hour: int) -> bytes:
    return (
        orjson.dumps(
            {
                "url": f"https://{outlet}-news.example/world/{i}",
                "title": EVENTS[i][0],
                "text": report(EVENTS[i], outlet),
                "published": f"2026-03-1{i % 8}T{hour:02d}:00:00+00:00",
                "source": {"id": f"{outlet}-news", "kind": "news", "name": outlet},
            }
        )
        + b"\n"
    )


def ingest(data_dir: Path, path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "ingest", str(path)],
        env={**os.environ, "POLICYWATCH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def stories(warehouse: ClickhouseWarehouse) -> dict[str, str]:
    rows = warehouse.query(
        "SELECT source_id, document_id, any(story_id) AS story FROM classifications FINAL "
        "GROUP BY source_id, document_id"
    )
    return {f"{r['source_id']}/{r['document_id']}": str(r["story"]) for r in rows}


@pytest.mark.timeout(360)  # a stack start, and CI machines are slower
def test_reports_on_two_workers_and_after_a_restart_share_their_story(tmp_path: Path) -> None:
    first = tmp_path / "first.jsonl"
    first.write_bytes(
        b"".join(record(i, "a", 6) for i in range(8))
        + b"".join(record(i, "b", 9) for i in range(4))
    )
    later = tmp_path / "later.jsonl"
    later.write_bytes(b"".join(record(i, "b", 9) for i in range(4, 8)))
    proc, run = start_stack(
        tmp_path,
        "up.log",
        {"POLICYWATCH_STREAMS__WORKERS": "2", "POLICYWATCH_KAFKA__PARTITIONS": "4"},
    )
    try:
        warehouse = ClickhouseWarehouse(endpoint_url(run["sql"], write=False))
        explain = explain_stack(tmp_path, warehouse)
        ingest(tmp_path, first)
        wait_for(lambda: len(stories(warehouse)) == 12, what="first batch stored", explain=explain)
        for name in ("worker", "worker-2"):
            os.kill(run["roles"][name]["pid"], signal.SIGKILL)

        def restarted() -> bool:
            roles = json.loads((tmp_path / "run.json").read_text())["roles"]
            return all(roles[n]["pid"] != run["roles"][n]["pid"] for n in ("worker", "worker-2"))

        wait_for(restarted, what="both workers restarted", explain=explain)
        ingest(tmp_path, later)
        wait_for(lambda: len(stories(warehouse)) == 16, what="second batch stored", explain=explain)
        by_doc = stories(warehouse)
        from schemas.ids import document_id_for_url

        def story(outlet: str, i: int) -> str:
            doc = document_id_for_url(f"https://{outlet}-news.example/world/{i}")
            return by_doc[f"{outlet}-news/{doc}"]

        for i in range(8):
            assert story("a", i) == story("b", i), f"event {i}: the two reports differ"
        assert len({story("a", i) for i in range(8)}) == 8, "different events were merged"
    finally:
        stop(proc)
