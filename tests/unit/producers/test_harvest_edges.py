"""Runs of sources, the edges: robots.txt, redirects, rate limits, worker processes."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from pathlib import Path

from producers.fetch import Fetcher
from producers.harvest import Harvester
from producers.health import SourceHealth
from schemas.ids import document_id_for_url
from tests.fixtures.web.server import ROOT, FixtureServer, Reply
from tests.unit.producers.test_harvest import ARTICLES, PRODUCER, Rig, mea, news


def test_robots_disallowed_articles_keep_the_feed_summary(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    [health] = rig.run(news(web, "robots", "/broken/robots-feed.xml"))
    [memo] = rig.outlet.documents
    assert memo.fetch.extraction == "feed_summary:robots_disallowed"
    assert web.requests_to("/private/internal-memo.html") == []
    assert health.last_error_reason == "robots_disallowed"


def test_a_redirected_article_gets_the_id_of_where_it_lives(
    web: FixtureServer, tmp_path: Path
) -> None:
    web.set(
        "/news/short.xml",
        '<rss version="2.0"><channel><title>t</title><item><title>Quad</title>'
        "<link>{{BASE}}/go/quad</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    web.script(
        "/go/quad", [Reply(status=301, headers={"Location": ARTICLES + "quad-analysis.html"})]
    )
    rig = Rig(tmp_path)
    rig.run(news(web, "short", "/news/short.xml"))
    [doc] = rig.outlet.documents
    assert doc.document_id == document_id_for_url(web.url(ARTICLES + "quad-analysis.html"))


def test_a_sources_own_rate_limit_spaces_its_requests(web: FixtureServer, tmp_path: Path) -> None:
    Rig(tmp_path, respect_robots=False).run(news(web, rate_limit="5/s"))
    starts = sorted(h.at for h in web.hits)
    assert len(starts) == 4
    assert min(b - a for a, b in pairwise(starts)) >= 0.15


def test_extraction_in_worker_processes_keeps_events_and_error_reasons(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:

        async def main() -> list[SourceHealth]:
            async with Fetcher(rig.config) as fetcher:
                harvester = Harvester(
                    fetcher, rig.outlet, producer=PRODUCER, checkpoints=rig.store, executor=pool
                )
                return [
                    await harvester.run(news(web)),
                    await harvester.run(mea(web, content_selector="div.gone")),
                ]

        feed, listing = asyncio.run(main())
    assert feed.documents_emitted == 3 and feed.last_error_reason == "empty_document"
    assert listing.dead_letters == 3 and {d.reason for d in rig.outlet.deadletters} == {
        "empty_document"
    }


def test_a_site_without_validators_is_skipped_when_its_feed_is_unchanged(
    web: FixtureServer, tmp_path: Path
) -> None:
    feed = (ROOT / "news/atom.xml").read_text(encoding="utf-8")
    web.set("/news/plain.xml", feed, content_type="application/atom+xml", conditional=False)
    rig = Rig(tmp_path)
    [first] = rig.run(news(web, "plain", "/news/plain.xml"))
    [second] = rig.run(news(web, "plain", "/news/plain.xml"))
    assert (first.documents_emitted, second.documents_emitted) == (1, 0)
    assert second.requests == 1  # the feed only: same bytes as last time, nothing to revisit
    changed = feed.replace("Example Policy Review<", "Example Policy Review (weekly)<")
    web.set("/news/plain.xml", changed, content_type="application/atom+xml", conditional=False)
    [third] = rig.run(news(web, "plain", "/news/plain.xml"))
    assert third.requests == 2 and third.documents_unchanged == 1
