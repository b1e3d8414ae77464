"""Taxonomy models: validated with pydantic, cross-references checked.

Aliases are per language (``en``, ``ja``, ...). ``short_aliases`` of an actor
(surname-only forms such as "Motegi") count on their own with a lower
confidence and attach to the full actor when the full name also appears.
Office references ("the External Affairs Minister", "Japan's Foreign Minister")
resolve to the actor whose role in that office covers the document's date.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

Aliases = dict[str, list[str]]
_ID = r"^[a-z0-9][a-z0-9_.-]*$"
Scope = Literal["tracked", "context", "place"]
"""``tracked``: labelled on documents. ``context``: recognised so that it is not mistaken
for something tracked (Lawrence Wong is not Penny Wong, the G20 summit is no bilateral
initiative), but never a label: people of untracked governments, multilateral
institutions and their meetings, forums, armed services, companies. ``place``: a region
whose name holds a country's (インド太平洋, the Indo-Pacific, holds インド): recognised
so that the country is not read inside it, never a label, and no known initiative (a
name that contains it, インド太平洋経済枠組み, may be a new one)."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ContextRule(_Strict):
    """Context an ambiguous alias needs: a ``requires_any`` term near it, no ``forbids_any``,
    and with ``requires_parties`` every party named near it (its country, a demonym or one of
    its actors) or in the title: "the 2+2" is India–Japan's only where both are named."""

    requires_any: list[str] = Field(default_factory=list)
    forbids_any: list[str] = Field(default_factory=list)
    requires_parties: bool = False
    window: int = Field(default=250, ge=10, le=5000, description="characters either side")


class Country(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,3}$")
    name: str
    aliases: Aliases = Field(default_factory=dict, description="names and demonyms")
    capitals: Aliases = Field(
        default_factory=dict,
        description="its capital's names: name its government where a rule asks for its "
        'parties ("New Delhi and Tokyo agreed"), never a country label (a venue is no party)',
    )


class Office(_Strict):
    """A public office; ``titles`` combine with country names and demonyms."""

    id: str = Field(pattern=_ID)
    title: str
    country: str
    titles: Aliases = Field(default_factory=dict, description="generic titles, need a country")
    aliases: Aliases = Field(default_factory=dict, description="unambiguous references")


class Role(_Strict):
    title: str
    office: str | None = None
    organisation: str | None = None
    country: str | None = None
    valid_from: date | None = Field(default=None, alias="from")
    valid_to: date | None = Field(default=None, alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Role:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(
                f"role {self.title!r} ends ({self.valid_to}) before it starts "
                f"({self.valid_from}); fix from/to"
            )
        return self

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Actor(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    kind: Literal["person", "organisation"] = "person"
    country: str | None = None
    aliases: Aliases = Field(default_factory=dict)
    short_aliases: Aliases = Field(default_factory=dict)
    roles: list[Role] = Field(default_factory=list)
    scope: Scope = "tracked"

    def role_on(self, day: date) -> Role | None:
        for role in self.roles:
            if role.covers(day):
                return role
        return None


class Initiative(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    description: str = ""
    parties: list[str] = Field(default_factory=list)
    parent: str | None = None
    status: Literal["proposed", "active", "concluded", "suspended"] = "active"
    aliases: Aliases = Field(default_factory=dict)
    ambiguous_aliases: Aliases = Field(default_factory=dict)
    context: ContextRule | None = None
    scope: Scope = "tracked"

    @model_validator(mode="after")
    def _context_for_ambiguous(self) -> Initiative:
        if self.ambiguous_aliases and self.context is None:
            raise ValueError(
                f"initiative {self.id!r} has ambiguous_aliases but no context rule; "
                "add context.requires_any"
            )
        return self


class Taxonomy(_Strict):
    version: str = "1"
    countries: list[Country] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Taxonomy:
        """Ids unique, references resolvable. An extension file alone (context
        ``partial``) may refer to what the taxonomy it extends defines; the merged
        result is checked in full. ``defer_references`` leaves both checks to the
        caller (``taxonomy check`` runs them itself to report each with its line)."""
        context = info.context or {}
        if context.get("defer_references"):
            return self
        problems = reference_problems(self, partial=bool(context.get("partial")))
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self


Location = tuple[str | int, ...]


def reference_problems(taxonomy: Taxonomy, *, partial: bool) -> list[tuple[Location, str]]:
    """Duplicate ids and unresolvable references, each with where it is in the taxonomy.

    ``partial``: only duplicates (an extension may refer to the taxonomy it extends).
    """
    problems: list[tuple[Location, str]] = []
    for kind, field, items in (
        ("initiative", "initiatives", [i.id for i in taxonomy.initiatives]),
        ("actor", "actors", [a.id for a in taxonomy.actors]),
        ("office", "offices", [o.id for o in taxonomy.offices]),
        ("country", "countries", [c.code for c in taxonomy.countries]),
    ):
        seen: set[str] = set()
        for index, ident in enumerate(items):
            if ident in seen:
                problems.append(
                    ((field, index), f"{kind} id {ident!r} is defined twice; ids must be unique")
                )
            seen.add(ident)
    if partial:
        return problems
    countries = {c.code for c in taxonomy.countries}
    offices = {o.id for o in taxonomy.offices}
    initiatives = {i.id for i in taxonomy.initiatives}
    actors = {a.id for a in taxonomy.actors}
    for i, ini in enumerate(taxonomy.initiatives):
        if ini.parent and ini.parent not in initiatives:
            problems.append(
                (
                    ("initiatives", i, "parent"),
                    f"initiative {ini.id!r}: parent {ini.parent!r} is not an initiative",
                )
            )
        for k, party in enumerate(ini.parties):
            if party not in countries:
                problems.append(
                    (
                        ("initiatives", i, "parties", k),
                        f"initiative {ini.id!r}: party {party!r} is not a country code",
                    )
                )
    for i, office in enumerate(taxonomy.offices):
        if office.country not in countries:
            problems.append(
                (
                    ("offices", i, "country"),
                    f"office {office.id!r}: country {office.country!r} is unknown",
                )
            )
    for i, actor in enumerate(taxonomy.actors):
        if actor.country and actor.country not in countries:
            problems.append(
                (
                    ("actors", i, "country"),
                    f"actor {actor.id!r}: country {actor.country!r} is unknown",
                )
            )
        for j, role in enumerate(actor.roles):
            if role.office and role.office not in offices:
                problems.append(
                    (
                        ("actors", i, "roles", j, "office"),
                        f"actor {actor.id!r}: office {role.office!r} is not defined",
                    )
                )
            if role.organisation and role.organisation not in actors:
                problems.append(
                    (
                        ("actors", i, "roles", j, "organisation"),
                        f"actor {actor.id!r}: organisation {role.organisation!r} is not an actor",
                    )
                )
    return problems
