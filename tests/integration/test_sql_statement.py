"""`policywatch sql` parses on the warehouse first: syntax errors point into the user's text."""

from __future__ import annotations

import pytest

from ops.sql_statement import SqlSyntaxError, parse_statement, server_message
from schemas.errors import WarehouseError
from sinks.warehouse.chdb_driver import ChdbWarehouse


@pytest.mark.parametrize(
    ("text", "kind", "reads"),
    [
        ("SELECT 1", "SELECT", True),
        ("  /* why */ select 1 as x;  ", "SELECT", True),
        ("(SELECT 1) UNION ALL (SELECT 2)", "SELECT", True),
        ("with 1 as a\nselect a", "WITH", True),
        ("desc documents", "DESCRIBE", True),
        ("EXPLAIN SELECT 1", "EXPLAIN", True),
        ("INSERT INTO t VALUES (1)", "INSERT", False),
        ("-- drop it\nDROP TABLE t", "DROP", False),
        ("OPTIMIZE TABLE t FINAL", "OPTIMIZE", False),
    ],
)
def test_reads_and_writes_are_told_apart_by_the_parser(
    fresh_database: ChdbWarehouse, text: str, kind: str, reads: bool
) -> None:
    statement = parse_statement(fresh_database, text)
    assert (statement.kind, statement.reads) == (kind, reads)
    assert statement.text == text.strip().rstrip(";").rstrip()


def test_a_format_clause_is_the_users_to_keep(fresh_database: ChdbWarehouse) -> None:
    statement = parse_statement(fresh_database, "select 1 as x format JSONEachRow")
    assert (statement.body, statement.fmt) == ("SELECT 1 AS x", "JSONEachRow")
    assert fresh_database.query_raw(statement.body, fmt=statement.fmt) == b'{"x":1}\n'


@pytest.mark.parametrize(
    ("text", "where", "caret"),
    [
        ("SELEC 1", "line 1, column 7", "  SELEC 1\n        ^"),
        ("SELECT 1 +", "line 1, column 11", "  SELECT 1 +\n            ^"),
        (
            "SELECT a,\n  b\nFROM t\nWHERE a = = 1",
            "line 4, column 11",
            "  WHERE a = = 1\n            ^",
        ),
        ("SELECT 'ü' +", "line 1, column 13", "  SELECT 'ü' +\n              ^"),
        (
            "SELECT 1; SELECT 2",
            "line 1, column 9 (Multi-statements are not allowed)",
            "  SELECT 1;",
        ),
    ],
)
def test_a_syntax_error_points_into_the_users_own_text(
    fresh_database: ChdbWarehouse, text: str, where: str, caret: str
) -> None:
    with pytest.raises(SqlSyntaxError) as raised:
        parse_statement(fresh_database, text)
    message = str(raised.value)
    assert message.startswith(f"syntax error at {where}:")
    assert caret in message
    assert "FORMAT" not in message and "formatQuerySingleLine" not in message
    assert "base64" not in message


def test_an_empty_statement_is_refused_before_the_warehouse(fresh_database: ChdbWarehouse) -> None:
    with pytest.raises(SqlSyntaxError, match="empty"):
        parse_statement(fresh_database, "  ;; ")


def test_server_errors_lose_the_clients_wrapping(fresh_database: ChdbWarehouse) -> None:
    wrapped = (
        "Received ClickHouse exception, code: 60, server response: Code: 60. DB::Exception: "
        "Unknown table expression identifier 'nope' in scope SELECT * FROM nope. "
        "(UNKNOWN_TABLE) (version 26.9.2.1) (for url http://127.0.0.1:8123)"
    )
    assert server_message(wrapped) == (
        "Unknown table expression identifier 'nope' in scope SELECT * FROM nope. (UNKNOWN_TABLE)"
    )
    with pytest.raises(WarehouseError) as raised:
        fresh_database.query("SELECT * FROM nope")
    assert server_message(str(raised.value)).endswith("(UNKNOWN_TABLE)")
