"""Where the CLI writes: results (tables, JSON, CSV) to stdout, everything else to stderr.

Piped, rich would lay tables out for 80 columns and cut or fold every cell that
does not fit, and break messages mid-path; output that goes to a file or another
program keeps its full width instead. Logs never go to stdout (``ops.logging``), so a pipe carries
only results.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

#: the width of results written to a pipe or a file: wide enough for any row we print
PIPED_WIDTH = 10_000


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _unwrapped_when_piped(console: Console) -> Console:
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


def stdout_console() -> Console:
    """The console for results: the terminal's width, or no practical limit when piped."""
    return _unwrapped_when_piped(Console())


def stderr_console() -> Console:
    """The console for progress, warnings and errors; one line per message when redirected."""
    return _unwrapped_when_piped(Console(stderr=True))


def print_rows(
    rows: list[dict[str, Any]],
    title: str | None = None,
    fmt: OutputFormat = OutputFormat.table,
    console: Console | None = None,
) -> None:
    """Rows as a table, JSON lines or CSV on stdout."""
    if fmt is OutputFormat.json:
        for row in rows:
            sys.stdout.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
        return
    if fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        if rows:
            writer.writerow(rows[0].keys())
        for row in rows:
            writer.writerow(row.values())
        return
    table = Table(title=title, title_justify="left")
    if not rows:
        table.add_column("(no rows)")
    else:
        for column in rows[0]:
            table.add_column(str(column))
        for row in rows:
            # Text, not markup: a value such as "[/]" is data to show, not a style to apply
            table.add_row(*(Text("" if v is None else str(v)) for v in row.values()))
    (console or stdout_console()).print(table)


def progress_with_time_left(console: Console, label: str, *middle: ProgressColumn) -> Progress:
    """The display of a long command (ingest, replay, ``--wait``): its label, a bar, the
    ``middle`` columns, the time spent and the time left; gone once done."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        *middle,
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
