"""Fixtures of the producer tests: the local web fixture server and a fast, strict fetch config."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from producers.fetch import FetchConfig
from tests.fixtures.web.server import FixtureServer

#: tests wait milliseconds, not seconds, yet every limit is exercised
FAST = FetchConfig(
    user_agent="policywatch-test/1 (+https://policywatch.example/bot)",
    connect_timeout_s=2.0,
    read_timeout_s=0.5,
    total_timeout_s=5.0,
    max_body_bytes=512 * 1024,
    max_redirects=3,
    retries=1,
    backoff_s=0.01,
    backoff_max_s=0.05,
    retry_after_max_s=2.0,
    host_rate_per_s=0,
    host_concurrency=4,
)


@pytest.fixture()
def web() -> Iterator[FixtureServer]:
    with FixtureServer() as server:
        yield server
