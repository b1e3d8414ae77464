"""What a reader may run and within which caps: the pure rules, on ClickHouse's own parses."""

from __future__ import annotations

import pytest

from sinks.warehouse.endpoint.protocol import RequestRefused
from sinks.warehouse.endpoint.read_policy import ReadLimits, check_ast, reader_settings

TABLE_FUNCTIONS = frozenset({"numbers", "file", "url", "remote", "python", "format", "values"})
LIMITS = ReadLimits(max_execution_time_s=30, max_threads=2, concurrency=2)

# EXPLAIN AST as chDB 4.4 prints it (TabSeparated, so quotes are escaped)
JOIN_FILE = """SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 2)
   ExpressionList (children 1)
    Asterisk
   TablesInSelectQuery (children 2)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier system.one (alias x)
    TablesInSelectQueryElement (children 2)
     TableExpression (children 1)
      Function file (alias y) (children 1)
       ExpressionList (children 1)
        Literal \\'a\\'
     TableJoin (children 1)
      Literal UInt64_1
"""
IN_URL = """SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Function in (children 1)
     ExpressionList (children 2)
      Literal UInt64_1
      Function url (children 1)
       ExpressionList (children 1)
        Literal \\'http://x\\'
"""
SCALAR_FILE = """SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 1)
   ExpressionList (children 1)
    Function file (children 1)
     ExpressionList (children 1)
      Literal \\'/etc/hostname\\'
"""
PATH_TABLE = """SelectWithUnionQuery (children 1)
 ExpressionList (children 1)
  SelectQuery (children 2)
   ExpressionList (children 1)
    Asterisk
   TablesInSelectQuery (children 1)
    TablesInSelectQueryElement (children 1)
     TableExpression (children 1)
      TableIdentifier /etc/hostname
"""
UNKNOWN_TABLE_FUNCTION = PATH_TABLE.replace("TableIdentifier /etc/hostname", "Function Bogus")
NUMBERS = PATH_TABLE.replace("TableIdentifier /etc/hostname", "Function numbers (children 1)")
FORMAT_SCALAR = SCALAR_FILE.replace("Function file", "Function format")


@pytest.mark.parametrize(
    "ast", [JOIN_FILE, IN_URL, SCALAR_FILE, PATH_TABLE, UNKNOWN_TABLE_FUNCTION]
)
def test_what_reaches_outside_the_warehouse_is_refused(ast: str) -> None:
    with pytest.raises(RequestRefused) as refused:
        check_ast(ast, user="default", via_get=False, table_functions=TABLE_FUNCTIONS)
    assert refused.value.name == "READONLY"


@pytest.mark.parametrize("ast", [NUMBERS, FORMAT_SCALAR, "ShowTables\n"])
def test_row_generators_and_plain_reads_pass(ast: str) -> None:
    check_ast(ast, user="default", via_get=False, table_functions=TABLE_FUNCTIONS)


def test_a_view_of_the_warehouse_may_be_read_with_parameters() -> None:
    view = UNKNOWN_TABLE_FUNCTION.replace("Function Bogus", "Function story_summaries_between")
    views = frozenset({"story_summaries_between"})
    check_ast(view, user="default", via_get=False, table_functions=TABLE_FUNCTIONS, views=views)
    with pytest.raises(RequestRefused):  # not one of the warehouse's views
        check_ast(view, user="default", via_get=False, table_functions=TABLE_FUNCTIONS)
    url = UNKNOWN_TABLE_FUNCTION.replace("Function Bogus", "Function url")
    with pytest.raises(RequestRefused):  # a table function, whatever the views are called
        check_ast(
            url,
            user="default",
            via_get=False,
            table_functions=TABLE_FUNCTIONS,
            views=frozenset({"url"}),
        )


def test_caps_come_first_the_callers_settings_next_and_the_locks_last() -> None:
    settings = reader_settings(
        {"max_threads": "1", "max_execution_time": "7.5", "join_algorithm": "hash"},
        LIMITS,
        user="default",
        via_get=False,
    )
    assert settings["max_threads"] == "1" and settings["max_execution_time"] == "7.5"
    assert settings["join_algorithm"] == "hash" and settings["max_memory_usage"] == str(1 << 30)
    assert list(settings)[-3:] == ["readonly", "priority", "os_thread_priority"]
    assert (settings["readonly"], settings["priority"], settings["os_thread_priority"]) == (
        "2",
        "10",
        "19",
    )


@pytest.mark.parametrize(
    ("name", "value", "refusal"),
    [
        ("max_execution_time", "31", "SETTING_CONSTRAINT_VIOLATION"),
        ("max_execution_time", "0", "SETTING_CONSTRAINT_VIOLATION"),
        ("max_execution_time", "nan", "SETTING_CONSTRAINT_VIOLATION"),
        ("max_threads", "3", "SETTING_CONSTRAINT_VIOLATION"),
        ("os_thread_priority", "-20", "READONLY"),
        ("profile", "default", "READONLY"),
    ],
)
def test_settings_beyond_a_cap_or_locked_are_refused(name: str, value: str, refusal: str) -> None:
    with pytest.raises(RequestRefused) as refused:
        reader_settings({name: value}, LIMITS, user="default", via_get=False)
    assert refused.value.name == refusal
