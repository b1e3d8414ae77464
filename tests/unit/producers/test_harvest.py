"""Runs of sources against the local fixture site: what is emitted, once, and what is recorded."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from producers.checkpoints import CheckpointStore
from producers.fetch import Fetcher
from producers.harvest import Harvester
from producers.health import SourceHealth
from producers.scheduler import run_once
from producers.sources import SourceConfig
from schemas.envelope import Producer
from schemas.ids import document_id_for_url
from tests.fakes import MemoryHealthRecorder, MemoryOutlet
from tests.fixtures.web.server import ROOT, FixtureServer, Reply
from tests.unit.producers.conftest import FAST

PRODUCER = Producer(name="test", version="1")
ARTICLES = "/news/articles/"


def news(
    web: FixtureServer, source_id: str = "enn", path: str = "/news/feed.xml", **extra: Any
) -> SourceConfig:
    return SourceConfig.model_validate(
        {
            "id": source_id,
            "kind": "news",
            "name": "ENN",
            "country": "IN",
            "feed": web.url(path),
            **extra,
        }
    )


def mea(web: FixtureServer, **listing: Any) -> SourceConfig:
    return SourceConfig.model_validate(
        {
            "id": "mea",
            "kind": "official_statement",
            "country": "IN",
            "listing": {
                "url": web.url("/mea/press/index.html"),
                "link_selector": "ul.press-list li a",
                "next_selector": "a.next",
                "max_pages": 3,
                "content_selector": "div.statement-body",
                "title_selector": "h2.statement-title",
                "date_selector": "p.statement-date",
                **listing,
            },
        }
    )


class Rig:
    """A harvester as the producers role builds one, with an in-memory outlet and health."""

    def __init__(self, checkpoint_dir: Path | None, **config: Any) -> None:
        self.outlet = MemoryOutlet()
        self.health = MemoryHealthRecorder()
        self.store = CheckpointStore(checkpoint_dir) if checkpoint_dir else None
        self.config = dataclasses.replace(FAST, **config)

    def run(self, *sources: SourceConfig) -> list[SourceHealth]:
        async def main() -> list[SourceHealth]:
            async with Fetcher(self.config) as fetcher:
                harvester = Harvester(
                    fetcher,
                    self.outlet,
                    producer=PRODUCER,
                    checkpoints=self.store,
                    health=[self.health],
                )
                return await run_once(sources, harvester)

        return asyncio.run(main())


def test_a_feed_yields_one_event_per_article_with_extracted_fields(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    [health] = rig.run(news(web))
    docs = {d.title: d for d in rig.outlet.documents}
    assert len(docs) == 3 and rig.outlet.deadletters == []
    quad = docs["Quad foreign ministers agree maritime awareness push in Tokyo"]
    assert quad.document_id == document_id_for_url(web.url(ARTICLES + "quad-maritime-tokyo.html"))
    assert quad.url is not None and "utm_" not in quad.url
    assert quad.source.id == "enn" and quad.source.kind == "news" and quad.source.country == "IN"
    assert quad.authors == ("Meera Iyengar",) and quad.language == "en"
    assert (
        quad.published_at is not None
        and quad.published_at.isoformat() == "2026-03-12T04:00:00+00:00"
    )
    assert quad.occurred_at == quad.published_at and quad.observed_at > quad.published_at
    assert quad.body.startswith("TOKYO — Foreign ministers") and "Advertisement" not in quad.body
    assert quad.fetch.method == "http" and quad.fetch.extraction == "trafilatura"
    assert quad.document_type == "news_article"
    rail = docs["High-speed rail corridor reaches track-laying stage"]
    assert rail.fetch.extraction == "feed_summary:empty_document"  # the page had no body
    assert rail.body.startswith("Engineers on the Mumbai–Ahmedabad corridor")
    assert health.status == "degraded" and health.last_error_reason == "empty_document"
    assert (health.documents_emitted, health.dead_letters, health.requests) == (3, 0, 4)


def test_refetch_and_restart_emit_nothing_and_a_changed_article_is_a_new_revision(
    web: FixtureServer, tmp_path: Path
) -> None:
    Rig(tmp_path).run(news(web))
    article_hits = len([h for h in web.hits if h.path.startswith(ARTICLES)])

    restarted = Rig(tmp_path)  # a new process: only the checkpoint files carry over
    [health] = restarted.run(news(web))
    assert restarted.outlet.records == [] and health.documents_emitted == 0
    assert health.not_modified == 1 and health.status == "ok"  # the feed answered 304
    assert len([h for h in web.hits if h.path.startswith(ARTICLES)]) == article_hits

    page = (ROOT / "news/articles/minerals-working-group.html").read_text(encoding="utf-8")
    web.set(ARTICLES + "minerals-working-group.html", page.replace("early 2026", "April 2026"))
    feed = (ROOT / "news/feed.xml").read_text(encoding="utf-8")
    web.set(
        "/news/feed.xml",
        feed.replace("<title>Example News", "<title>ENN"),
        content_type="application/rss+xml",
    )
    first = Rig(tmp_path)
    Rig(tmp_path / "other").run(news(web))  # unrelated: another checkpoint dir sees all 3
    [health] = first.run(news(web))
    [changed] = first.outlet.documents
    assert "April 2026" in changed.body
    assert changed.document_id == document_id_for_url(
        web.url(ARTICLES + "minerals-working-group.html")
    )
    assert (health.documents_emitted, health.documents_unchanged) == (1, 2)
    conditional = [
        h for h in web.requests_to(ARTICLES + "quad-maritime-tokyo.html") if h.status == 304
    ]
    assert conditional, "unchanged articles are fetched conditionally"


def test_without_checkpoints_every_run_emits_everything_with_the_same_ids(
    web: FixtureServer,
) -> None:
    rig = Rig(None)
    rig.run(news(web))
    rig.run(news(web))
    ids = [d.event_id for d in rig.outlet.documents]
    assert len(ids) == 6 and len(set(ids)) == 3


def test_a_refused_publish_records_nothing_and_the_next_run_sends_it(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    rig.outlet.fail_next = 3
    [health] = rig.run(news(web))
    assert health.status == "error" and health.last_error_reason == "publish_failed"
    assert rig.outlet.records == []
    [health] = rig.run(news(web))
    assert health.documents_emitted == 3 and len(rig.outlet.documents) == 3


def test_a_transient_article_failure_is_retried_next_run_without_duplicates(
    web: FixtureServer, tmp_path: Path
) -> None:
    web.script(
        ARTICLES + "quad-analysis.html",
        [
            Reply(status=503),
            Reply(status=503),
            Reply(
                status=200,
                body=(ROOT / "news/articles/quad-analysis.html")
                .read_bytes()
                .replace(b"{{BASE}}", web.base.encode()),
            ),
        ],
    )
    rig = Rig(tmp_path)
    [health] = rig.run(news(web, "atom", "/news/atom.xml"))
    assert health.documents_emitted == 0 and health.last_error_reason == "http_503"
    [health] = rig.run(news(web, "atom", "/news/atom.xml"))
    assert health.documents_emitted == 1 and health.status == "ok"
    assert (
        web.requests_to("/news/atom.xml")[1].headers.get("If-None-Match") is None
    )  # not remembered
    [health] = rig.run(news(web, "atom", "/news/atom.xml"))
    assert health.not_modified == 1 and len(rig.outlet.documents) == 1


def test_official_listing_across_pages_with_types_and_dates(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    [health] = rig.run(mea(web))
    assert health.status == "ok", health.last_error_message
    docs = {d.document_type: d for d in rig.outlet.documents}
    assert set(docs) == {"joint_statement", "briefing", "press_release"}  # ?ref=archive folded
    joint = docs["joint_statement"]
    assert joint.source.kind == "official_statement" and joint.source.country == "IN"
    assert joint.title.startswith("Joint Statement on the India–Japan")
    assert joint.published_at is not None and joint.published_at.date().isoformat() == "2026-03-12"
    assert joint.fetch.extraction == "selector" and "Share:" not in joint.body
    assert docs["press_release"].published_at.date().isoformat() == "2026-03-05"  # type: ignore[union-attr]
    [health] = Rig(tmp_path).run(mea(web))
    assert health.documents_emitted == 0 and health.not_modified == 1


def test_a_listing_whose_selector_finds_nothing_fails_loudly(
    web: FixtureServer, tmp_path: Path
) -> None:
    [health] = Rig(tmp_path).run(mea(web, link_selector="div.redesigned a"))
    assert health.status == "error" and health.last_error_reason == "no_links"
    assert "update sources.yaml" in health.last_error_message


def test_a_gone_statement_is_dead_lettered_once_and_reported_when_it_recurs(
    web: FixtureServer, tmp_path: Path
) -> None:
    listing = (
        (ROOT / "mea/press/page-2.html")
        .read_text(encoding="utf-8")
        .replace("press-release-minerals.html", "withdrawn.html")
    )
    web.set("/mea/press/archive.html", listing, conditional=False)
    source = mea(web, url=web.url("/mea/press/archive.html"))
    rig = Rig(tmp_path)
    [first] = rig.run(source)
    [unchanged] = rig.run(source)  # same listing bytes: nothing revisited
    web.set("/mea/press/archive.html", listing + "\n", conditional=False)
    [second] = rig.run(source)
    [dead] = rig.outlet.deadletters
    assert dead.stage == "fetch" and dead.reason == "http_404" and "withdrawn.html" in dead.error
    assert (first.dead_letters, unchanged.requests, second.dead_letters) == (1, 1, 0)
    assert second.status == "degraded" and second.last_error_reason == "http_404"


def test_a_broken_source_never_stops_the_others(web: FixtureServer, tmp_path: Path) -> None:
    web.script("/news/boom.xml", [Reply(status=500)])
    sources = [
        news(web, "bomb", "/broken/bomb.xml"),
        news(web, "gone", "/news/missing.xml"),
        news(web, "boom", "/news/boom.xml"),
        SourceConfig(id="closed", kind="news", feed="http://127.0.0.1:9/rss.xml"),
        news(web, "notfeed", "/broken/not-a-feed.html"),
        news(web),
    ]
    health = {h.source_id: h for h in Rig(tmp_path, respect_robots=True).run(*sources)}
    assert {k: (h.status, h.last_error_reason) for k, h in health.items()} == {
        "bomb": ("error", "xml_entities_forbidden"),
        "gone": ("error", "http_404"),
        "boom": ("error", "http_500"),
        "closed": ("error", "robots_unavailable"),
        "notfeed": ("error", "not_a_feed"),
        "enn": ("degraded", "empty_document"),
    }
    assert health["enn"].documents_emitted == 3


def test_health_survives_a_restart_and_metrics_count(web: FixtureServer, tmp_path: Path) -> None:
    [ok] = Rig(tmp_path).run(news(web, "metered"))
    web.script("/news/feed.xml", [Reply(status=500)])
    [broken] = Rig(tmp_path).run(news(web, "metered"))
    assert broken.status == "error" and broken.last_success_at == ok.finished_at
    assert broken.documents_total == 3 and broken.last_error_reason == "http_500"
    row = broken.as_row()
    assert row["source_id"] == "metered" and row["last_success_at"] == ok.finished_at.isoformat()
    sample = REGISTRY.get_sample_value
    assert (
        sample("policywatch_source_documents_total", {"source": "metered", "outcome": "emitted"})
        == 3
    )
    assert sample("policywatch_source_up", {"source": "metered"}) == 0
    assert (
        sample("policywatch_source_errors_total", {"source": "metered", "reason": "http_500"}) == 1
    )
    assert sample(
        "policywatch_source_last_success_timestamp_seconds", {"source": "metered"}
    ) == pytest.approx(ok.finished_at.timestamp())


def test_a_damaged_checkpoint_is_reported_and_re_emits_the_same_events(
    web: FixtureServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)
    rig.run(news(web, "damaged"))
    assert rig.store is not None
    rig.store.path_for("damaged").write_text("{truncated", encoding="utf-8")
    [health] = rig.run(news(web, "damaged"))
    assert health.status == "degraded" and health.documents_emitted == 3
    reasons = {"source": "damaged", "reason": "checkpoint_damaged"}
    assert REGISTRY.get_sample_value("policywatch_source_errors_total", reasons) == 1
    assert len(rig.outlet.documents) == 6 and len({d.event_id for d in rig.outlet.documents}) == 3
    assert len(list(tmp_path.glob("damaged.json.damaged-*"))) == 1
