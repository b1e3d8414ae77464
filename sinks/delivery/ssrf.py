"""SSRF guard: a subscriber's URL must not make the worker reach inside the network.

The check runs where the socket is opened (:class:`AddressGuard`, which every HTTP
connection the worker makes goes through): the host is resolved once,
every address is checked (``sinks.delivery.addresses``: public unicast only), and the
connection goes to a checked address. A DNS answer that changes between a check and the
connect (rebinding) therefore cannot slip through; TLS still verifies the certificate
against the URL's host name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from schemas.errors import DeliveryError
from sinks.delivery.addresses import METADATA_ADDRESSES, IPAddress, address_category

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]

ALLOWED_SCHEMES = ("http", "https")


class RefusedTarget(DeliveryError):
    """A URL whose host resolves to an address policywatch will not connect to."""

    reason = "ssrf_refused"
    retriable = False

    def __init__(self, host: str, address: str, category: str) -> None:
        self.host = host
        self.address = address
        self.category = category
        super().__init__(
            f"{host} resolves to {address}, {category}; policywatch refuses private targets "
            "unless delivery.allow_networks lists them"
        )


class RefusedForm(DeliveryError):
    """A URL policywatch will never fetch (scheme, missing host)."""

    reason = "invalid_url"
    retriable = False


def redact_url(url: str) -> str:
    """``https://host/…``: enough to recognise an endpoint, without path, query or user info."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparseable URL>"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}/…"


def endpoint_host(url: str) -> str:
    """The host a URL names (the circuit-breaker and metrics key); never path or query."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def check_url_form(url: str, what: str) -> None:
    """Refuse what is not an absolute http(s) URL with a host, before any network use."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError:
        raise RefusedForm(
            f"{what} {redact_url(url)} is not a valid URL; fix the subscription's URL"
        ) from None
    if parts.scheme not in ALLOWED_SCHEMES:
        raise RefusedForm(
            f"{what} must use http or https, not {parts.scheme or 'no scheme'!r}; "
            "fix the subscription's URL"
        )
    if not parts.hostname:
        raise RefusedForm(f"{what} {redact_url(url)} has no host; fix the subscription's URL")


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses pass; non-public ones only through the allow-list.

    Allow-list entries are host names (matched against the URL's host) or
    addresses/CIDR networks (matched against each resolved address). A metadata
    address passes only when listed exactly, never through a wider network.
    """

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def host_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """The category that refuses ``address`` for ``host``, or None when it may be used."""
        category = address_category(address)
        if category is None or self.host_allowed(host):
            return None
        for network in self.networks:
            if address.version != network.version or address not in network:
                continue
            if address in METADATA_ADDRESSES and network.num_addresses > 1:
                continue
            return None
        return category


async def system_resolve(host: str, port: int) -> list[str]:
    """All addresses of ``host`` (getaddrinfo, without blocking the loop)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DeliveryError(
            f"cannot resolve {host}: {exc.strerror}; check the URL's host name",
            reason="dns_failed",
        ) from None
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    return addresses


def _parse(address: str) -> IPAddress:
    return ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id


class AddressGuard:
    """Resolves a host once and checks every address; the caller connects to one of them."""

    def __init__(self, policy: AddressPolicy, resolve: Resolver = system_resolve) -> None:
        self._policy = policy
        self._resolve = resolve

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        """Addresses ``host`` may be reached at; raises RefusedTarget if any is refused."""
        addresses = await self._resolve(host, port)
        if not addresses:
            raise DeliveryError(f"{host} has no address; check the URL's host name")
        for address in addresses:
            category = self._policy.refusal(host, _parse(address))
            if category is not None:
                raise RefusedTarget(host, address, category)
        return addresses
