"""Which IP addresses a delivery may reach: public unicast only. Pure: no I/O.

Python's ``is_global`` is not enough (it calls ``192.0.0.8`` global and looks only at the
outer IPv6 address), so the IANA special-purpose registries of both families are listed
here, every block of them refused, and IPv6 addresses that carry an IPv4 address
(IPv4-mapped, NAT64, 6to4, Teredo) are judged by the IPv4 address they lead to as well.
Outside those, an IPv6 address must lie in 2000::/3, the only block allocated for
global unicast.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Instance-metadata services: credentials live there. Refused unless listed exactly.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


def _blocks(category: str, *networks: str) -> list[tuple[ipaddress.IPv4Network, str]]:
    return [(ipaddress.IPv4Network(n), category) for n in networks]


def _blocks6(category: str, *networks: str) -> list[tuple[ipaddress.IPv6Network, str]]:
    return [(ipaddress.IPv6Network(n), category) for n in networks]


# IANA IPv4 Special-Purpose Address Registry (and multicast, 224.0.0.0/4), most specific first.
_IPV4_BLOCKS = [
    *_blocks("an unspecified address", "0.0.0.0/32"),
    *_blocks("a 'this network' address", "0.0.0.0/8"),
    *_blocks("a loopback address", "127.0.0.0/8"),
    *_blocks("a private address", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
    *_blocks("a CGNAT address", "100.64.0.0/10"),
    *_blocks("a link-local address", "169.254.0.0/16"),
    *_blocks("an IETF protocol assignment (192.0.0.0/24)", "192.0.0.0/24"),
    *_blocks("a documentation address", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"),
    *_blocks("an AS112 or AMT service address", "192.31.196.0/24", "192.52.193.0/24"),
    *_blocks("a 6to4 relay anycast address", "192.88.99.0/24"),
    *_blocks("an AS112 service address", "192.175.48.0/24"),
    *_blocks("a benchmarking address", "198.18.0.0/15"),
    *_blocks("a multicast address", "224.0.0.0/4"),
    *_blocks("a broadcast address", "255.255.255.255/32"),
    *_blocks("a reserved address", "240.0.0.0/4"),
]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_6TO4 = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")

# IANA IPv6 Special-Purpose Address Registry (and multicast, ff00::/8), most specific first.
_IPV6_BLOCKS = [
    *_blocks6("an unspecified address", "::/128"),
    *_blocks6("a loopback address", "::1/128"),
    *_blocks6("an IPv4-compatible address (deprecated)", "::/96"),
    *_blocks6("a local-use NAT64 address", "64:ff9b:1::/48"),
    *_blocks6("a discard-only address", "100::/64"),
    *_blocks6("a dummy address", "100:0:0:1::/64"),
    *_blocks6("a Teredo address", "2001::/32"),
    *_blocks6("an IETF protocol assignment (2001::/23)", "2001::/23"),
    *_blocks6("a documentation address", "2001:db8::/32", "3fff::/20"),
    *_blocks6("an SRv6 segment identifier", "5f00::/16"),
    *_blocks6("a private address", "fc00::/7"),
    *_blocks6("a link-local address", "fe80::/10"),
    *_blocks6("a site-local address (deprecated)", "fec0::/10"),
    *_blocks6("a multicast address", "ff00::/8"),
]


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address leads to, and how (None for plain IPv6)."""
    value = int(address)
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, "IPv4-mapped"
    if address in _NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF), "NAT64"
    if address in _6TO4:
        return ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF), "6to4"
    if address in _TEREDO:  # the client's address, obfuscated: its bits inverted
        return ipaddress.IPv4Address(~value & 0xFFFFFFFF), "Teredo"
    return None


def address_category(address: IPAddress) -> str | None:
    """Why ``address`` is not a public target (None when it is)."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv4Address):
        return next((c for block, c in _IPV4_BLOCKS if address in block), None)
    inner = embedded_ipv4(address)
    if inner is not None:
        ipv4, how = inner
        category = address_category(ipv4)
        if how == "IPv4-mapped":  # the same address, written in IPv6
            return category
        if category is not None:
            return f"{category} ({ipv4} via {how})"
    outer = next((c for block, c in _IPV6_BLOCKS if address in block), None)
    if outer is None and address not in _GLOBAL_UNICAST and address not in _NAT64:
        return "an address outside global unicast (2000::/3)"
    return outer
