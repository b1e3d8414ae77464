"""Where a finding is in a taxonomy file: YAML nodes know their lines, models do not.

A pydantic error location such as ``("actors", 3, "roles", 0, "from")`` is walked
through the composed YAML node tree to the line an author edits. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from streams.taxonomy.model import Location

__all__ = ["LISTS", "Problem", "describe", "duplicate_keys", "node_at"]

LISTS = {"countries": "code", "offices": "id", "initiatives": "id", "actors": "id"}


@dataclass(frozen=True)
class Problem:
    """One finding: ``line`` is 1-based, or None when it concerns the whole file."""

    file: str
    line: int | None
    where: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{place}: {self.where}: {self.message}" if self.where else f"{place}: {self.message}"
        )


def node_at(root: yaml.Node | None, loc: Location) -> tuple[yaml.Node | None, int | None]:
    """The YAML node at ``loc`` (or its nearest existing parent) and its 1-based line."""
    node, line = root, None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            found = next((n for n in node.value if getattr(n[0], "value", None) == key), None)
            # the key's line: for a missing sub-field, the entry's first line is nearer
            node = found[1] if found else None
            if found:
                line = found[0].start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return node, line


def describe(loc: Location, data: Any) -> str:
    """``initiatives[3] (quad.new).context.window``: the path an author recognises."""
    parts: list[str] = []
    for index, key in enumerate(loc):
        if isinstance(key, int) and parts:
            parts[-1] += f"[{key}]"
            entries = data.get(loc[0]) if isinstance(data, dict) and index == 1 else None
            if isinstance(entries, list) and key < len(entries) and isinstance(entries[key], dict):
                ident = entries[key].get(LISTS.get(str(loc[0]), "id"))
                if ident:
                    parts[-1] += f" ({ident})"
        else:
            parts.append(str(key))
    return ".".join(parts)


def duplicate_keys(node: yaml.Node | None) -> Iterator[tuple[int, str, int]]:
    """(line, key, first line) of every key repeated in a mapping: YAML keeps the last silently."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(getattr(key, "value", ""))
            if name in seen:
                yield key.start_mark.line + 1, name, seen[name]
            seen.setdefault(name, key.start_mark.line + 1)
            yield from duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from duplicate_keys(item)
