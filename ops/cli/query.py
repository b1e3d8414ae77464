"""`policywatch sql` and `policywatch query`: reading the warehouse from the command line.

A user's mistake (a statement that does not parse, a write without --write, a
filter a report does not have, an id nobody uses) exits with code 2 and one
clear message; an error from running the statement exits with code 1 and the
server's own words. ``register(app)`` adds both commands (once).
"""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from ops.cli.output import OutputFormat, print_rows, stderr_console, stdout_console
from ops.settings import Settings
from schemas.errors import WarehouseError

console = stdout_console()
err_console = stderr_console()


def _refuse(message: str) -> typer.Exit:
    err_console.print(f"[red]refused:[/] {message}", highlight=False)
    return typer.Exit(2)


def sql(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help="SQL to run")],
    write: Annotated[bool, typer.Option(help="allow writes (writer user)")] = False,
    fmt: Annotated[
        OutputFormat | None,
        typer.Option("--format", help="table (default), json or csv; or FORMAT in the SQL"),
    ] = None,
) -> None:
    """Run SQL on the running stack's warehouse (read-only unless --write)."""
    from ops.cli.sql_statement import SqlSyntaxError, parse_statement, server_message
    from ops.runtime.access import open_warehouse

    settings: Settings = ctx.obj
    warehouse = open_warehouse(settings, write=write)
    try:
        try:
            parsed = parse_statement(warehouse, statement)
        except SqlSyntaxError as exc:
            err_console.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(2) from None
        if not parsed.reads and not write:
            raise _refuse(f"this statement writes ({parsed.kind}); add --write to run it")
        if parsed.fmt and fmt is not None:
            raise _refuse(f"the statement asks for FORMAT {parsed.fmt}; leave out --format")
        try:
            if not parsed.reads:
                warehouse.command(parsed.text)
                console.print("ok")
            elif parsed.fmt:
                sys.stdout.buffer.write(warehouse.query_raw(parsed.body, fmt=parsed.fmt))
                sys.stdout.flush()
            else:
                print_rows(warehouse.query(parsed.text), fmt=fmt or OutputFormat.table)
        except WarehouseError as exc:
            if exc.retriable:
                raise  # unreachable or busy: main() reports it as such
            err_console.print(f"[red]error:[/] {server_message(str(exc))}", highlight=False)
            raise typer.Exit(1) from None
    finally:
        warehouse.close()


class QueryName(StrEnum):
    trends = "trends"
    actors = "actors"
    initiative = "initiative"
    cooccurrence = "cooccurrence"
    stories = "stories"
    commitments = "commitments"
    candidates = "candidates"
    sources = "sources"
    deadletter = "deadletter"


class CommitmentStatusName(StrEnum):
    open = "open"
    met = "met"
    overdue = "overdue"


class IntervalName(StrEnum):
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"


def query(
    ctx: typer.Context,
    name: Annotated[QueryName, typer.Argument(help="which report")],
    since: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    until: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    initiative: Annotated[str | None, typer.Option(help="initiative id")] = None,
    actor: Annotated[str | None, typer.Option(help="actor id")] = None,
    country: Annotated[
        str | None, typer.Option(help="actors of this country, e.g. JP (actors' reports)")
    ] = None,
    doc_country: Annotated[
        str | None, typer.Option("--doc-country", help="documents concerning this country")
    ] = None,
    interval: Annotated[IntervalName, typer.Option()] = IntervalName.week,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    status: Annotated[
        CommitmentStatusName | None, typer.Option(help="commitments: only open, met or overdue")
    ] = None,
    grace_days: Annotated[
        int, typer.Option(min=0, max=366, help="commitments: days after due_to it may happen")
    ] = 7,
    include_observed: Annotated[
        bool,
        typer.Option(
            "--include-observed",
            help="trends: also count documents dated only by when they were observed",
        ),
    ] = False,
    min_documents: Annotated[
        int, typer.Option(min=1, help="candidates: named in at least N documents")
    ] = 1,
) -> None:
    """Analyst reports from the warehouse (distinct documents, latest classifications)."""
    from ops.api.known_labels import unknown_ids
    from ops.runtime.access import open_warehouse
    from sinks.read_model.analyst_queries import QueryError, check_filters, run_query
    from sinks.read_model.report_filters import QueryFilters
    from streams.taxonomy.known import LabelKind

    settings: Settings = ctx.obj
    filters = QueryFilters(
        since=since.date() if since else None,
        until=until.date() if until else None,
        initiative=initiative,
        actor=actor,
        country=country,
        doc_country=doc_country,
        interval=interval.value,
        limit=limit,
        status=status.value if status else None,
        grace_days=grace_days,
        include_observed=include_observed,
        min_documents=min_documents,
    )
    try:
        check_filters(name.value, filters)  # before reaching for the warehouse
    except QueryError as exc:
        raise _refuse(str(exc)) from None
    given: tuple[tuple[str, LabelKind, str | None], ...] = (
        ("--initiative", "initiative", initiative),
        ("--actor", "actor", actor),
        ("--country", "country", country),
        ("--doc-country", "country", doc_country),
    )
    ids = [(option, kind, value) for option, kind, value in given if value is not None]
    warehouse = open_warehouse(settings)
    try:
        problems = unknown_ids(settings, warehouse, ids)
        if problems:
            raise _refuse("; ".join(problems))
        try:
            rows = run_query(warehouse, name.value, filters)
        except QueryError as exc:
            raise _refuse(str(exc)) from None
    finally:
        warehouse.close()
    print_rows(rows, title=f"{name.value}", fmt=fmt, console=console)


def register(app: typer.Typer) -> None:
    """Add `sql` and `query` to the main CLI (once)."""
    if any(c.name == "query" for c in app.registered_commands):
        return
    app.command("sql")(sql)
    app.command("query")(query)
