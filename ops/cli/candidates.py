"""`policywatch taxonomy candidates`: initiatives the news names that the taxonomy lacks.

Lists them from the running stack's warehouse (or POLICYWATCH_WAREHOUSE__URL), and with
``--promote KEY`` writes a proposed taxonomy entry for an analyst to review
(``ops.features.candidate_entry``).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ops.cli.output import stderr_console, stdout_console
from ops.settings import Settings
from schemas.errors import ConfigError

console = stdout_console()
err_console = stderr_console()
LIST_COLUMNS = ("name", "variants", "first_seen", "documents", "sources", "parties", "evidence")


class CandidateFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _cell(value: Any) -> str:
    return "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def print_candidates(rows: list[dict[str, Any]], fmt: CandidateFormat) -> None:
    if fmt is CandidateFormat.json:
        for row in rows:
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        return
    if fmt is CandidateFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(["key", *LIST_COLUMNS])
        for row in rows:
            writer.writerow([row["key"], *(_cell(row[c]) for c in LIST_COLUMNS)])
        return
    table = Table("key", *LIST_COLUMNS, title="initiative candidates", title_justify="left")
    for row in rows:
        table.add_row(row["key"], *(_cell(row[c]) for c in LIST_COLUMNS))
    console.print(table)
    if not rows:
        console.print(
            "no candidates (yet): they appear as documents name initiatives "
            "the taxonomy does not have"
        )


def candidates(
    ctx: typer.Context,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="first seen on or after")
    ] = None,
    min_documents: Annotated[int, typer.Option(min=1, help="named in at least N documents")] = 1,
    fmt: Annotated[CandidateFormat, typer.Option("--format")] = CandidateFormat.table,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 200,
    promote: Annotated[
        str | None, typer.Option(help="write a taxonomy entry for this candidate key")
    ] = None,
    initiative_id: Annotated[
        str | None, typer.Option("--id", help="--promote: the id (default: from the name)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="--promote: write the entry here (default: stdout)")
    ] = None,
    taxonomy: Annotated[
        list[Path] | None, typer.Option(help="--promote: taxonomy files in use (default: settings)")
    ] = None,
) -> None:
    """Named initiatives the taxonomy lacks (from the warehouse); --promote KEY proposes one."""
    from ops.runtime.access import open_warehouse

    settings: Settings = ctx.obj
    if promote is None and (initiative_id or out):
        raise typer.BadParameter("--id and --out go with --promote KEY")
    if out is not None and out.exists():
        raise ConfigError(f"{out} exists; choose another --out or remove it first")
    warehouse = open_warehouse(settings)
    try:
        if promote is not None:
            text = _promote(warehouse, promote, initiative_id, taxonomy, settings)
        else:
            from sinks.read_model.analyst_queries import run_query
            from sinks.read_model.report_filters import QueryFilters

            filters = QueryFilters(
                since=since.date() if since else None, min_documents=min_documents, limit=limit
            )
            rows = run_query(warehouse, "candidates", filters)
    finally:
        warehouse.close()
    if promote is None:
        print_candidates(rows, fmt)
        return
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    err_console.print(
        f"wrote {out}: review it, then `policywatch taxonomy check {out}`", soft_wrap=True
    )


def _promote(
    warehouse: Any,
    key: str,
    initiative_id: str | None,
    taxonomy: list[Path] | None,
    settings: Settings,
) -> str:
    from ops.features.candidate_entry import proposed_entry, proposed_id
    from sinks.read_model.candidates import candidate_summary
    from streams.taxonomy.load import load_taxonomy

    loaded = load_taxonomy(*(taxonomy if taxonomy is not None else settings.streams.taxonomy))
    summary = candidate_summary(warehouse, key)
    chosen = initiative_id or proposed_id(summary, loaded)
    if any(i.id == chosen for i in loaded.initiatives):
        raise ConfigError(
            f"--id {chosen!r} is an initiative of the taxonomy already; choose another id"
        )
    return proposed_entry(summary, chosen, loaded, date.today())
