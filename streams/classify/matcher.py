"""Alias matcher: one Aho-Corasick automaton over every normalised alias of a taxonomy.

Word boundaries are part of the automaton, not a check after it: a key gets a
space on each end that is not CJK, and the scanned text is padded with a space
on both sides, so "quad" never matches inside "quadcopter" and the automaton
reports almost no matches that are later thrown away. CJK ends get no space
(Japanese has no word breaks). All-capital aliases of up to three letters
("US", "PM", "MEA") must also be all-capital in the original text, so the
pronoun "us" or "3 pm" does not match. A word that goes on through an
apostrophe ("Xi'an", "Shi'ite") is one word: the alias "Xi" does not match in it,
while the possessive ("Xi's", "Modi’s") does. Overlaps resolve leftmost-longest.

Built once per taxonomy and reused for every document. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import ahocorasick

from streams.classify.normalise import Normalised, is_cjk, normalise
from streams.taxonomy.model import Taxonomy

__all__ = ["Kind", "Match", "Matcher", "Payload", "payloads_of"]

Kind = Literal[
    "initiative",
    "ambiguous",
    "actor",
    "actor_short",
    "office",
    "office_title",
    "country",
    "requires",
    "forbids",
]


@dataclass(frozen=True, slots=True)
class Payload:
    """What an alias stands for; ``alias`` is the taxonomy's original spelling."""

    kind: Kind
    id: str
    language: str
    alias: str


@dataclass(frozen=True, slots=True)
class Match:
    """A resolved match: ``[start, end)`` in the normalised text, with every payload of its key."""

    start: int
    end: int
    payloads: tuple[Payload, ...]

    def of_kind(self, *kinds: Kind) -> tuple[Payload, ...]:
        if len(self.payloads) == 1:  # the common case, kept cheap
            return self.payloads if self.payloads[0].kind in kinds else ()
        return tuple(p for p in self.payloads if p.kind in kinds)


@dataclass(frozen=True, slots=True)
class _Key:
    length: int
    pad_left: bool
    pad_right: bool
    case_sensitive: bool
    payloads: tuple[Payload, ...]


def _is_short_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


_APOSTROPHES = "'’"


def _runs_on(original: str, end: int) -> bool:
    """Whether the word ending at ``end`` goes on through an apostrophe (not a possessive)."""
    if original[end : end + 1] not in _APOSTROPHES or not original[end + 1 : end + 2].isalpha():
        return False
    rest = original[end + 1 : end + 3]
    return not (rest[:1] in "sS" and not rest[1:2].isalpha())


def payloads_of(taxonomy: Taxonomy) -> list[tuple[str, Payload]]:
    """Every (alias, payload) of a taxonomy, in taxonomy order.

    Display names of initiatives and actors are not aliases (a name such as
    "Quad" may be ambiguous); country names are.
    """
    out: list[tuple[str, Payload]] = []

    def add(kind: Kind, ident: str, aliases: dict[str, list[str]]) -> None:
        for language, names in aliases.items():
            out.extend((name, Payload(kind, ident, language, name)) for name in names)

    for country in taxonomy.countries:
        add("country", country.code, {"en": [country.name], **country.aliases})
    for office in taxonomy.offices:
        add("office", office.id, office.aliases)
        add("office_title", office.id, office.titles)
    for initiative in taxonomy.initiatives:
        add("initiative", initiative.id, initiative.aliases)
        add("ambiguous", initiative.id, initiative.ambiguous_aliases)
    for actor in taxonomy.actors:
        add("actor", actor.id, actor.aliases)
        add("actor_short", actor.id, actor.short_aliases)
    return out


class Matcher:
    """Leftmost-longest alias matching over normalised text."""

    def __init__(self, entries: Iterable[tuple[str, Payload]]) -> None:
        grouped: dict[str, tuple[list[Payload], list[bool]]] = {}
        for alias, payload in entries:
            key = normalise(alias).text
            if not key:
                continue
            payloads, cases = grouped.setdefault(key, ([], []))
            if payload not in payloads and all(
                (p.kind, p.id) != (payload.kind, payload.id) for p in payloads
            ):
                payloads.append(payload)
            cases.append(_is_short_acronym(alias))
        self._automaton = ahocorasick.Automaton()
        for key, (payloads, cases) in grouped.items():
            pad_left, pad_right = not is_cjk(key[0]), not is_cjk(key[-1])
            padded = (" " if pad_left else "") + key + (" " if pad_right else "")
            self._automaton.add_word(
                padded, _Key(len(padded), pad_left, pad_right, all(cases), tuple(payloads))
            )
        self.size = len(grouped)
        if self.size:
            self._automaton.make_automaton()

    @classmethod
    def for_taxonomy(cls, taxonomy: Taxonomy) -> Matcher:
        return cls(payloads_of(taxonomy))

    def scan(self, norm: Normalised, original: str, *, overlapping: bool = False) -> list[Match]:
        """Matches in ``norm`` (of ``original``), in order; leftmost-longest unless overlapping."""
        if not self.size or not norm.text:
            return []
        candidates: list[tuple[int, int, _Key]] = []
        for last, key in self._automaton.iter(" " + norm.text + " "):
            # padded text index ``last`` is normalised index ``last - 1``
            start = last - key.length + 1 + key.pad_left - 1
            end = last + 1 - key.pad_right - 1
            if key.case_sensitive:
                o_start, o_end = norm.span(start, end)
                if not all(c.isupper() for c in original[o_start:o_end] if c.isalpha()):
                    continue
            if key.pad_right and _runs_on(original, norm.original_end(end - 1)):
                continue
            candidates.append((start, end, key))
        candidates.sort(key=lambda c: (c[0], c[0] - c[1]))
        if overlapping:
            return [Match(start, end, key.payloads) for start, end, key in candidates]
        out: list[Match] = []
        reach = 0
        for start, end, key in candidates:
            if start >= reach:
                out.append(Match(start, end, key.payloads))
                reach = end
        return out
