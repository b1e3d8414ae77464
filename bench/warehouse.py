"""Warehouse benchmarks, each beside its baseline measured in the same run.

* sink rows/s (Kafka -> projection -> idempotent inserts -> stored positions) against a raw
  chDB JSONEachRow bulk insert of the same rows;
* trends, top actors, co-mentions and story sizes over 10M and 100M synthetic mentions: the
  fast counts (bench/aggregates.py) against a raw GROUP BY on the rows, same run;
* the ClickHouse HTTP endpoint's overhead against in-process queries.
Writes bench/results/warehouse.json and a section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.aggregates import GOAL_RATIO, QUERIES, measure  # noqa: E402
from bench.report import machine, replace_section  # noqa: E402
from ops.runtime.ports import (  # noqa: E402
    broker_ready,
    free_port,
    wait_until,
)
from ops.runtime.process import stop_process  # noqa: E402
from ops.runtime.tansu import spawn_tansu  # noqa: E402
from ops.runtime.topics import ensure_topics  # noqa: E402
from producers.publish import Outgoing, Publisher  # noqa: E402
from schemas.classification import ActorLabel, DocumentClassified, Evidence, InitiativeLabel  # noqa: E402
from schemas.codec import encode  # noqa: E402
from schemas.envelope import Producer  # noqa: E402
from sinks.consumer import PartitionReader, describe_topics  # noqa: E402
from sinks.projection import TableRows  # noqa: E402
from sinks.warehouse.base import json_each_row  # noqa: E402
from sinks.warehouse.chdb_driver import ChdbWarehouse  # noqa: E402
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse  # noqa: E402
from sinks.warehouse.endpoint.server import EndpointUser, WarehouseHttpServer  # noqa: E402
from sinks.warehouse.migrate import MIGRATIONS_DIR, migrate  # noqa: E402
from sinks.writer import SinkConfig, WarehouseSink  # noqa: E402

P = Producer(name="bench", version="1")
#: emptied before each point: what bench/aggregates.py fills
TRUNCATED = (
    "mentions",
    "classifications",
    "stories",
    "label_changes",
    "co_mention_changes",
    "story_ranks",
)


def classified_events(count: int) -> list[bytes]:
    ev = (Evidence(start=0, end=5, text="Quad."),)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for i in range(count):
        when = start + timedelta(minutes=7 * i)
        out.append(
            encode(
                DocumentClassified(
                    event_id=f"e{i}",
                    occurred_at=when,
                    observed_at=when,
                    producer=P,
                    trace_id=f"t{i}",
                    document_id=f"d{i:08d}",
                    revision="r1",
                    classifier_version="c1",
                    taxonomy_version="t1",
                    source_id=f"s{i % 20}",
                    source_kind="news",
                    relevant=True,
                    initiatives=tuple(
                        InitiativeLabel(
                            id=f"i{(i + k) % 40}", name="I", confidence=0.9, evidence=ev
                        )
                        for k in range(2)
                    ),
                    actors=tuple(
                        ActorLabel(id=f"a{(i + k) % 80}", name="A", confidence=0.9, evidence=ev)
                        for k in range(2)
                    ),
                    countries=("IN", "JP"),
                    story_id=f"s{i // 3}",
                )
            )
        )
    return out


RAW_RUNS = 3


def _classification_rows_written() -> float:
    """Classification rows the sink in this process has written (its metric)."""
    value = REGISTRY.get_sample_value("policywatch_sink_rows_total", {"table": "classifications"})
    return value or 0.0


def bench_sink(workdir: Path, warehouse: ChdbWarehouse, events: list[bytes]) -> dict[str, Any]:
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    broker = spawn_tansu(port, workdir / "broker.log")
    try:
        assert wait_until(lambda: broker_ready(bootstrap), 30)
        ensure_topics(bootstrap, ["b.documents", "b.classified", "b.deadletter"], 4)
        publisher = Publisher(bootstrap)
        publisher.publish([Outgoing("b.classified", None, e) for e in events])
        publisher.close()
        rows = TableRows()
        for e in events:
            rows.add_record(e)
        total_rows = sum(len(r) for r in rows.tables.values())
        sink = WarehouseSink(
            warehouse,
            PartitionReader(bootstrap, "bench", 5000),
            describe_topics(bootstrap, ["b.documents", "b.classified", "b.deadletter"]),
            SinkConfig(consumer="bench", batch_size=5000, batch_linger_ms=50),
        )
        thread = threading.Thread(target=sink.run, daemon=True)
        written = _classification_rows_written()
        started = time.perf_counter()
        thread.start()
        # the sink's own counter, not a count() query: chDB runs one query at a time, and
        # polling the table every 20 ms held the engine for a third of the sink's run
        while _classification_rows_written() - written < len(events):
            time.sleep(0.02)
        sink_s = time.perf_counter() - started
        held = warehouse.query("SELECT count() AS n FROM classifications")[0]["n"]
        assert int(held) == len(events), held
        sink.stop()
        thread.join(30)
    finally:
        stop_process(broker)
    # baseline: the same rows, one raw JSONEachRow insert per table, nothing else; the
    # median of three (a single insert of a few seconds moved by half from run to run)
    tables = {t: r for t, r in rows.tables.items() if r}
    raw_runs = []
    for attempt in range(RAW_RUNS):
        for table in tables:
            warehouse.command(f"CREATE TABLE raw{attempt}_{table} AS {table}")
        started = time.perf_counter()
        for table, table_rows in tables.items():
            warehouse.command(
                f"INSERT INTO raw{attempt}_{table} FORMAT JSONEachRow\n"
                + json_each_row(table_rows).decode()
            )
        raw_runs.append(time.perf_counter() - started)
    raw_s = statistics.median(raw_runs)
    return {
        "events": len(events),
        "rows": total_rows,
        "sink_rows_per_s": total_rows / sink_s,
        "raw_rows_per_s": total_rows / raw_s,
        "ratio": raw_s / sink_s,
    }


def timed(run: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    times.sort()
    return {"p50_ms": statistics.median(times) * 1000, "max_ms": times[-1] * 1000}


def bench_http(warehouse: ChdbWarehouse, repeat: int) -> dict[str, Any]:
    server = WarehouseHttpServer(warehouse, [EndpointUser("default", "", readonly=True)])
    server.start()
    try:
        client = ClickhouseWarehouse(
            f"clickhouse://default:@127.0.0.1:{server.port}/{warehouse.database}"
        )
        sql = QUERIES["top actors"][1]  # a raw read: the endpoint's cost shows
        small = "SELECT 1 AS one"
        result = {
            "in_process": timed(lambda: warehouse.query(sql), repeat),
            "http": timed(lambda: client.query(sql), repeat),
            "in_process_select_1": timed(lambda: warehouse.query(small), repeat),
            "http_select_1": timed(lambda: client.query(small), repeat),
        }
        client.close()
    finally:
        server.stop()
    result["overhead_ms"] = result["http"]["p50_ms"] - result["in_process"]["p50_ms"]
    return result


def markdown(r: dict[str, Any]) -> str:
    s, h = r["sink"], r["http"]
    lines = [
        f"Run {r['date']} on {r['machine']}.",
        "",
        "| measure | policywatch | baseline (same run) | ratio / goal |",
        "|---|---|---|---|",
        f"| sink rows/s ({s['events']:,} classified events, {s['rows']:,} rows, from Kafka, "
        "with the additive counts and the stories' rows read back per batch and sent as "
        "arrays under their column names, the next batch decoded while one is written; the "
        "end is read from the sink's own row counter, so no query competes for the engine) "
        f"| {s['sink_rows_per_s']:,.0f} "
        f"| raw JSONEachRow insert (median of 3) {s['raw_rows_per_s']:,.0f} "
        f"| {s['ratio']:.2f}x (goal ≥ 0.5x) |",
        f"| query through the HTTP endpoint, p50 | {h['http']['p50_ms']:.1f} ms "
        f"| in-process {h['in_process']['p50_ms']:.1f} ms "
        f"| +{h['overhead_ms']:.1f} ms (SELECT 1: {h['http_select_1']['p50_ms']:.1f} vs "
        f"{h['in_process_select_1']['p50_ms']:.1f} ms) |",
        "",
        "Counts (goal: the fast query in at most "
        f"{GOAL_RATIO:.0%} of the raw GROUP BY's time, both giving the same answer, which the "
        "benchmark checks). Fast: `sum(sign)` over the change tables' projections "
        "(docs/SQL.md); stories: the `story_summaries` view over every story and, for the last "
        "30 days of the data, the `story_summaries_between` view the stories dashboard reads: "
        "both read the one live row per story the sink keeps in `story_ranks` (with 10,000 "
        "stories' replaced rows and their cancel rows not yet merged), the most widely reported "
        "first and the latest first among equals; raw: `count()` "
        "(stories: `count()`, `uniqExact(source_id)`) over the mentions, classifications or "
        "stories themselves; the dashboards' panels against the SQL they ran before "
        "(`uniqExact` over `latest_mentions`, over the classifications `FINAL` or over the "
        "stories; a count of documents grouped over the changes): the actor "
        "table (the counts from the change tables with each listed actor's name, role, "
        "country and last mention from its mentions), actors by country (documents naming an "
        "actor of each country, and its actors), relevance by source (classified and "
        "relevant documents per source), documents naming the selected initiatives (the "
        "trends dashboard's stat, every initiative selected) and documents in stories; "
        "`policywatch query actors` and `query initiative` against the same reports counted "
        "over `latest_mentions`. "
        "Synthetic data generated inside chDB (bench/aggregates.py); p50 of "
        f"{r['repeat']} runs each, fewer where a query is slow (the runs column).",
        "",
        "| mentions | load (s) | question | fast p50 (ms) | raw GROUP BY p50 (ms) | runs "
        "| ratio | goal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for point in r["counts"]:
        for q in point["queries"]:
            lines.append(
                f"| {point['mentions']:,} | {point['load_seconds']:.0f} | {q['question']} "
                f"| {q['fast_p50_ms']:.1f} | {q['raw_p50_ms']:.1f} | {q['runs']} "
                f"| {q['ratio']:.1%} "
                f"| {'met' if q['met'] else 'not met'} |"
            )
    lines += ["", "Document-to-queryable latency is measured by the pipeline benchmark above.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument(
        "--mentions", type=int, nargs="+", default=[10_000_000, 100_000_000], help="points"
    )
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pw-bench-wh-") as tmp:
        workdir = Path(tmp)
        warehouse = ChdbWarehouse(workdir / "chdb", database="bench")
        migrate(warehouse, MIGRATIONS_DIR)
        sink = bench_sink(workdir, warehouse, classified_events(args.events))
        print(f"sink {sink['sink_rows_per_s']:,.0f} rows/s vs raw {sink['raw_rows_per_s']:,.0f}")
        counts = []
        for mentions in args.mentions:
            for table in TRUNCATED:
                warehouse.command(f"TRUNCATE TABLE {table}")
            counts.append(measure(warehouse, mentions, args.repeat))
        http = bench_http(warehouse, args.repeat)
        print(f"HTTP overhead {http['overhead_ms']:.1f} ms")
        warehouse.close()
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "sink": sink,
        "counts": counts,
        "repeat": args.repeat,
        "http": http,
    }
    out = ROOT / "bench" / "results" / "warehouse.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    replace_section("Warehouse", markdown(result))


if __name__ == "__main__":
    main()
