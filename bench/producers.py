"""Producers benchmark: pages/s from a local site through fetch -> extract -> produce.

Measures, in one run on this machine:
  * pipeline: 20 feeds linking N generated news pages (~50 KB of HTML each, with navigation,
    scripts and related links like a real article page) served by the local fixture
    server in its own process, harvested by the real Harvester (httpx, robots.txt,
    conditional GET, trafilatura, checkpoints) and published to a real Tansu broker,
    acknowledged;
  * baseline: trafilatura's own extraction (bare_extraction with the same options) on
    the same page bytes, serially, in the same process.
Our overhead, two ways: wall time, (pipeline - extraction) / extraction, with pages
extracted by ``--extract-workers`` processes as `POLICYWATCH_FETCH__EXTRACT_WORKERS` sets;
and CPU, the producer process's own CPU time (fetch, feed, events, publish, checkpoints:
everything but extraction) / extraction time.
Writes bench/results/producers.json and the "## Producers" section of docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from ops.broker import broker_ready  # noqa: E402
from ops.cli_sources import extraction_executor  # noqa: E402
from ops.ports import free_port, wait_until  # noqa: E402
from ops.process import stop_process  # noqa: E402
from ops.tansu import spawn_tansu  # noqa: E402
from ops.topics import ensure_topics  # noqa: E402
from producers.checkpoints import CheckpointStore  # noqa: E402
from producers.extract import DATE_PARAMS  # noqa: E402
from producers.fetch import FetchConfig, Fetcher  # noqa: E402
from producers.harvest import Harvester  # noqa: E402
from producers.outlets import KafkaOutlet  # noqa: E402
from producers.publish import Publisher  # noqa: E402
from producers.scheduler import run_once  # noqa: E402
from producers.sources import SourceConfig  # noqa: E402
from schemas.envelope import Producer  # noqa: E402
from schemas.topics import TopicNames  # noqa: E402

_VOCABULARY = (
    "India Japan Quad maritime supply chain minerals dialogue ministers Tokyo Delhi summit "
    "partnership security economic cooperation infrastructure investment railway semiconductor "
    "energy officials agreed reviewed progress talks delegation region ports shipping research"
)
WORDS = tuple(_VOCABULARY.split())
SECTION = "## Producers"
FEEDS = 20


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 26))).capitalize() + "."


def make_site(directory: Path, pages: int, seed: int = 7) -> list[str]:
    """``pages`` article pages, feeds linking them and robots.txt; returns their paths."""
    rng = random.Random(seed)
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
    related = "".join(
        f'<li><a href="/story/{i}"><img src="/i/{i}.jpg" alt="">Related story {i}</a></li>'
        for i in range(30)
    )
    script = "<script>" + "var tracking = {a: 1, b: [1, 2, 3]};" * 400 + "</script>"
    style = "<style>" + ".c{color:#333;margin:0 auto}" * 300 + "</style>"
    (directory / "articles").mkdir(parents=True)
    paths, items = [], []
    for i in range(pages):
        title = f"Story {i}: " + _sentence(rng)[:70]
        paras = "".join(
            f"<p>{_sentence(rng)} {_sentence(rng)} {_sentence(rng)}</p>"
            for _ in range(rng.randint(10, 18))
        )
        html = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="author" content="Reporter {i % 17}">'
            f'<meta property="article:published_time" '
            f'content="2026-03-{1 + i % 28:02d}T09:00:00+05:30">'
            f"{script}{style}</head><body><header><nav><ul>{nav}</ul></nav></header>"
            f'<div class="ad">Advertisement</div><article><h1>{title}</h1>'
            f'<p class="byline">By Reporter {i % 17}</p>{paras}</article>'
            f"<aside><ul>{related}</ul></aside><footer><ul>{nav}</ul></footer>{script}</body></html>"
        )
        path = f"/articles/{i}.html"
        (directory / path.lstrip("/")).write_text(html, encoding="utf-8")
        paths.append(path)
        items.append(
            f"<item><title>{title}</title><link>{{{{BASE}}}}{path}</link>"
            f"<pubDate>Thu, 12 Mar 2026 09:30:00 +0530</pubDate></item>"
        )
    for feed in range(FEEDS):  # several sources, as the producers role runs them
        (directory / f"feed-{feed}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench</title>'
            + "".join(items[feed::FEEDS])
            + "</channel></rss>",
            encoding="utf-8",
        )
    (directory / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths


def baseline(pages: list[bytes], base: str) -> float:
    """Seconds trafilatura alone takes for every page (same options as the producers)."""
    started = time.perf_counter()
    for i, page in enumerate(pages):
        trafilatura.bare_extraction(
            page.decode("utf-8"),
            url=f"{base}/articles/{i}.html",
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=DATE_PARAMS,
        )
    return time.perf_counter() - started


def pipeline(
    base: str, bootstrap: str, topics: TopicNames, pages: int, work: Path, executor: Any = None
) -> dict[str, Any]:
    sources = [
        SourceConfig(id=f"bench-{i}", kind="news", feed=f"{base}/feed-{i}.xml", max_items=pages)
        for i in range(FEEDS)
    ]
    config = FetchConfig(host_rate_per_s=0, host_concurrency=8, retries=0)
    publisher = Publisher(bootstrap)

    async def main() -> Any:
        async with Fetcher(config) as fetcher:
            harvester = Harvester(
                fetcher,
                KafkaOutlet(publisher, topics),
                producer=Producer(name="bench", version="1"),
                checkpoints=CheckpointStore(work / "checkpoints"),
                executor=executor,
            )
            return await run_once(sources, harvester)

    try:
        if executor is not None:  # start the workers before the clock
            executor.submit(abs, 0).result()
        cpu, started = time.process_time(), time.perf_counter()
        health = asyncio.run(main())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        publisher.close()
    emitted = sum(h.documents_emitted for h in health)
    if emitted != pages:
        raise RuntimeError(f"emitted {emitted} of {pages}: {health}")
    return {"seconds": seconds, "cpu_seconds": cpu}


def write_markdown(result: dict[str, Any]) -> None:
    """Replace only the Producers section of docs/BENCHMARKS.md, keeping its earlier rows."""
    path = ROOT / "docs" / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    head = "\n" + SECTION + " (local site → fetch → extract → produce)\n"
    table = (
        "| date | machine | pages | KB/page | extract workers | pipeline pages/s "
        "| trafilatura alone pages/s | overhead, wall | overhead, CPU (ms/page) | goal |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
    )
    cpu_ms = result["pipeline_cpu_seconds"] / result["pages"] * 1000
    row = (
        f"| {result['date']} | {result['machine']} | {result['pages']} "
        f"| {result['kb_per_page']:.0f} | {result['extract_workers']} "
        f"| {result['pages_per_s']:,.0f} | {result['baseline_pages_per_s']:,.0f} "
        f"| {result['overhead']:+.0%} | {result['overhead_cpu']:.0%} ({cpu_ms:.1f}) "
        f"| {result['goal']} |\n"
    )
    start = text.find("\n" + SECTION)
    old_rows = ""
    if start >= 0:
        end = text.find("\n## ", start + 1)
        section = text[start : end if end >= 0 else len(text)]
        old_rows = "".join(ln + "\n" for ln in section.splitlines() if ln.startswith("| 20"))
        text = text[:start] + (text[end:] if end >= 0 else "")
    body = (
        "\nMeasured by `python bench/producers.py` (in `make bench`). Pages are generated news "
        "pages of ~50 KB served by the fixture server in its own process; the pipeline is the "
        "real Harvester publishing to a real Tansu, every event acknowledged. Baseline: "
        "trafilatura's `bare_extraction` on the same bytes in the same run, serially. Overhead, "
        "wall: (pipeline time − extraction time) / extraction time, with extraction in "
        "`extract workers` processes (`POLICYWATCH_FETCH__EXTRACT_WORKERS`). Overhead, CPU: the "
        "producer process's own CPU time (HTTP, feed, events, publishing, checkpoints: all but "
        "extraction) / extraction time. Goal: ≥ 200 pages/s on 2 cores and overhead ≤ 25 % "
        "(the goal column says which overheads meet it).\n\n"
    )
    text = text.rstrip("\n") + "\n" + head + body + table + row + old_rows
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--extract-workers", type=int, default=2, help="0 = one thread")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pw-bench-producers-") as tmp:
        work = Path(tmp)
        paths = make_site(work / "site", args.pages)
        ready = work / "server.json"
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.fixtures.web.server", "--root", str(work / "site"),
             "--ready", str(ready), "--seconds", "900"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port = free_port()
        bootstrap = f"127.0.0.1:{port}"
        broker = spawn_tansu(port, work / "broker.log")
        try:
            if not wait_until(lambda: ready.exists() and broker_ready(bootstrap), 60):
                raise RuntimeError("fixture server or broker did not start")
            base = json.loads(ready.read_text())["base"]
            topics = TopicNames(
                documents="bench.producers.documents", deadletter="bench.producers.dl"
            )
            ensure_topics(bootstrap, [topics.documents, topics.deadletter], partitions=4)
            pages = [
                (work / "site" / p.lstrip("/")).read_bytes().replace(b"{{BASE}}", base.encode())
                for p in paths
            ]
            baseline(pages[:20], base)  # warm-up: imports, regex compilation
            extraction_s = baseline(pages, base)
            print(f"trafilatura alone: {len(pages) / extraction_s:,.0f} pages/s")
            executor = extraction_executor(args.extract_workers)
            try:
                run = pipeline(base, bootstrap, topics, len(pages), work, executor)
            finally:
                executor.shutdown()
            print(f"pipeline: {len(pages) / run['seconds']:,.0f} pages/s")
        finally:
            stop_process(broker)
            server.terminate()
            server.wait(timeout=30)
    overhead = (run["seconds"] - extraction_s) / extraction_s
    overhead_cpu = run["cpu_seconds"] / extraction_s
    rate = len(pages) / run["seconds"]
    met = [name for name, value in (("wall", overhead), ("CPU", overhead_cpu)) if value <= 0.25]
    goal = (
        "pages/s "
        + ("met" if rate >= 200 else "missed")
        + "; overhead "
        + (f"met ({', '.join(met)})" if met else "missed")
    )
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "pages": len(pages),
        "kb_per_page": sum(map(len, pages)) / len(pages) / 1024,
        "pipeline_seconds": run["seconds"],
        "pipeline_cpu_seconds": run["cpu_seconds"],
        "pages_per_s": len(pages) / run["seconds"],
        "baseline_seconds": extraction_s,
        "baseline_pages_per_s": len(pages) / extraction_s,
        "overhead": overhead,
        "overhead_cpu": overhead_cpu,
        "extract_workers": args.extract_workers,
        "goal": goal,
    }
    out = ROOT / "bench" / "results" / "producers.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    write_markdown(result)
    print(f"overhead: wall {overhead:+.0%}, CPU {overhead_cpu:.0%} of extraction time; {goal}")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
