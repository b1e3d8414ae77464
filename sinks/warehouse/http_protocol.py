"""ClickHouse HTTP protocol rules for the embedded endpoint. Pure: no I/O, no chDB.

Statements are classified from ClickHouse's own canonical text (``formatQuerySingleLine``,
run by the server module), so the small lexer here only has to find where an INSERT's
inline data starts and where a canonical statement's FORMAT and SETTINGS clauses are.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import importlib
import itertools
import re
import struct
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from schemas.errors import WarehouseError


def _words(text: str) -> list[str]:
    """The names in a whitespace-separated list (keeps the long tables below readable)."""
    return text.split()


# Status of each ClickHouse error name, as in ClickHouse's exceptionCodeToHTTPStatus.cpp;
# every other error is a 500.
_STATUS_OF_NAME: dict[str, int] = {
    "REQUIRED_PASSWORD": 401,
    **dict.fromkeys(
        _words(
            "UNKNOWN_USER WRONG_PASSWORD AUTHENTICATION_FAILED SET_NON_GRANTED_ROLE ACCESS_DENIED"
        ),
        403,
    ),
    **dict.fromkeys(
        _words(
            """BAD_ARGUMENTS CANNOT_COMPILE_REGEXP CANNOT_PARSE_TEXT CANNOT_PARSE_ESCAPE_SEQUENCE
            CANNOT_PARSE_QUOTED_STRING CANNOT_PARSE_DATE CANNOT_PARSE_DATETIME CANNOT_PARSE_NUMBER
            CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING CANNOT_PARSE_IPV4 CANNOT_PARSE_IPV6
            CANNOT_PARSE_UUID CANNOT_PARSE_INPUT_ASSERTION_FAILED DUPLICATE_COLUMN ILLEGAL_COLUMN
            UNKNOWN_ELEMENT_IN_AST UNKNOWN_TYPE_OF_AST_NODE THERE_IS_NO_COLUMN TOO_DEEP_AST
            TOO_BIG_AST UNEXPECTED_AST_STRUCTURE SYNTAX_ERROR INCORRECT_DATA TYPE_MISMATCH
            VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE"""
        ),
        400,
    ),
    **dict.fromkeys(
        _words(
            """UNKNOWN_TABLE UNKNOWN_FUNCTION UNKNOWN_IDENTIFIER UNKNOWN_TYPE UNKNOWN_STORAGE
            UNKNOWN_DATABASE UNKNOWN_SETTING UNKNOWN_DIRECTION_OF_SORTING UNKNOWN_AGGREGATE_FUNCTION
            UNKNOWN_FORMAT UNKNOWN_DATABASE_ENGINE UNKNOWN_TYPE_OF_QUERY UNKNOWN_ROLE"""
        ),
        404,
    ),
    "QUERY_IS_TOO_LARGE": 413,
    "NOT_IMPLEMENTED": 501,
    "SOCKET_TIMEOUT": 503,
    "CANNOT_OPEN_FILE": 503,
    "HTTP_LENGTH_REQUIRED": 411,
    "TIMEOUT_EXCEEDED": 408,
    "CANNOT_SCHEDULE_TASK": 503,
    "UNSUPPORTED_MEDIA_TYPE": 415,
}
_CODES = {
    "BAD_ARGUMENTS": 36,
    "NOT_IMPLEMENTED": 48,
    "SYNTAX_ERROR": 62,
    "UNKNOWN_COMPRESSION_METHOD": 89,
    "READONLY": 164,
    "QUERY_IS_TOO_LARGE": 229,
    "CANNOT_DECOMPRESS": 271,
    "INTO_OUTFILE_NOT_ALLOWED": 358,
    "AUTHENTICATION_FAILED": 516,
}
# URL parameters of the HTTP transport itself, never forwarded as query settings.
TRANSPORT_PARAMS = frozenset(
    _words(
        """query database default_format query_id session_id session_timeout session_check
        compress decompress enable_http_compression http_zlib_compression_level wait_end_of_query
        send_progress_in_http_headers http_headers_progress_interval_ms user password quota_key
        client_protocol_version cancel_http_readonly_queries_on_client_close buffer_size role
        http_response_buffer_size http_wait_end_of_query add_http_cors_header stacktrace
        http_native_compression_disable_checksumming_on_decompress"""
    )
)
READ_KINDS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN"})
# Settings a read-only caller may not pass: each would lift a restriction.
_LOCKED_SETTINGS = frozenset({"readonly", "profile", "allow_ddl", "allow_introspection_functions"})
_NAME = re.compile(r"[A-Za-z0-9_]+")
_SETTINGS_CLAUSE = re.compile(r"\bSETTINGS\s+\S+\s*=")
_SCAN = re.compile(
    r"(?P<space>[ \t\n\r\f\v]+)"
    r"|(?P<comment>(?:--|#[ !])[^\n]*)"
    r"|(?P<quoted>'(?:\\.|''|[^'\\])*(?:'|\Z)|\"(?:\\.|\"\"|[^\"\\])*(?:\"|\Z)"
    r"|`(?:\\.|``|[^`\\])*(?:`|\Z))"
    r"|(?P<heredoc>\$(?P<tag>\w*)\$.*?(?:\$(?P=tag)\$|\Z))"
    r"|(?P<word>(?:\w|[^\x00-\x7f])+)",
    re.DOTALL,
)


class RequestRefused(WarehouseError):
    """A request the endpoint answers with a ClickHouse-style error of its own."""

    def __init__(self, name: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message, reason="http_" + name.lower())
        self.name = name
        self.code = _CODES[name]
        self.status = status or _STATUS_OF_NAME.get(name, 500)

    def body(self) -> str:
        return f"Code: {self.code}. DB::Exception: {self}. ({self.name})"


def engine_error(message: str) -> tuple[int, int, str]:
    """(HTTP status, ClickHouse code, message) of a chDB error, minus our wrapper query."""
    code_match = re.search(r"Code: (\d+)\.", message)
    names = re.findall(r"\(([A-Z][A-Z0-9_]+)\)", message)
    name = names[-1] if names else ""
    wrapper = message.find(": In scope SELECT formatQuerySingleLine(")
    if wrapper >= 0:
        message = message[:wrapper].rstrip(" .") + f". ({name})"
    code = int(code_match.group(1)) if code_match else 1000
    return _STATUS_OF_NAME.get(name, 500), code, message


def readonly_refusal(user: str, via_get: bool, what: str = "execute query") -> RequestRefused:
    hint = (
        " For queries over HTTP, method GET implies readonly; use POST for modifying queries"
        if via_get
        else f" User '{user}' is read-only on this endpoint; connect as a writer to modify data"
    )
    return RequestRefused("READONLY", f"{user}: Cannot {what} in readonly mode.{hint}")


@dataclass(frozen=True)
class RequestOptions:
    """What a request's URL parameters ask for, transport parameters taken out."""

    query: str = ""
    database: str | None = None
    default_format: str = "TabSeparated"
    query_id: str = ""
    protocol_version: int = 0
    settings: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)


def parse_options(
    pairs: Sequence[tuple[str, str]], *, readonly: bool, user: str, via_get: bool
) -> RequestOptions:
    """Split URL parameters into transport options, query parameters and settings."""
    values = dict(pairs)
    settings: dict[str, str] = {}
    params: dict[str, str] = {}
    for key, value in pairs:
        if key.startswith("param_"):
            params[_checked_name(key[6:], "query parameter")] = value
        elif key not in TRANSPORT_PARAMS:
            settings[_checked_name(key, "setting")] = value
            if readonly and key in _LOCKED_SETTINGS:
                raise readonly_refusal(user, via_get, f"modify '{key}' setting")
    for key in ("compress", "decompress"):
        if values.get(key, "0") not in ("0", "false", ""):
            raise RequestRefused(
                "NOT_IMPLEMENTED",
                f"{key}={values[key]} (ClickHouse's native block compression) is not supported by "
                "the embedded endpoint; use HTTP compression (Content-Encoding: gzip) instead",
            )
    version = values.get("client_protocol_version") or "0"
    if not version.isdigit():
        raise RequestRefused(
            "BAD_ARGUMENTS",
            f"client_protocol_version={version!r} is not a number; omit it or send 0",
        )
    database = values.get("database") or None
    if database is not None:
        _checked_name(database, "database")
    return RequestOptions(
        query=values.get("query", ""),
        database=database,
        default_format=_checked_name(values.get("default_format") or "TabSeparated", "format"),
        query_id=values.get("query_id", ""),
        protocol_version=int(version),
        settings=settings,
        params=params,
    )


def credentials(headers: Message, pairs: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """(user, password) as ClickHouse finds them: Basic, X-ClickHouse-User/Key or URL, one only."""
    params = dict(pairs)
    found: list[tuple[str, str]] = []
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    if scheme:
        if scheme.lower() != "basic":
            raise RequestRefused(
                "AUTHENTICATION_FAILED", f"{scheme} auth is not supported; use Basic"
            )
        try:
            name, _, secret = base64.b64decode(token.strip(), validate=True).decode().partition(":")
        except ValueError as exc:  # binascii.Error and UnicodeDecodeError alike
            raise RequestRefused(
                "AUTHENTICATION_FAILED", f"Invalid Basic credentials: {exc}"
            ) from exc
        found.append((name, secret))
    if "X-ClickHouse-User" in headers or "X-ClickHouse-Key" in headers:
        found.append((headers.get("X-ClickHouse-User", ""), headers.get("X-ClickHouse-Key", "")))
    if "user" in params or "password" in params:
        found.append((params.get("user", ""), params.get("password", "")))
    if len(found) > 1:
        raise RequestRefused(
            "AUTHENTICATION_FAILED",
            "Invalid authentication: use one of the Authorization header, the X-ClickHouse-User/"
            "X-ClickHouse-Key headers and the user/password parameters, not several",
        )
    name, secret = found[0] if found else ("", "")
    return name or "default", secret


def _checked_name(name: str, what: str) -> str:
    if not _NAME.fullmatch(name):
        raise RequestRefused(
            "BAD_ARGUMENTS", f"{what} name {name!r} is invalid; use letters, digits and '_' only"
        )
    return name


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int
    depth: int


def _tokens(text: str) -> Iterator[_Token]:
    """ClickHouse tokens outside comments, lazily, so binary data after them is never read."""
    pos, depth = 0, 0
    while pos < len(text):
        if text.startswith("/*", pos):
            pos = _comment_end(text, pos)
            continue
        match = _SCAN.match(text, pos)
        end = match.end() if match else pos + 1
        if match is None or match.lastgroup in ("quoted", "heredoc", "word"):
            char = text[pos]
            if match is None and char in ")]}":
                depth = max(depth - 1, 0)
            yield _Token(text[pos:end], pos, end, depth)
            if match is None and char in "([{":
                depth += 1
        pos = end


def _comment_end(text: str, pos: int) -> int:
    """End of a (nestable, as in ClickHouse) /* */ comment starting at ``pos``."""
    nesting, pos = 1, pos + 2
    while nesting and pos < len(text):
        if text.startswith("/*", pos):
            nesting, pos = nesting + 1, pos + 2
        elif text.startswith("*/", pos):
            nesting, pos = nesting - 1, pos + 2
        else:
            pos += 1
    return pos


@dataclass(frozen=True)
class InsertData:
    """An INSERT whose rows follow it inline: ``statement FORMAT fmt <data>``."""

    statement: str
    fmt: str
    data: bytes


def split_insert(raw: bytes) -> InsertData | None:
    """An INSERT and its inline data, split by ClickHouse's rule; None for other statements."""
    text = raw.decode("latin-1")  # one char per byte, so offsets index ``raw``
    tokens = _tokens(text)
    first = next(tokens, None)
    if first is None or first.text.upper() != "INSERT":
        return None
    selecting = False
    for token in tokens:
        word = token.text.upper() if token.depth == 0 else ""
        if word in ("SELECT", "WITH"):
            selecting = True
        elif word == "INFILE":
            raise RequestRefused(
                "NOT_IMPLEMENTED",
                "FROM INFILE reads the client's files in clickhouse-client; over HTTP, send the "
                "data as the request body after INSERT INTO t FORMAT <format>",
            )
        elif word == "VALUES" and not selecting:
            return _insert_data(raw, token.start, "Values", token.end)
        elif word == "FORMAT":
            name = next(tokens, None)
            if name is None or not _NAME.fullmatch(name.text):
                return None  # ClickHouse's parser reports it
            if not selecting:
                return _insert_data(raw, token.start, name.text, _data_start(raw, name.end))
            if raw[name.end :].strip():
                raise RequestRefused(
                    "NOT_IMPLEMENTED",
                    "INSERT ... SELECT ... FROM input() with inline data is not supported by the "
                    "embedded endpoint; send INSERT INTO t (columns) FORMAT <format> with the data",
                )
    return None


def _data_start(raw: bytes, pos: int) -> int:
    while pos < len(raw) and raw[pos] in b" \t\f":
        pos += 1
    pos += raw.startswith(b"\r", pos)
    return pos + raw.startswith(b"\n", pos)


def _insert_data(raw: bytes, statement_end: int, fmt: str, data_start: int) -> InsertData:
    try:
        statement = raw[:statement_end].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRefused("SYNTAX_ERROR", f"INSERT statement is not UTF-8: {exc}") from exc
    return InsertData(statement, fmt, raw[data_start:])


def statement_kind(canonical: str) -> str:
    """First keyword of a canonical statement: SELECT, INSERT, CREATE, SET ..."""
    match = re.match(r"[\s(]*([A-Za-z]+)", canonical)
    return match.group(1).upper() if match else ""


def check_statement(canonical: str, *, readonly: bool, user: str, via_get: bool) -> str:
    """The statement's kind, if this endpoint may run it for this caller."""
    kind = statement_kind(canonical)
    if kind in ("USE", "SET"):
        raise RequestRefused(
            "NOT_IMPLEMENTED",
            f"{kind} would change the chDB session every client shares; pass the database as "
            "?database=<name> and settings as URL parameters (?max_threads=4) instead",
        )
    if re.search(r"\bINTO OUTFILE\b", canonical):
        raise RequestRefused("INTO_OUTFILE_NOT_ALLOWED", "INTO OUTFILE is not allowed over HTTP")
    if readonly and kind not in READ_KINDS:
        raise readonly_refusal(user, via_get)
    if readonly and _SETTINGS_CLAUSE.search(canonical):
        raise readonly_refusal(user, via_get, "change settings in a SETTINGS clause")
    return kind


def split_format(canonical: str) -> tuple[str, str | None, str | None]:
    """(statement, trailing FORMAT name, SETTINGS after that FORMAT) of a canonical query."""
    tokens = [t for t in _tokens(canonical) if t.depth == 0]
    for index in range(len(tokens) - 2, -1, -1):
        token, after = tokens[index], tokens[index + 2 : index + 3]
        name = tokens[index + 1].text
        if (
            token.text == "FORMAT"
            and _NAME.fullmatch(name)
            and (not after or after[0].text == "SETTINGS")
        ):
            tail = canonical[after[0].end :].strip() if after else None
            return canonical[: token.start].rstrip(), name, tail
    return canonical, None, None


def split_insert_target(canonical: str) -> tuple[str, str | None]:
    """(``INSERT INTO t (cols)``, its SETTINGS list) of a canonical ``INSERT ... FORMAT x``."""
    head, _, _ = split_format(canonical)
    for token in _tokens(head):
        if token.depth == 0 and token.text == "SETTINGS":
            return head[: token.start].rstrip(), head[token.end :].strip()
    return head, None


def quote(value: str) -> str:
    """A ClickHouse string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def settings_clause(tail: str | None, settings: Mapping[str, str]) -> str:
    """`` SETTINGS ...``: the statement's own list, then the URL's (names already checked)."""
    parts = [tail] if tail else []
    parts += [f"{name}={quote(value)}" for name, value in settings.items()]
    return " SETTINGS " + ", ".join(parts) if parts else ""


def escape_param(value: str) -> str:
    """A query parameter value in ClickHouse's escaped form, which parameters are parsed as."""
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        value = value.replace(char, escaped)
    return value


def content_type(fmt: str) -> str:
    name = fmt.lower()
    if name.startswith("json") or name in ("ndjson", "jsonl", "jsonlines"):
        return "application/json; charset=UTF-8"
    if name.startswith(("tabseparated", "tsv")):
        return "text/tab-separated-values; charset=UTF-8"
    if name.startswith("csv"):
        return "text/csv; charset=UTF-8"
    if name.startswith(("native", "rowbinary", "parquet", "arrow", "orc", "avro", "protobuf")) or (
        name in ("capnproto", "msgpack", "rawblob", "bson", "npy")
    ):
        return "application/octet-stream"
    if name == "xml":
        return "application/xml; charset=UTF-8"
    return "text/plain; charset=UTF-8"


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
    cuts = [t.start for t in _tokens(inner) if t.depth == 0 and t.text == ","]
    return base.strip(), [
        inner[a + 1 : b].strip() for a, b in zip([-1, *cuts], [*cuts, len(inner)], strict=True)
    ]


def _unnamed(element: str) -> str:
    """A named Tuple element's type: ``a Nullable(String)`` -> ``Nullable(String)``."""
    tokens = list(itertools.islice(_tokens(element), 2))
    if len(tokens) == 2 and tokens[1].start > tokens[0].end:
        return element[tokens[1].start :]
    return element
