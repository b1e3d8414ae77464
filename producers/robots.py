"""robots.txt per origin, cached, read as RFC 9309 says.

A 2xx robots.txt is obeyed; a 4xx one (missing, forbidden) allows everything;
a 5xx or unreachable one disallows everything for now (the fetch fails as
retriable and is tried again on the next run). The body is capped at 512 KiB.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from producers.fetch_types import FetchError
from schemas.errors import SourceError

log = logging.getLogger(__name__)
ROBOTS_MAX_BYTES = 512 * 1024
#: fetches robots.txt of an origin: (HTTP status, body); raises SourceError when unreachable
RobotsGetter = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass
class _Entry:
    parser: RobotFileParser | None  # None: robots.txt unavailable (5xx, unreachable)
    expires: float


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_robots(body: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace").splitlines())
    return parser


class RobotsCache:
    """Answers "may we fetch this URL?" per origin; one robots.txt request per TTL."""

    def __init__(self, user_agent: str, ttl_s: float, getter: RobotsGetter) -> None:
        self._agent = user_agent
        self._ttl_s = ttl_s
        self._get = getter
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _entry(self, origin: str) -> _Entry:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._entries.get(origin)
            if entry is not None and entry.expires > time.monotonic():
                return entry
            try:
                status, body = await self._get(origin + "/robots.txt")
            except SourceError as exc:
                log.warning("robots.txt of %s unreachable (%s); not fetching there", origin, exc)
                entry = _Entry(None, time.monotonic() + min(60.0, self._ttl_s))
            else:
                if 200 <= status < 300:
                    entry = _Entry(parse_robots(body), time.monotonic() + self._ttl_s)
                elif 400 <= status < 500:
                    entry = _Entry(parse_robots(b""), time.monotonic() + self._ttl_s)
                else:
                    log.warning("robots.txt of %s answered %s; not fetching there", origin, status)
                    entry = _Entry(None, time.monotonic() + min(60.0, self._ttl_s))
            self._entries[origin] = entry
            return entry

    async def check(self, url: str) -> float | None:
        """The origin's Crawl-delay for us (None if unset); raises if the URL is off limits."""
        origin = origin_of(url)
        entry = await self._entry(origin)
        if entry.parser is None:
            raise FetchError(
                f"{url}: robots.txt of {origin} is unavailable (5xx or unreachable), which "
                "means no crawling for now; it is tried again on the next run",
                reason="robots_unavailable",
                retriable=True,
            )
        if not entry.parser.can_fetch(self._agent, url):
            raise FetchError(
                f"{url}: disallowed by {origin}/robots.txt for user agent {self._agent!r}; "
                "remove the source or ask the site owner",
                reason="robots_disallowed",
            )
        delay = entry.parser.crawl_delay(self._agent)
        return None if delay is None else float(delay)
