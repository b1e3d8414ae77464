"""Check user taxonomy files the way ``load_taxonomy`` will use them, line by line.

``load_taxonomy`` stops at the first broken file with one message; an author
fixing a file wants every problem at once, each with its line and the fix.
The file is composed into YAML nodes (which know their lines), validated as an
extension of the taxonomy before it, merged, and the merged result checked for
references; every problem is mapped back to the node it is about. Warnings are
things that load but probably do not do what the author meant: an entry that
replaces a default one, two holders of one office on the same day, an alias
shared by two labels. Pure: no I/O (the caller reads the files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import ValidationError

from schemas.errors import TaxonomyError
from streams.taxonomy.load import SafeLoader, TaxonomyLoader, merge_taxonomies
from streams.taxonomy.locate import LISTS, Problem, describe, duplicate_keys, node_at
from streams.taxonomy.model import Location, Taxonomy, reference_problems
from streams.taxonomy.pitfalls import pitfalls

__all__ = ["FileReport", "Problem", "check_taxonomy_text"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_HINTS = {
    "extra_forbidden": "unknown field; check its spelling and indentation (docs/TAXONOMY.md)",
    "missing": "required field is missing; add it",
    "string_pattern_mismatch": "ids are lower case: letters, digits and . _ - "
    "(countries: 2-3 capital letters)",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD",
    "date_parsing": "write dates as YYYY-MM-DD",
    "date_type": "write dates as YYYY-MM-DD",
    "literal_error": "use one of the allowed values",
    "list_type": "expected a list: [a, b] or one '- item' per line",
    "dict_type": "expected a mapping such as {en: [...], ja: [...]}",
    "string_type": "expected text; quote it",
}


@dataclass
class FileReport:
    """What checking one file found; ``merged`` is the taxonomy after it (None on errors)."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    merged: Taxonomy | None = None
    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, list[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _validation_problems(
    origin: str, root: yaml.Node, data: Any, exc: ValidationError
) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        _, line = node_at(root, loc)
        message = str(err["msg"]).removeprefix("Value error, ")
        hint = _HINTS.get(str(err["type"]))
        if err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}"
        if err["type"] == "literal_error":
            hint = None  # pydantic's message lists the allowed values
        if str(err["type"]).startswith("date") and _ISO_DAY.fullmatch(str(err.get("input"))):
            reason = str(err.get("ctx", {}).get("error", "")).replace(" value is", " is")
            message = f"{err['input']} is not a day of the calendar ({reason})"
            hint = "fix the month (01-12) or the day"
        problems.append(
            Problem(origin, line, describe(loc, data), f"{message}; {hint}" if hint else message)
        )
    return problems


def _merge(base: Taxonomy | None, extra: Taxonomy) -> Taxonomy:
    """``merge_taxonomies`` without validation: references are checked by the caller."""
    if base is None:
        return extra

    def merged(a: list[Any], b: list[Any], key: str) -> list[Any]:
        out = {getattr(x, key): x for x in a}
        out.update({getattr(x, key): x for x in b})
        return list(out.values())

    return Taxonomy.model_construct(
        version=f"{base.version}+{extra.version}",
        countries=merged(base.countries, extra.countries, "code"),
        offices=merged(base.offices, extra.offices, "id"),
        initiatives=merged(base.initiatives, extra.initiatives, "id"),
        actors=merged(base.actors, extra.actors, "id"),
    )


def _to_file_location(loc: Location, merged: Taxonomy, own: Taxonomy) -> Location | None:
    """Where a problem found in the merged taxonomy sits in the file being checked."""
    if len(loc) < 2 or not isinstance(loc[1], int):
        return None
    name, key = str(loc[0]), LISTS[str(loc[0])]
    ident = getattr(getattr(merged, name)[loc[1]], key)
    mine = [getattr(x, key) for x in getattr(own, name)]
    if ident not in mine:
        return None
    return (name, len(mine) - 1 - mine[::-1].index(ident), *loc[2:])


def check_taxonomy_text(text: str, origin: str, base: Taxonomy | None) -> FileReport:
    """Check one file as an extension of ``base`` (or as a whole taxonomy when None)."""
    report = FileReport(origin)
    try:
        root = yaml.compose(text, Loader=SafeLoader)
        data = yaml.load(text, Loader=TaxonomyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        report.problems.append(
            Problem(
                origin,
                mark.line + 1 if mark else None,
                "",
                f"not valid YAML: {problem}; "
                "check the indentation and quoting on this line or the one before",
            )
        )
        return report
    if root is None or not isinstance(data, dict):
        report.problems.append(
            Problem(
                origin,
                1,
                "",
                "a taxonomy is a mapping with version, countries, offices, "
                "initiatives and actors (each optional); see docs/TAXONOMY.md",
            )
        )
        return report
    for at_line, key, first in duplicate_keys(root):
        report.problems.append(
            Problem(
                origin,
                at_line,
                key,
                f"key {key!r} repeats line {first}; YAML would keep only this one: merge the two",
            )
        )
    context = {"partial": base is not None, "defer_references": True}
    try:
        own = Taxonomy.model_validate(data, context=context)
    except ValidationError as exc:
        report.problems.extend(_validation_problems(origin, root, data, exc))
        return report
    for loc, message in reference_problems(own, partial=True):
        report.problems.append(Problem(origin, node_at(root, loc)[1], describe(loc, data), message))
    merged = _merge(base, own)
    for loc, message in reference_problems(merged, partial=False):
        at = _to_file_location(loc, merged, own)
        where = describe(at, data) if at else "(in the taxonomy it extends)"
        report.problems.append(
            Problem(
                origin,
                node_at(root, at)[1] if at else None,
                where,
                message + "; define it or fix the id",
            )
        )
    if base is not None:
        for name, key in LISTS.items():
            known = {getattr(x, key) for x in getattr(base, name)}
            mine_ids = [getattr(x, key) for x in getattr(own, name)]
            report.replaced[name] = [i for i in mine_ids if i in known]
            report.added[name] = len([i for i in mine_ids if i not in known])
    report.problems.extend(pitfalls(origin, root, data, own, base=base, merged=merged))
    if not report.errors:
        try:  # the loader's own path, so a file that passes here also loads
            report.merged = merge_taxonomies(base, own) if base else Taxonomy.model_validate(data)
        except (TaxonomyError, ValidationError) as exc:
            report.problems.append(Problem(origin, None, "", str(exc)))
    return report
