"""Warnings: what loads but probably does not do what the author meant.

- an entry with the id of one it extends replaces it whole (aliases and roles
  not repeated are gone);
- two holders of one office on the same day (office references would resolve
  to either): the predecessor's role needs its ``to``;
- an alias two labels share (every document naming it gets both), unless every
  owner holds it as an ambiguous alias under a ``requires_parties`` rule with
  parties of its own ("the 2+2" of each pair), or a short lower-case word as an
  alias (matches the word anywhere). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from typing import Any

import yaml

from streams.classify.normalise import has_cjk, normalise
from streams.taxonomy.locate import LISTS, Problem, describe, node_at
from streams.taxonomy.model import Location, Taxonomy

__all__ = ["pitfalls"]


def replacements(
    origin: str, root: yaml.Node, data: Any, own: Taxonomy, base: Taxonomy
) -> Iterator[Problem]:
    """Entries of ``own`` that replace one of ``base``."""
    for name, key in LISTS.items():
        known = {getattr(x, key) for x in getattr(base, name)}
        for index, entry in enumerate(getattr(own, name)):
            ident = getattr(entry, key)
            if ident in known:
                yield Problem(
                    origin,
                    node_at(root, (name, index))[1],
                    describe((name, index), data),
                    f"replaces the whole entry {ident!r} it extends: aliases and roles "
                    "not repeated here are dropped",
                    "warning",
                )


def office_overlaps(taxonomy: Taxonomy) -> Iterator[tuple[str, str, str, date]]:
    """(office, earlier holder, later holder, first shared day) of overlapping office roles."""
    holders: dict[str, list[tuple[date, date, str]]] = {}
    for actor in taxonomy.actors:
        for role in actor.roles:
            if role.office:
                start = role.valid_from or date.min
                holders.setdefault(role.office, []).append(
                    (start, role.valid_to or date.max, actor.id)
                )
    for office, spans in holders.items():
        spans.sort()
        for (start_a, end_a, a), (start_b, _end_b, b) in pairwise(spans):
            if a != b and start_b <= end_a:
                yield office, a, b, max(start_a, start_b)


def overlap_warnings(
    origin: str, root: yaml.Node, data: Any, own: Taxonomy, merged: Taxonomy
) -> Iterator[Problem]:
    """Overlapping office holders, reported on the role of this file's actor."""
    ids = [a.id for a in own.actors]
    for office, earlier, later, day in office_overlaps(merged):
        mine = next((a for a in (later, earlier) if a in ids), None)
        if mine is None:
            continue
        index = ids.index(mine)
        roles = [r.office for r in own.actors[index].roles]
        loc: Location = ("actors", index, "roles", roles.index(office))
        yield Problem(
            origin,
            node_at(root, loc)[1],
            describe(loc, data),
            f"office {office!r} has two holders from {day}: {earlier} and {later}; set "
            "'to' on the earlier role (the day before the successor's 'from')",
            "warning",
        )


def _decided_by_parties(key: str, owners: set[str], merged: Taxonomy) -> bool:
    """Whether every initiative sharing ``key`` holds it as an ambiguous alias under a
    ``requires_parties`` rule with parties of its own: "the 2+2" of each pair counts
    only where that pair is named, so the parties decide and no document gets both
    labels by the alias alone. Owners with the same parties do get both: warned."""
    by_id = {i.id: i for i in merged.initiatives}
    seen: set[frozenset[str]] = set()
    for ident in owners:
        ini = by_id.get(ident)
        if ini is None or ini.context is None or not ini.context.requires_parties:
            return False
        ambiguous = {normalise(a).text for names in ini.ambiguous_aliases.values() for a in names}
        parties = frozenset(ini.parties)
        if key not in ambiguous or not parties or parties in seen:
            return False
        seen.add(parties)
    return True


def alias_warnings(
    origin: str, root: yaml.Node, data: Any, own: Taxonomy, merged: Taxonomy
) -> list[Problem]:
    """Aliases two labels share (a document gets both) and short words that match too much."""
    owners: dict[str, set[str]] = {}
    for name in ("initiatives", "actors"):
        for entry in getattr(merged, name):
            for group in ("aliases", "ambiguous_aliases", "short_aliases"):
                for names in getattr(entry, group, {}).values():
                    for alias in names:
                        owners.setdefault(normalise(alias).text, set()).add(entry.id)
    shared_by_parties = {
        key for key, ids in owners.items() if len(ids) > 1 and _decided_by_parties(key, ids, merged)
    }
    out: list[Problem] = []
    for name in ("initiatives", "actors"):
        for index, entry in enumerate(getattr(own, name)):
            for group in ("aliases", "ambiguous_aliases", "short_aliases"):
                for language, names in getattr(entry, group, {}).items():
                    for k, alias in enumerate(names):
                        key = normalise(alias).text
                        if key in shared_by_parties:
                            continue
                        others = sorted(owners.get(key, set()) - {entry.id})
                        message = ""
                        if others:
                            message = (
                                f"alias {alias!r} is also an alias of {', '.join(others)}; a "
                                "document naming it gets both labels: keep it on one entry"
                            )
                        elif (
                            group == "aliases"
                            and len(key) <= 3
                            and " " not in key
                            and not has_cjk(key)
                            and not alias.isupper()
                        ):
                            message = (
                                f"alias {alias!r} is a short word that matches in any case; "
                                "write it in capitals (acronyms match case-sensitively) or move "
                                "it to ambiguous_aliases with a context rule"
                            )
                        if message:
                            loc: Location = (name, index, group, language, k)
                            _, line = node_at(root, loc)
                            out.append(
                                Problem(origin, line, describe(loc, data), message, "warning")
                            )
    return out


def pitfalls(
    origin: str,
    root: yaml.Node,
    data: Any,
    own: Taxonomy,
    *,
    base: Taxonomy | None,
    merged: Taxonomy,
) -> list[Problem]:
    """Every warning about ``own`` (a file extending ``base`` into ``merged``)."""
    out = list(replacements(origin, root, data, own, base)) if base is not None else []
    out += alias_warnings(origin, root, data, own, merged)
    out += overlap_warnings(origin, root, data, own, merged)
    return out
