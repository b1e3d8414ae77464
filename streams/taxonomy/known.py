"""The ids a taxonomy knows, and the closest ones to an id it does not. Pure: no I/O.

A filter on an id nobody uses matches nothing, forever and silently: a
subscription on ``quadd`` never alerts, a report on ``nosuch`` is empty. Whoever
takes ids from people checks them here and answers "did you mean quad?".
Countries compare case-insensitively (the alert filter does too).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from streams.taxonomy.model import Taxonomy

LabelKind = Literal["initiative", "actor", "country"]
_HOW_TO_LIST = {
    "initiative": "`policywatch taxonomy show` lists them",
    "actor": "`policywatch taxonomy show --actor ID` shows one; docs/TAXONOMY.md explains ids",
    "country": "countries are ISO codes such as IN, JP, US",
}


@dataclass(frozen=True)
class KnownIds:
    initiatives: frozenset[str]
    actors: frozenset[str]
    countries: frozenset[str]
    #: entries of scope ``context``: recognised in text, never a label, so never matched
    context: frozenset[str] = frozenset()

    @classmethod
    def of(cls, taxonomy: Taxonomy) -> KnownIds:
        """Every id a classification can carry: tracked initiatives and actors; countries
        include those of actors, offices, roles and initiative parties."""
        countries = {c.code for c in taxonomy.countries}
        countries |= {o.country for o in taxonomy.offices}
        countries |= {p for i in taxonomy.initiatives for p in i.parties}
        for actor in taxonomy.actors:
            countries |= {actor.country} if actor.country else set()
            countries |= {r.country for r in actor.roles if r.country}
        context = {i.id for i in taxonomy.initiatives if i.scope in ("context", "place")}
        context |= {a.id for a in taxonomy.actors if a.scope == "context"}
        return cls(
            initiatives=frozenset(i.id for i in taxonomy.initiatives if i.scope == "tracked"),
            actors=frozenset(a.id for a in taxonomy.actors if a.scope == "tracked"),
            countries=frozenset(c.upper() for c in countries),
            context=frozenset(context),
        )

    def ids(self, kind: LabelKind) -> frozenset[str]:
        return {
            "initiative": self.initiatives,
            "actor": self.actors,
            "country": self.countries,
        }[kind]

    def knows(self, kind: LabelKind, value: str) -> bool:
        return (value.upper() if kind == "country" else value) in self.ids(kind)

    def closest(self, kind: LabelKind, value: str, n: int = 3) -> list[str]:
        """Known ids that ``value`` was probably meant to be: spelled alike, or containing it."""
        return closest_ids(value, self.ids(kind), n)

    def unknown_message(self, kind: LabelKind, value: str) -> str:
        """``unknown initiative 'quadd'; did you mean quad?``"""
        if kind != "country" and value in self.context:
            return (
                f"{kind} {value!r} is context in the taxonomy (recognised, never a label), "
                "so nothing would match it; use a tracked id"
            )
        near = self.closest(kind, value)
        if not near:
            return f"unknown {kind} {value!r}; {_HOW_TO_LIST[kind]}"
        options = near[0] if len(near) == 1 else ", ".join(near[:-1]) + " or " + near[-1]
        return f"unknown {kind} {value!r}; did you mean {options}?"

    def problems(self, kind: LabelKind, values: Iterable[str]) -> list[tuple[int, str]]:
        """(index, message) of each value that is not a known id of ``kind``."""
        return [
            (index, self.unknown_message(kind, value))
            for index, value in enumerate(values)
            if not self.knows(kind, value)
        ]


def closest_ids(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Ids spelled like ``value`` (difflib), then ids that contain it as a word part."""
    by_lower: dict[str, str] = {k.lower(): k for k in known}
    wanted = value.strip().lower()
    if not wanted:
        return []
    alike = difflib.get_close_matches(wanted, list(by_lower), n=n, cutoff=0.6)
    parts = sorted(
        k for k in by_lower if len(wanted) >= 3 and wanted in k.replace(".", "-").split("-")
    )
    found: list[str] = []
    for key in (*alike, *parts):
        if by_lower[key] not in found:
            found.append(by_lower[key])
    return found[:n]
