"""chDB's Native output re-framed for the client_protocol_version a client sends. Pure.

Clients that send client_protocol_version (clickhouse-connect's probe, clickhouse-go, so
Grafana) read a BlockInfo before each block and, from revision 54454, a has-custom-
serialization byte after each column's type; chDB's own Native has neither.
"""

from __future__ import annotations

import itertools
import struct

from sinks.warehouse.http_protocol import RequestRefused, tokens

# Bytes per value of the fixed-width types in Native (their parameters never change it).
_FIXED_WIDTH = {
    name: width
    for width, names in (
        (1, "UInt8 Int8 Bool Enum8 Nothing"),
        (2, "UInt16 Int16 Date Enum16 BFloat16"),
        (4, "UInt32 Int32 Float32 Date32 DateTime IPv4 Time Decimal32"),
        (8, "UInt64 Int64 Float64 DateTime64 Time64 Decimal64"),
        (16, "UInt128 Int128 UUID IPv6 Decimal128"),
        (32, "UInt256 Int256 Decimal256"),
    )
    for name in names.split()
}
_BLOCK_INFO = b"\x01\x00\x02\xff\xff\xff\xff\x00"  # is_overflows=false, bucket_num=-1
_LOW_CARDINALITY_REVISION = 54405
_CUSTOM_SERIALIZATION_REVISION = 54454


def native_for_revision(data: bytes, revision: int) -> bytes:
    """chDB's Native output (client revision 0) as ClickHouse writes it for ``revision``.

    Clients that send client_protocol_version (clickhouse-connect's probe, clickhouse-go, so
    Grafana) read a BlockInfo before each block and, from revision 54454, a has-custom-
    serialization byte after each column's type; chDB's own Native has neither.
    """
    out, pos = bytearray(), 0
    try:
        while pos < len(data):
            columns, header_end = _varint(data, pos)
            rows, header_end = _varint(data, header_end)
            out += _BLOCK_INFO + data[pos:header_end]
            pos = header_end
            for _ in range(columns):
                start = pos
                length, pos = _varint(data, pos)
                length, type_start = _varint(data, pos + length)
                pos = type_start + length
                type_name = data[type_start:pos].decode()
                if revision < _LOW_CARDINALITY_REVISION and "LowCardinality(" in type_name:
                    raise ValueError(f"{type_name} needs client_protocol_version >= 54405")
                out += data[start:pos] + (
                    b"\x00" if revision >= _CUSTOM_SERIALIZATION_REVISION else b""
                )
                start = pos
                if rows:  # every nested LowCardinality's 8-byte state prefix comes first
                    pos += 8 * type_name.count("LowCardinality(")
                    pos = _skip(data, pos, type_name, rows)
                out += data[start:pos]
    except (ValueError, IndexError, struct.error) as exc:
        raise RequestRefused(
            "NOT_IMPLEMENTED",
            f"cannot frame Native output for client_protocol_version={revision} ({exc}); cast such "
            "columns to String, or use another format such as RowBinaryWithNamesAndTypes",
        ) from exc
    return bytes(out)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        value, pos, shift = value | (byte & 0x7F) << shift, pos + 1, shift + 7
        if byte < 0x80:
            return value, pos


def _skip(data: bytes, pos: int, type_name: str, rows: int) -> int:
    """Where the Native data of ``rows`` values of ``type_name`` starting at ``pos`` ends."""
    base, args = _type_parts(type_name)
    if rows == 0:
        return pos
    if base in _FIXED_WIDTH or base.startswith("Interval"):
        return pos + rows * _FIXED_WIDTH.get(base, 8)
    if base == "Decimal":
        precision = int(args[0])
        return pos + rows * (
            4 if precision <= 9 else 8 if precision <= 18 else 16 if precision <= 38 else 32
        )
    if base == "FixedString":
        return pos + rows * int(args[0])
    if base == "String":
        for _ in range(rows):
            length, pos = _varint(data, pos)
            pos += length
        return pos
    if base == "Nullable":
        return _skip(data, pos + rows, args[0], rows)
    if base in ("Array", "Map"):  # offsets, then the elements (a Map's keys, then its values)
        total = struct.unpack_from("<Q", data, pos + 8 * rows - 8)[0]
        pos += 8 * rows
        for element in args:
            pos = _skip(data, pos, element, total)
        return pos
    if base == "Tuple":
        for element in args:
            pos = _skip(data, pos, _unnamed(element), rows)
        return pos
    if base == "LowCardinality":  # granules: flags, [new keys], indexes
        keys_type = _type_parts(args[0])[1][0] if args[0].startswith("Nullable(") else args[0]
        while rows > 0:
            flags, count = struct.unpack_from("<QQ", data, pos)
            pos += 8
            if flags & 1 << 9:  # HasAdditionalKeysBit
                pos = _skip(data, pos + 8, keys_type, count)
                count = struct.unpack_from("<Q", data, pos)[0]
            pos += 8 + count * (1 << (flags & 0xFF))
            rows -= count
        return pos
    if base == "SimpleAggregateFunction":
        return _skip(data, pos, args[-1], rows)
    raise ValueError(f"type {type_name} is not supported")


def _type_parts(type_name: str) -> tuple[str, list[str]]:
    """``Map(String, Array(UInt8))`` -> (``Map``, [``String``, ``Array(UInt8)``])."""
    base, paren, rest = type_name.partition("(")
    if not paren:
        return base.strip(), []
    inner = rest[: rest.rindex(")")]
    cuts = [t.start for t in tokens(inner) if t.depth == 0 and t.text == ","]
    return base.strip(), [
        inner[a + 1 : b].strip() for a, b in zip([-1, *cuts], [*cuts, len(inner)], strict=True)
    ]


def _unnamed(element: str) -> str:
    """A named Tuple element's type: ``a Nullable(String)`` -> ``Nullable(String)``."""
    first = list(itertools.islice(tokens(element), 2))
    if len(first) == 2 and first[1].start > first[0].end:
        return element[first[1].start :]
    return element
