"""The fetch layer against a real local HTTP server: politeness, limits and failures."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from itertools import pairwise
from typing import TypeVar

import pytest

from producers.fetch import Fetcher, FetchError, FetchResult, Validators
from schemas.retry_after import retry_after_seconds
from tests.fixtures.web.server import FixtureServer, Reply
from tests.unit.producers.conftest import FAST

T = TypeVar("T")


def run(coro: Callable[[Fetcher], Awaitable[T]], **config: object) -> T:
    async def main() -> T:
        async with Fetcher(dataclasses.replace(FAST, **config)) as fetcher:  # type: ignore[arg-type]
            return await coro(fetcher)

    return asyncio.run(main())


def get(url: str, validators: Validators | None = None, **config: object) -> FetchResult:
    return run(lambda f: f.get(url, validators), **config)


def failure(url: str, **config: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        get(url, **config)
    return caught.value


def test_a_page_with_validators_user_agent_and_a_304_on_refetch(web: FixtureServer) -> None:
    url = web.url("/news/articles/quad-analysis.html")
    first = get(url)
    assert first.status == 200 and b"Quad" in first.content
    assert first.media_type == "text/html" and first.charset == "utf-8"
    assert first.validators.etag and first.validators.last_modified
    again = get(url, first.validators)
    assert again.not_modified and again.content == b""
    hits = web.requests_to("/news/articles/quad-analysis.html")
    assert hits[0].headers["User-Agent"] == FAST.user_agent
    assert hits[1].headers["If-None-Match"] == first.validators.etag
    assert hits[1].headers["If-Modified-Since"] == first.validators.last_modified


def test_429_is_retried_after_the_servers_retry_after(web: FixtureServer) -> None:
    web.script(
        "/busy",
        [Reply(status=429, headers={"Retry-After": "1"}), Reply(body=b"<p>finally</p>")],
    )
    result = get(web.url("/busy"))
    assert result.content == b"<p>finally</p>" and result.attempts == 2
    first, second = web.requests_to("/busy")
    assert second.at - first.at >= 0.9  # waited as asked, not the 10 ms backoff


def test_5xx_is_retried_then_reported_as_retriable(web: FixtureServer) -> None:
    web.script("/flaky", [Reply(status=503), Reply(body=b"ok")])
    assert get(web.url("/flaky")).content == b"ok"
    web.script("/down", [Reply(status=500)])
    error = failure(web.url("/down"))
    assert (error.reason, error.retriable, error.status) == ("http_500", True, 500)
    assert len(web.requests_to("/down")) == 1 + FAST.retries


def test_a_retry_after_beyond_the_cap_is_not_waited_for(web: FixtureServer) -> None:
    web.script("/later", [Reply(status=503, headers={"Retry-After": "3600"})])
    error = failure(web.url("/later"))
    assert error.reason == "http_503" and error.retry_after == 3600
    assert len(web.requests_to("/later")) == 1


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "http_404"), (410, "http_410"), (403, "http_403")]
)
def test_client_errors_are_permanent_and_not_retried(
    web: FixtureServer, status: int, reason: str
) -> None:
    web.script("/gone", [Reply(status=status)])
    error = failure(web.url("/gone"))
    assert (error.reason, error.retriable) == (reason, False)
    assert len(web.requests_to("/gone")) == 1


def test_a_slow_server_times_out(web: FixtureServer) -> None:
    web.script("/slow", [Reply(body=b"late", delay_s=1.5)])
    error = failure(web.url("/slow"), retries=0)
    assert (error.reason, error.retriable) == ("timeout", True)
    assert "POLICYWATCH_FETCH__READ_TIMEOUT_S" in str(error)


def test_redirects_are_followed_and_capped_and_loops_caught(web: FixtureServer) -> None:
    web.script("/old", [Reply(status=301, headers={"Location": "/news/atom.xml"})])
    result = get(web.url("/old"))
    assert result.final_url == web.url("/news/atom.xml") and result.url == web.url("/old")
    web.script("/a", [Reply(status=302, headers={"Location": "/b"})])
    web.script("/b", [Reply(status=302, headers={"Location": "/a"})])
    assert failure(web.url("/a")).reason == "redirect_loop"
    for i in range(6):
        web.script(f"/hop{i}", [Reply(status=307, headers={"Location": f"/hop{i + 1}"})])
    error = failure(web.url("/hop0"))
    assert error.reason == "too_many_redirects" and "MAX_REDIRECTS" in str(error)
    web.script("/ftp", [Reply(status=302, headers={"Location": "ftp://files.example/x"})])
    assert failure(web.url("/ftp")).reason == "invalid_url"


def test_gigantic_bodies_are_cut_off(web: FixtureServer) -> None:
    web.script("/declared", [Reply(body=b"x" * (FAST.max_body_bytes + 1))])
    assert failure(web.url("/declared")).reason == "too_large"
    web.script("/endless", [Reply(endless=True)])
    error = failure(web.url("/endless"))
    assert error.reason == "too_large" and "MAX_BODY_BYTES" in str(error)


def test_robots_txt_is_obeyed(web: FixtureServer) -> None:
    async def both(fetcher: Fetcher) -> list[FetchResult | BaseException]:
        return await asyncio.gather(
            fetcher.get(web.url("/private/internal-memo.html")),
            fetcher.get(web.url("/news/atom.xml")),
            return_exceptions=True,
        )

    error, allowed = run(both)
    assert isinstance(error, FetchError) and isinstance(allowed, FetchResult)
    assert (error.reason, error.retriable) == ("robots_disallowed", False)
    assert web.requests_to("/private/internal-memo.html") == []
    assert allowed.status == 200
    assert len(web.requests_to("/robots.txt")) == 1  # one request per origin, shared
    assert get(web.url("/private/internal-memo.html"), respect_robots=False).status == 200


def test_robots_txt_for_our_agent_and_unavailable_robots(web: FixtureServer) -> None:
    web.set(
        "/robots.txt", "User-agent: policywatch-test\nDisallow: /news/\n", content_type="text/plain"
    )
    assert failure(web.url("/news/atom.xml")).reason == "robots_disallowed"
    web.script("/robots.txt", [Reply(status=503)])
    error = failure(web.url("/news/atom.xml"))
    assert (error.reason, error.retriable) == ("robots_unavailable", True)
    web.script("/robots.txt", [Reply(status=404)])
    assert get(web.url("/news/atom.xml")).status == 200  # no robots.txt: all allowed


def test_requests_to_one_host_are_spaced_by_its_rate_limit(web: FixtureServer) -> None:
    paths = [f"/news/articles/{n}.html" for n in ("quad-analysis", "minerals-working-group")] * 3

    async def many(fetcher: Fetcher) -> list[FetchResult]:
        fetcher.limit_host("127.0.0.1", 5.0, None)  # a source's own limit: 5 requests/s
        return await asyncio.gather(*(fetcher.get(web.url(p)) for p in paths))

    run(many, respect_robots=False, host_concurrency=8)
    starts = sorted(h.at for h in web.hits)
    assert len(starts) == 6
    gaps = [b - a for a, b in pairwise(starts)]
    assert min(gaps) >= 0.15  # 0.2 s apart, whatever the machine's speed


def test_concurrency_per_host_is_capped(web: FixtureServer) -> None:
    for i in range(6):
        web.script(f"/slow{i}", [Reply(body=b"ok", delay_s=0.2)])

    async def many(fetcher: Fetcher) -> list[FetchResult]:
        return await asyncio.gather(*(fetcher.get(web.url(f"/slow{i}")) for i in range(6)))

    run(many, respect_robots=False, host_concurrency=2)
    assert web.peak_in_flight == 2


def test_an_unreachable_host_fails_as_retriable(web: FixtureServer) -> None:
    error = failure("http://127.0.0.1:9/feed.xml", retries=0, respect_robots=False)
    assert (error.reason, error.retriable) == ("connect_failed", True)


def test_retry_after_forms() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    from datetime import UTC, datetime

    now = datetime(2026, 3, 12, 4, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 12 Mar 2026 04:00:30 GMT", now) == 30
