"""CLI for taxonomy authors: `taxonomy check`, `taxonomy show` and `classify`.

``register(app)`` adds them to the main typer app. `check` validates files the
way the worker will load them (the default taxonomy, then each file extending
it) and reports every problem with its file and line; `classify` runs the
stream's classifier on local documents so an author sees why a label was (not)
given, without a broker.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ops.output import stderr_console, stdout_console
from ops.settings import Settings
from schemas.errors import ConfigError
from streams.taxonomy.check import FileReport, check_taxonomy_text
from streams.taxonomy.load import load_taxonomy
from streams.taxonomy.model import Taxonomy

taxonomy_app = typer.Typer(no_args_is_help=True, help="Check and inspect taxonomy files.")
console = stdout_console()
err_console = stderr_console()


class ClassifyFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _counts(taxonomy: Taxonomy) -> str:
    return (
        f"{len(taxonomy.initiatives)} initiatives, {len(taxonomy.actors)} actors "
        f"({sum(a.kind == 'organisation' for a in taxonomy.actors)} organisations), "
        f"{len(taxonomy.offices)} offices, {len(taxonomy.countries)} countries; "
        f"version {taxonomy.version}"
    )


def check_files(files: list[Path], *, include_default: bool = True) -> list[FileReport]:
    """Check ``files`` in order, each extending the taxonomy before it; stop at a broken one."""
    base = load_taxonomy() if include_default else None
    reports = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the taxonomy file: {exc}") from exc
        report = check_taxonomy_text(text, str(path), base)
        reports.append(report)
        if report.merged is None:
            break
        base = report.merged
    return reports


@taxonomy_app.command("check")
def taxonomy_check(
    files: Annotated[list[Path], typer.Argument(help="taxonomy files, in the order they apply")],
    no_default: Annotated[
        bool, typer.Option("--no-default", help="check the first file as a whole taxonomy")
    ] = False,
    strict: Annotated[bool, typer.Option(help="warnings fail the check too")] = False,
) -> None:
    """Validate taxonomy files; every problem with file:line and the fix. Exit 1 on errors."""
    reports = check_files(files, include_default=not no_default)
    failed = False
    for report in reports:
        for problem in report.problems:
            colour = "red" if problem.severity == "error" else "yellow"
            err_console.print(f"[{colour}]{problem.severity}[/] ", end="")
            err_console.print(str(problem), markup=False, soft_wrap=True, highlight=False)
        failed = failed or bool(report.errors)
        failed = failed or (strict and bool(report.problems))
    last = reports[-1] if reports else None
    if failed or last is None or last.merged is None:
        errors = sum(len(r.errors) for r in reports)
        err_console.print(
            f"[red]{errors} error(s)[/]; the worker would keep its last good taxonomy"
        )
        raise typer.Exit(1)
    for report in reports:
        if report.added:
            added = ", ".join(f"{n} {k}" for k, n in report.added.items() if n)
            replaced = ", ".join(f"{len(v)} {k}" for k, v in report.replaced.items() if v)
            console.print(
                f"{report.file}: adds {added or 'nothing'}; replaces {replaced or 'nothing'}",
                soft_wrap=True,
            )
    warnings = sum(len(r.problems) for r in reports)
    console.print(
        f"[green]valid[/]: {_counts(last.merged)}"
        + (f"; {warnings} warning(s)" if warnings else ""),
        soft_wrap=True,
    )


@taxonomy_app.command("show")
def taxonomy_show(
    ctx: typer.Context,
    initiative: Annotated[str | None, typer.Option(help="show this initiative")] = None,
    actor: Annotated[str | None, typer.Option(help="show this actor and its roles")] = None,
    taxonomy: Annotated[
        list[Path] | None, typer.Option(help="taxonomy files (default: settings)")
    ] = None,
) -> None:
    """The effective taxonomy (default + files): counts, or one initiative or actor as YAML."""
    loaded = load_taxonomy(*(taxonomy or _settings_taxonomy(ctx)))
    if initiative is None and actor is None:
        console.print(_counts(loaded))
        table = Table("id", "name", "parties", "aliases", title="initiatives", title_justify="left")
        for ini in loaded.initiatives:
            aliases = sum(len(v) for v in (*ini.aliases.values(), *ini.ambiguous_aliases.values()))
            table.add_row(ini.id, ini.name, ",".join(ini.parties), str(aliases))
        console.print(table)
        return
    kind, wanted = ("initiatives", initiative) if initiative else ("actors", actor)
    entries = {e.id: e for e in getattr(loaded, kind)}
    if wanted not in entries:
        close = [i for i in entries if wanted and wanted.lower() in i][:8]
        hint = f"; did you mean {', '.join(close)}" if close else "; list them with `taxonomy show`"
        raise ConfigError(f"no {kind[:-1]} {wanted!r} in the taxonomy{hint}")
    import yaml

    data = entries[wanted].model_dump(mode="json", by_alias=True, exclude_defaults=True)
    console.print(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), markup=False)


def _settings_taxonomy(ctx: typer.Context) -> list[Path]:
    settings: Settings | None = ctx.obj if isinstance(ctx.obj, Settings) else None
    return list(settings.streams.taxonomy) if settings else []


def _evidence(items: list[dict[str, Any]]) -> str:
    shown = [f"{e['text']!r}@{e['start']}" for e in items[:3]]
    return ", ".join(shown) + (f" +{len(items) - 3}" if len(items) > 3 else "") or "(title only)"


def _print_table(record: dict[str, Any]) -> None:
    flag = "[green]relevant[/]" if record["relevant"] else "[dim]not relevant[/]"
    console.print(f"[bold]{record['id']}[/]  {record['title']!r}", markup=True, highlight=False)
    console.print(
        f"  date {record['date']} ({record.get('date_source', '?')})  {flag}: "
        f"{record['relevance']}  story {record['story_id'] or '-'}"
    )
    if record["initiatives"]:
        table = Table("initiative", "name", "conf", "evidence", box=None, padding=(0, 1))
        for lab in record["initiatives"]:
            table.add_row(
                lab["id"], lab["name"], f"{lab['confidence']:.2f}", _evidence(lab["evidence"])
            )
        console.print(table)
    if record["actors"]:
        table = Table(
            "actor",
            "name",
            "role (on date)",
            "country",
            "conf",
            "evidence",
            box=None,
            padding=(0, 1),
        )
        for lab in record["actors"]:
            table.add_row(
                lab["id"],
                lab["name"],
                lab["role"] or "-",
                lab["country"] or "-",
                f"{lab['confidence']:.2f}",
                _evidence(lab["evidence"]),
            )
        console.print(table)
    if record["countries"]:
        console.print(f"  countries {', '.join(record['countries'])}")
    if record["commitments"]:
        table = Table(
            "commitment of", "due from", "due to", "date text", "action", box=None, padding=(0, 1)
        )
        for c in record["commitments"]:
            table.add_row(
                c["initiative"] or c.get("candidate") or "-",
                c["due_from"],
                c["due_to"],
                c["due_text"],
                c["action"][:80],
            )
        console.print(table)
    if record.get("candidates"):
        table = Table("new initiative?", "parties", "evidence", box=None, padding=(0, 1))
        for c in record["candidates"]:
            table.add_row(c["name"], ", ".join(c["parties"]) or "-", _evidence(c["evidence"][:1]))
        console.print(table)
    for o in record.get("occurrences", []):
        console.print(
            f"  reports a {o['kind']} of {o['initiative'] or o['candidate']} on {o['on']}"
        )
    for item in record.get("ignored", []):
        console.print(
            f"  [dim]not used: {item['text']!r}@{item['start']} "
            f"({item['kind']} {item['id']}): {item['why']}[/]",
            highlight=False,
        )
    console.print()


def _items(inputs: list[str], defaults: Any) -> Iterator[Any]:
    from ops.offline_classify import read_items, read_stdin_items

    for name in inputs or ["-"]:
        if name == "-":
            yield from read_stdin_items(sys.stdin.buffer.read(), defaults)
        else:
            yield from read_items(Path(name), defaults)


def classify(
    ctx: typer.Context,
    inputs: Annotated[
        list[str] | None, typer.Argument(help="files (.txt .jsonl .json .html) or - for stdin")
    ] = None,
    taxonomy: Annotated[
        list[Path] | None, typer.Option(help="taxonomy files extending the default (repeatable)")
    ] = None,
    on_date: Annotated[
        str | None, typer.Option("--date", help="resolve offices and due dates on YYYY-MM-DD")
    ] = None,
    output: Annotated[
        ClassifyFormat, typer.Option("--format", help="table, or one JSON object per document")
    ] = ClassifyFormat.table,
    explain: Annotated[bool, typer.Option(help="list alias matches no label used (json)")] = False,
) -> None:
    """Classify local documents with the stream's classifier (no broker): labels and evidence."""
    from ops.offline_classify import classify_items
    from producers.records import FileDefaults
    from streams.classify.classifier import Classifier

    day = None
    if on_date:
        try:
            day = date.fromisoformat(on_date)
        except ValueError as exc:
            raise ConfigError(f"--date {on_date!r} is not a date; write YYYY-MM-DD") from exc
    classifier = Classifier(load_taxonomy(*(taxonomy or _settings_taxonomy(ctx))))
    table = output is ClassifyFormat.table
    failed = 0
    for outcome in classify_items(
        classifier, _items(inputs or [], FileDefaults()), on_date=day, explain=explain or table
    ):
        if outcome.result is None:
            failed += 1
            err_console.print(f"[red]skipped[/] {outcome.error}", soft_wrap=True)
        elif table:
            _print_table(outcome.result)
        else:
            sys.stdout.write(json.dumps(outcome.result, ensure_ascii=False) + "\n")
    if table:
        console.print(
            f"[dim]classifier {classifier.version}, taxonomy {classifier.taxonomy_version}[/]"
        )
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `taxonomy check|show|candidates` and `classify` to the main app."""
    from ops.cli_candidates import candidates

    if not any(c.name == "candidates" for c in taxonomy_app.registered_commands):
        taxonomy_app.command("candidates")(candidates)
    app.add_typer(taxonomy_app, name="taxonomy")
    app.command("classify")(classify)


__all__ = ["check_files", "register"]
