"""ClickHouse HTTP protocol rules for the embedded endpoint. Pure: no I/O, no chDB.

Statements are classified from ClickHouse's own canonical text (``formatQuerySingleLine``,
run by the server module), so the small lexer here only has to find where an INSERT's
inline data starts and where a canonical statement's FORMAT and SETTINGS clauses are.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message

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
    "TOO_MANY_SIMULTANEOUS_QUERIES": 503,
    "UNSUPPORTED_MEDIA_TYPE": 415,
}
_CODES = {
    "BAD_ARGUMENTS": 36,
    "NOT_IMPLEMENTED": 48,
    "SYNTAX_ERROR": 62,
    "UNKNOWN_COMPRESSION_METHOD": 89,
    "READONLY": 164,
    "TOO_MANY_SIMULTANEOUS_QUERIES": 202,
    "QUERY_IS_TOO_LARGE": 229,
    "CANNOT_DECOMPRESS": 271,
    "INTO_OUTFILE_NOT_ALLOWED": 358,
    "SETTING_CONSTRAINT_VIOLATION": 452,
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
_TRUE = ("1", "true", "yes", "on")
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
    """What a request's URL parameters (and X-ClickHouse-* headers) ask for, transport
    parameters taken out."""

    query: str = ""
    database: str | None = None
    default_format: str = "TabSeparated"
    query_id: str = ""
    protocol_version: int = 0
    settings: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    send_progress: bool = False
    progress_interval_ms: int = 100
    compression: bool = True
    compression_level: int = 3


def parse_options(
    pairs: Sequence[tuple[str, str]], headers: Mapping[str, str] | None = None
) -> RequestOptions:
    """Split URL parameters into transport options, query parameters and settings.

    As in ClickHouse, ``X-ClickHouse-Format`` and ``X-ClickHouse-Database`` headers give the
    default format and the database when the URL does not.
    """
    values = dict(pairs)
    header_values = headers or {}
    settings: dict[str, str] = {}
    params: dict[str, str] = {}
    for key, value in pairs:
        if key.startswith("param_"):
            params[_checked_name(key[6:], "query parameter")] = value
        elif key not in TRANSPORT_PARAMS:
            settings[_checked_name(key, "setting")] = value
    for key in ("compress", "decompress"):
        if values.get(key, "0") not in ("0", "false", ""):
            raise RequestRefused(
                "NOT_IMPLEMENTED",
                f"{key}={values[key]} (ClickHouse's native block compression) is not supported by "
                "the embedded endpoint; use HTTP compression (Content-Encoding: gzip) instead",
            )
    version = _count(values, "client_protocol_version", 0)
    database = values.get("database") or header_values.get("X-ClickHouse-Database") or None
    if database is not None:
        _checked_name(database, "database")
    default_format = (
        values.get("default_format") or header_values.get("X-ClickHouse-Format") or "TabSeparated"
    )
    return RequestOptions(
        query=values.get("query", ""),
        database=database,
        default_format=_checked_name(default_format, "format"),
        query_id=values.get("query_id", ""),
        protocol_version=version,
        settings=settings,
        params=params,
        send_progress=values.get("send_progress_in_http_headers", "0").lower() in _TRUE,
        progress_interval_ms=_count(values, "http_headers_progress_interval_ms", 100),
        compression=values.get("enable_http_compression", "1").lower() in _TRUE,
        compression_level=_count(values, "http_zlib_compression_level", 3),
    )


def _count(values: Mapping[str, str], name: str, default: int) -> int:
    value = values.get(name) or str(default)
    if not value.isdigit():
        raise RequestRefused(
            "BAD_ARGUMENTS", f"{name}={value!r} is not a number; omit it or send a number"
        )
    return int(value)


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


def tokens(text: str) -> Iterator[_Token]:
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
    stream = tokens(text)
    first = next(stream, None)
    if first is None or first.text.upper() != "INSERT":
        return None
    selecting = False
    for token in stream:
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
            name = next(stream, None)
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
        raise readonly_refusal(
            user,
            via_get,
            "change settings in a SETTINGS clause (send them as URL parameters, e.g. "
            "?max_threads=2, or clickhouse-connect's settings=)",
        )
    return kind


def split_format(canonical: str) -> tuple[str, str | None, str | None]:
    """(statement, trailing FORMAT name, SETTINGS after that FORMAT) of a canonical query."""
    top = [t for t in tokens(canonical) if t.depth == 0]
    for index in range(len(top) - 2, -1, -1):
        token, after = top[index], top[index + 2 : index + 3]
        name = top[index + 1].text
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
    for token in tokens(head):
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
