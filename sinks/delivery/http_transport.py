"""The only HTTP client of delivery: SSRF-guarded connects, no proxies, no redirects.

Proxies from the environment are ignored (a proxy would connect on our behalf,
past the address check), redirects are not followed (a 3xx is a final answer),
and a response body is read only up to ``max_response_bytes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpcore
import httpx

from sinks.delivery.ssrf import AddressPolicy, GuardedBackend, Resolver, system_resolve


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with a connection pool whose every socket passes the SSRF guard."""

    def __init__(self, backend: GuardedBackend, *, connections_per_host: int) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=None,
            max_keepalive_connections=max(4, connections_per_host * 4),
            keepalive_expiry=30.0,
            network_backend=backend,
        )


def guarded_client(
    policy: AddressPolicy,
    *,
    timeout_s: float,
    connections_per_host: int,
    user_agent: str,
    resolve: Resolver = system_resolve,
) -> httpx.AsyncClient:
    transport = GuardedTransport(
        GuardedBackend(policy, resolve), connections_per_host=connections_per_host
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": user_agent},
    )


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None
    body: bytes


async def post_capped(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: dict[str, str],
    max_response_bytes: int,
) -> Answer:
    """POST and read at most ``max_response_bytes`` of the answer (the rest is dropped)."""
    async with client.stream("POST", url, content=body, headers=headers) as response:
        received = bytearray()
        async for chunk in response.aiter_raw():
            received += chunk[: max_response_bytes - len(received)]
            if len(received) >= max_response_bytes:
                break
        return Answer(response.status_code, response.headers.get("retry-after"), bytes(received))
