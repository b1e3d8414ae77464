"""Request bodies of the embedded endpoint: Content-Encoding and multipart forms. Pure.

A body is inflated at most to the endpoint's size limit, whatever it claims, so a
compression bomb is a 413, not a full memory.
"""

from __future__ import annotations

import email.parser
import email.policy
import importlib
import zlib
from collections.abc import Callable
from typing import Any

from sinks.warehouse.http_protocol import RequestRefused


def _optional_module(*names: str) -> Any:
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    return None


_LZ4 = _optional_module("lz4.frame")
_ZSTD = _optional_module("compression.zstd", "backports.zstd")
_DECOMPRESSORS: dict[str, Callable[[], Any]] = {
    "gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "x-gzip": lambda: zlib.decompressobj(16 + zlib.MAX_WBITS),
    "deflate": zlib.decompressobj,  # ClickHouse's "deflate" is the zlib format
}
if _LZ4 is not None:
    _DECOMPRESSORS["lz4"] = _LZ4.LZ4FrameDecompressor
if _ZSTD is not None:
    _DECOMPRESSORS["zstd"] = _ZSTD.ZstdDecompressor


def too_large(limit: int) -> RequestRefused:
    return RequestRefused(
        "QUERY_IS_TOO_LARGE",
        f"request body is over this endpoint's limit of {limit} bytes (max_body_bytes); "
        "send the rows in smaller batches",
    )


def decode_body(data: bytes, encoding: str, limit: int) -> bytes:
    """The body without its Content-Encoding; at most ``limit`` bytes, whatever it inflates to."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity") or not data:
        return data
    make = _DECOMPRESSORS.get(encoding)
    if make is None:
        raise RequestRefused(
            "UNKNOWN_COMPRESSION_METHOD",
            f"Content-Encoding {encoding!r} is not supported by this endpoint; send the body "
            f"uncompressed or as one of: {', '.join(sorted(_DECOMPRESSORS))}",
            status=400,
        )
    out = bytearray()
    while data:  # lz4 and zstd clients send one frame per block
        decompressor = make()
        try:
            out += decompressor.decompress(data, limit + 1 - len(out))
        except Exception as exc:  # zlib.error, RuntimeError (lz4), ZstdError
            raise RequestRefused("CANNOT_DECOMPRESS", f"{encoding} body is corrupt: {exc}") from exc
        if len(out) > limit:
            raise too_large(limit)
        if not decompressor.eof:
            raise RequestRefused(
                "CANNOT_DECOMPRESS", f"{encoding} body ends mid-stream; resend it whole"
            )
        data = decompressor.unused_data
    return bytes(out)


def parse_multipart(body: bytes, content_type_header: str) -> list[tuple[str, str]]:
    """Form fields (``query``, ``param_x``) of a multipart body, as clients send long parameters."""
    head = f"Content-Type: {content_type_header}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: list[tuple[str, str]] = []
    for part in message.iter_parts():
        if part.get_filename():
            raise RequestRefused(
                "NOT_IMPLEMENTED",
                "external data tables (multipart file fields) are not supported by the embedded "
                "endpoint; insert the rows into a table first",
            )
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            try:
                fields.append((name, payload.decode("utf-8")))
            except UnicodeDecodeError as exc:
                raise RequestRefused("BAD_ARGUMENTS", f"form field {name!r} is not UTF-8") from exc
    return fields
