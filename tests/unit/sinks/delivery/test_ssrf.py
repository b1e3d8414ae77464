"""SSRF guard: address categories, the allow-list, and the check at connect time."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from sinks.delivery.http_transport import guarded_client
from sinks.delivery.ssrf import (
    AddressGuard,
    AddressPolicy,
    RefusedForm,
    RefusedTarget,
    address_category,
    check_url_form,
    redact_url,
)
from tests.delivery_receivers import Route, WebhookReceiver


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.8.9.10", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.5.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("169.254.10.1", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("::", "an unspecified address"),
        ("0.1.2.3", "a 'this network' address"),
        ("100.64.0.1", "a CGNAT address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a broadcast address"),
        # 192.0.0.0/24: Python's is_global says True for 192.0.0.8 and the anycast ones
        ("192.0.0.8", "an IETF protocol assignment (192.0.0.0/24)"),
        ("192.0.0.9", "an IETF protocol assignment (192.0.0.0/24)"),
        ("192.0.0.170", "an IETF protocol assignment (192.0.0.0/24)"),
        ("192.0.2.10", "a documentation address"),
        ("198.51.100.7", "a documentation address"),
        ("203.0.113.9", "a documentation address"),
        ("198.18.0.1", "a benchmarking address"),
        ("192.88.99.1", "a 6to4 relay anycast address"),
        ("192.31.196.1", "an AS112 or AMT service address"),
        ("192.175.48.1", "an AS112 service address"),
        # IPv6 addresses that lead to an IPv4 address are judged by it too
        ("::ffff:10.0.0.1", "a private address"),
        ("64:ff9b::a00:1", "a private address (10.0.0.1 via NAT64)"),
        ("64:ff9b::a9fe:a9fe", "a cloud metadata address (169.254.169.254 via NAT64)"),
        ("2002:a00:1::", "a private address (10.0.0.1 via 6to4)"),
        ("2002:a9fe:a9fe::", "a cloud metadata address (169.254.169.254 via 6to4)"),
        ("2002:7f00:1::1", "a loopback address (127.0.0.1 via 6to4)"),
        ("2002:6440:1::", "a CGNAT address (100.64.0.1 via 6to4)"),
        ("2002:c000:8::", "an IETF protocol assignment (192.0.0.0/24) (192.0.0.8 via 6to4)"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "a private address (10.0.0.1 via Teredo)"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "a loopback address (127.0.0.1 via Teredo)"),
        (
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "a documentation address (192.0.2.45 via Teredo)",
        ),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "a Teredo address"),  # client 8.8.8.8
        ("64:ff9b:1::a00:1", "a local-use NAT64 address"),
        ("::a00:1", "an IPv4-compatible address (deprecated)"),
        ("100::1", "a discard-only address"),
        ("100:0:0:1::1", "a dummy address"),
        ("2001:2::1", "an IETF protocol assignment (2001::/23)"),
        ("2001:db8::1", "a documentation address"),
        ("3fff::1", "a documentation address"),
        ("5f00::1", "an SRv6 segment identifier"),
        ("fec0::1", "a site-local address (deprecated)"),
        ("4000::1", "an address outside global unicast (2000::/3)"),
        ("::ffff:0:a00:1", "an address outside global unicast (2000::/3)"),
        # public
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2606:4700:4700::1111", None),
        ("64:ff9b::808:808", None),  # NAT64 of 8.8.8.8
        ("2002:808:808::1", None),  # 6to4 of 8.8.8.8
    ],
)
def test_address_categories(address: str, category: str | None) -> None:
    assert address_category(ipaddress.ip_address(address)) == category


def test_an_allow_listed_network_admits_its_special_addresses() -> None:
    policy = AddressPolicy.from_entries(["2002:a00::/24", "192.0.0.0/24"])
    assert policy.refusal("x", ipaddress.ip_address("2002:a00:1::")) is None
    assert policy.refusal("x", ipaddress.ip_address("192.0.0.8")) is None
    assert policy.refusal("x", ipaddress.ip_address("2002:a9fe:a9fe::")) is not None


def test_allow_list_of_addresses_networks_and_host_names() -> None:
    policy = AddressPolicy.from_entries(["127.0.0.1", "10.0.0.0/8", "hooks.corp.internal", " "])
    ip = ipaddress.ip_address
    assert policy.refusal("x", ip("127.0.0.1")) is None
    assert policy.refusal("x", ip("127.0.0.2")) == "a loopback address"
    assert policy.refusal("x", ip("::1")) == "a loopback address"
    assert policy.refusal("x", ip("10.20.30.40")) is None
    assert policy.refusal("x", ip("192.168.0.1")) == "a private address"
    assert policy.refusal("HOOKS.corp.internal.", ip("192.168.0.1")) is None


def test_metadata_passes_only_when_listed_exactly() -> None:
    metadata = ipaddress.ip_address("169.254.169.254")
    wide = AddressPolicy.from_entries(["169.254.0.0/16"])
    assert wide.refusal("x", metadata) == "a cloud metadata address"
    assert wide.refusal("x", ipaddress.ip_address("169.254.1.1")) is None
    assert AddressPolicy.from_entries(["169.254.169.254"]).refusal("x", metadata) is None


def test_url_form_and_redaction() -> None:
    check_url_form("https://hooks.example.org/x?token=1", "webhook URL")
    for bad in ("ftp://hooks.example.org/", "file:///etc/passwd", "https:///nohost", "x"):
        with pytest.raises(RefusedForm):
            check_url_form(bad, "webhook URL")
    assert redact_url("https://user:pw@hooks.example.org:8443/T0/B1/xyz?token=s") == (
        "https://hooks.example.org:8443/…"
    )


async def _resolve_localhost(host: str, port: int) -> list[str]:
    return ["127.0.0.1"] if host != "mixed.example.test" else ["93.184.215.14", "127.0.0.1"]


def test_every_resolved_address_is_checked() -> None:
    guard = AddressGuard(AddressPolicy(), _resolve_localhost)
    with pytest.raises(RefusedTarget, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        asyncio.run(guard.checked_addresses("mixed.example.test", 443))


def test_a_real_name_resolving_to_loopback_is_refused_before_any_byte_is_sent() -> None:
    receiver = WebhookReceiver()
    receiver.routes["/hook"] = Route()

    async def post(url: str, allow: list[str]) -> int:
        policy = AddressPolicy.from_entries(allow)
        async with guarded_client(
            policy, timeout_s=5, connections_per_host=1, user_agent="t"
        ) as client:
            return (await client.post(url, b"{}", {}, 1024)).status

    try:
        for url in (receiver.url("/hook"), f"http://localhost:{receiver.port}/hook"):
            with pytest.raises(RefusedTarget) as caught:
                asyncio.run(post(url, []))
            assert caught.value.category == "a loopback address"
        assert receiver.all("/hook") == []
        assert asyncio.run(post(receiver.url("/hook"), ["127.0.0.1"])) == 200
    finally:
        receiver.close()


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup() -> None:
    """DNS rebinding: the name is resolved once, by the guard, and that address is used.

    ``hooks.example.test`` does not exist in real DNS; the request reaches the local
    receiver only because the connection uses the address the guard resolved and checked.
    """
    receiver = WebhookReceiver()
    receiver.routes["/hook"] = Route()
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    async def post() -> int:
        policy = AddressPolicy.from_entries(["127.0.0.0/8"])
        async with guarded_client(
            policy, timeout_s=5, connections_per_host=1, user_agent="t", resolve=resolve
        ) as client:
            answer = await client.post(
                f"http://hooks.example.test:{receiver.port}/hook", b"{}", {}, 1024
            )
            return answer.status

    try:
        assert asyncio.run(post()) == 200
        assert calls == ["hooks.example.test"]
        assert receiver.all("/hook")[0].headers["Host"] == f"hooks.example.test:{receiver.port}"
    finally:
        receiver.close()


def test_environment_proxies_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy would connect on the worker's behalf, past the address check."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")

    async def post() -> None:
        async with guarded_client(
            AddressPolicy(), timeout_s=5, connections_per_host=1, user_agent="t"
        ) as client:
            await client.post("http://10.255.0.1/hook", b"{}", {}, 1024)

    with pytest.raises(RefusedTarget, match=r"10\.255\.0\.1, a private address"):
        asyncio.run(post())
