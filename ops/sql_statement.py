"""What `policywatch sql` runs: the user's statement, parsed first, errors in the user's text.

The warehouse parses the statement (``formatQuerySingleLine``) before anything
runs, so a syntax error is reported as one, at its position in what the user
typed, instead of as a refused write or an error quoting the ``FORMAT Native``
the client appends. Reads and writes are told apart from the parsed statement,
not from its first word, so comments and parentheses do not matter.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from schemas.errors import PolicywatchError, WarehouseError
from sinks.warehouse.base import Warehouse
from sinks.warehouse.http_protocol import split_format, statement_kind

READ_KINDS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "EXPLAIN", "EXISTS"})
_SYNTAX = re.compile(
    r"Syntax error(?: \((?P<why>[^)]*)\))?: failed at position (?P<pos>\d+)"
    r"(?: \((?P<near>.*?)\))?: .*?(?:Expected (?P<expected>.*?))?"
    r"(?:: In scope |\. \(SYNTAX_ERROR|$)",
    re.S,
)
_SERVER_MESSAGE = re.compile(
    r"(?:Code: \d+\. )?DB::Exception: (?P<text>.*?)\s*"
    r"(?:\(version [^)]*\)\s*)?(?:\(for url [^)]*\)\s*)?$",
    re.S,
)
_EXPECTED_SHOWN = 6


class SqlSyntaxError(PolicywatchError):
    """The statement does not parse; the message points at the place in the user's text."""

    reason = "sql_syntax"


@dataclass(frozen=True)
class Statement:
    text: str  # as the user wrote it, without trailing semicolons
    kind: str  # SELECT, INSERT, ...
    body: str  # the canonical statement without a FORMAT clause
    fmt: str | None  # the FORMAT the user asked for, if any

    @property
    def reads(self) -> bool:
        return self.kind in READ_KINDS


def parse_statement(warehouse: Warehouse, text: str) -> Statement:
    """Parse ``text`` on the warehouse; SqlSyntaxError with the position if it does not parse."""
    stripped = text.strip().rstrip(";").rstrip()
    if not stripped:
        raise SqlSyntaxError("the statement is empty; give one SQL statement")
    try:
        # base64: a parameter's text is parsed in escaped form, which drivers differ on
        rows = warehouse.query(
            "SELECT formatQuerySingleLine(base64Decode({statement:String})) AS canonical",
            params={"statement": base64.b64encode(stripped.encode("utf-8")).decode("ascii")},
        )
    except WarehouseError as exc:
        if "SYNTAX_ERROR" in str(exc) or "Syntax error" in str(exc):
            raise SqlSyntaxError(syntax_message(stripped, str(exc))) from None
        raise
    canonical = str(rows[0]["canonical"]).strip()
    body, fmt, tail = split_format(canonical)
    if fmt is not None and tail:
        body = f"{body} SETTINGS {tail}"
    return Statement(stripped, statement_kind(canonical), body, fmt)


def syntax_message(statement: str, server_error: str) -> str:
    """``syntax error at line 1, column 7: ... ^ ... expected one of: ...`` in the user's text."""
    found = _SYNTAX.search(server_error)
    if found is None:
        return f"syntax error: {server_message(server_error)}"
    encoded = statement.encode("utf-8")
    offset = len(encoded[: int(found["pos"]) - 1].decode("utf-8", "ignore"))
    line_start = statement.rfind("\n", 0, offset) + 1
    line_end = statement.find("\n", offset)
    line = statement[line_start : line_end if line_end >= 0 else len(statement)]
    number = statement.count("\n", 0, offset) + 1
    column = offset - line_start + 1
    why = f" ({found['why']})" if found["why"] else ""
    parts = [
        f"syntax error at line {number}, column {column}{why}:",
        f"  {line}",
        f"  {' ' * (column - 1)}^",
    ]
    expected = (found["expected"] or "").removeprefix("one of:").strip().rstrip(".")
    if expected:
        options = [o.strip() for o in expected.split(",") if o.strip()]
        shown = ", ".join(options[:_EXPECTED_SHOWN]) + (", ..." if len(options) > 6 else "")
        parts.append(f"expected {'one of: ' if len(options) > 1 else ''}{shown}")
    return "\n".join(parts)


def server_message(error: str) -> str:
    """The server's own words, without the client's wrapping, version and URL."""
    found = _SERVER_MESSAGE.search(error)
    return found["text"].strip() if found else error.strip()
