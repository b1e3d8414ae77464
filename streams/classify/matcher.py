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

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal, NamedTuple, cast

from streams.classify.by_script import ScriptAutomata
from streams.classify.minister_names import minister_forms
from streams.classify.normalise import Normalised, is_cjk, normalise
from streams.classify.values import ByValue
from streams.taxonomy.model import Taxonomy

__all__ = [
    "ContextHits",
    "Kind",
    "Match",
    "Matcher",
    "Payload",
    "context_terms_of",
    "payloads_of",
]

Kind = Literal[
    "initiative",
    "ambiguous",
    "actor",
    "actor_short",
    "office",
    "office_title",
    "country",
    "capital",
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


_NO_KINDS: Final[Mapping[str, tuple[Payload, ...]]] = MappingProxyType({})


class Match(ByValue):
    """A resolved match: ``[start, end)`` in the normalised text, with every payload of its key.

    ``kinds`` holds the payloads by kind (shared by every match of the key), so
    the resolvers' many "is this an office?" questions are one dict look-up. A plain
    class, not a NamedTuple: compiled, one is built in a C call, a NamedTuple through
    its interpreted ``__new__`` (the scan builds one per hit).
    """

    __slots__ = ("end", "kinds", "payloads", "start")

    def __init__(
        self,
        start: int,
        end: int,
        payloads: tuple[Payload, ...],
        kinds: Mapping[str, tuple[Payload, ...]] = _NO_KINDS,
    ) -> None:
        self.start = start
        self.end = end
        self.payloads = payloads
        self.kinds = kinds

    def _fields(self) -> tuple[int, int, tuple[Payload, ...]]:
        return self.start, self.end, self.payloads

    def __repr__(self) -> str:
        return f"Match(start={self.start}, end={self.end}, payloads={self.payloads!r})"

    def of_kind(self, *kinds: Kind) -> tuple[Payload, ...]:
        payloads = self.payloads
        if len(payloads) == 1:  # the common case, kept cheap
            return payloads if payloads[0].kind in kinds else ()
        return tuple(p for p in payloads if p.kind in kinds)


class ContextHits:
    """Where the context terms of one text are: answers "is a ``kind`` term of ``ident``
    within ``[lo, hi]``?".

    The scan records each hit once, by its key (one key is a term of several rules:
    "India" is a ``requires`` term of dozens), not once per (kind, id) it stands for:
    a page names countries in most sentences and asks about a few rules only.
    """

    def __init__(
        self,
        found: list[tuple[int, int]],
        keys_of: Mapping[tuple[str, str], tuple[int, ...]] = MappingProxyType({}),
    ) -> None:
        self._found = found  # (start, key number), in automaton order
        self._keys_of = keys_of  # (kind, id) -> numbers of the keys that are its terms
        self._at: dict[int, list[int]] | None = None

    def near(self, kind: str, ident: str, lo: int, hi: int) -> bool:
        """Whether a ``kind`` term of ``ident`` starts within ``[lo, hi]``."""
        keys = self._keys_of.get((kind, ident))
        if not keys:
            return False
        at = self._at
        if at is None:
            at = self._at = {}
            for start, number in self._found:
                at.setdefault(number, []).append(start)
            for found in at.values():
                found.sort()
        for number in keys:
            starts = at.get(number, ())
            k = bisect_left(starts, lo)
            if k < len(starts) and starts[k] <= hi:
                return True
        return False


class _Key(NamedTuple):
    """What the automaton holds for one padded key; a tuple, unpacked in the scan loop
    (the loop runs once per raw hit, so every attribute look-up there counts)."""

    back: int  # a hit ending at padded index ``last`` starts at normalised ``last - back``
    pad_right: int  # and ends at normalised ``last - pad_right``
    cased: bool  # the alias or the term must be all-capital in the original text
    alias: Match | None  # the match's payloads (start/end unset), if an alias
    alias_cased: bool
    context: int  # number of the key among context terms, -1 if none
    context_cased: bool


def _is_short_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


_APOSTROPHES: Final = "'’"
_US_WORD: Final = re.compile(r"(?<![\w.])US(?![\w.])")  # "US", not "USA", "U.S." or "BUS"
_APOSTROPHE: Final = re.compile("['’]")


def _runs_on(original: str, end: int) -> bool:
    """Whether the word ending at ``end`` goes on through an apostrophe (not a possessive)."""
    if original[end : end + 1] not in _APOSTROPHES or not original[end + 1 : end + 2].isalpha():
        return False
    rest = original[end + 1 : end + 3]
    return not (rest[:1] in "sS" and not rest[1:2].isalpha())


def _run_on_ends(norm: Normalised, original: str) -> set[int]:
    """Normalised ends ``e`` where the word ending at ``e - 1`` runs on through an apostrophe.

    The same test as ``_runs_on(original, norm.original_end(e - 1))``, done once per
    apostrophe of the text rather than once per match.
    """
    out: set[int] = set()
    size = len(norm.text)
    for found in _APOSTROPHE.finditer(original):
        at = found.start()
        if not _runs_on(original, at):
            continue
        i = bisect_left(range(size), at, key=norm.original_end)
        while i < size and norm.original_end(i) == at:
            out.add(i + 1)
            i += 1
    return out


def _dotted(names: list[str]) -> list[str]:
    """``names`` and, for each that writes the United States "US" as a word, the same
    with "U.S." (normalised "u s"), as most American and many Indian outlets write it:
    "India-U.S. 2+2 Ministerial Dialogue" is the India-US 2+2; and each Japanese name
    with the other spelling of イニシアティブ. Every form once."""
    out = list(names)
    for name in names:
        dotted = _US_WORD.sub("U.S.", name)
        if dotted != name and dotted not in out:
            out.append(dotted)
        for one, other in _KATAKANA_TWINS:  # Japanese writes some loanwords two ways
            twin = name.replace(one, other)
            if twin != name and twin not in out:
                out.append(twin)
    return out


# the two spellings of a loanword that Japanese news uses alike (イニシアティブ, イニシアチブ)
_KATAKANA_TWINS: Final = (("イニシアティブ", "イニシアチブ"), ("イニシアチブ", "イニシアティブ"))


def payloads_of(taxonomy: Taxonomy) -> list[tuple[str, Payload]]:
    """Every (alias, payload) of a taxonomy, in taxonomy order.

    Display names of initiatives and actors are not aliases (a name such as
    "Quad" may be ambiguous); country names are.
    """
    out: list[tuple[str, Payload]] = []

    def add(kind: Kind, ident: str, aliases: dict[str, list[str]]) -> None:
        for language, names in aliases.items():
            out.extend((name, Payload(kind, ident, language, name)) for name in _dotted(names))

    for country in taxonomy.countries:
        add("country", country.code, {"en": [country.name], **country.aliases})
        add("capital", country.code, country.capitals)
    for office in taxonomy.offices:
        add("office", office.id, office.aliases)
        add("office_title", office.id, office.titles)
    for initiative in taxonomy.initiatives:
        add("initiative", initiative.id, initiative.aliases)
        add("ambiguous", initiative.id, initiative.ambiguous_aliases)
    for actor in taxonomy.actors:
        add("actor", actor.id, actor.aliases)
        add("actor_short", actor.id, actor.short_aliases)
    for form, actor_id in minister_forms(taxonomy).items():  # "茂木大臣"
        add("actor_short", actor_id, {"ja": [form]})
    return out


def context_terms_of(taxonomy: Taxonomy) -> list[tuple[str, Payload]]:
    """Every context term of the initiatives' rules, as "requires"/"forbids" payloads."""
    out: list[tuple[str, Payload]] = []
    for initiative in taxonomy.initiatives:
        if initiative.context is None:
            continue
        out.extend(
            (term, Payload("requires", initiative.id, "", term))
            for term in initiative.context.requires_any
        )
        out.extend(
            (term, Payload("forbids", initiative.id, "", term))
            for term in initiative.context.forbids_any
        )
    return out


class Matcher:
    """Leftmost-longest alias matching over normalised text.

    ``context`` terms (kinds "requires"/"forbids") share the automaton, so one
    pass finds both the aliases and every occurrence of every context term; a text
    without CJK keys scans the Latin keys' automaton alone (:mod:`.by_script`).
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, Payload]],
        context: Iterable[tuple[str, Payload]] = (),
    ) -> None:
        grouped: dict[str, tuple[list[Payload], list[bool], list[Payload], list[bool]]] = {}
        for is_context, pairs in ((False, entries), (True, context)):
            for alias, payload in pairs:
                key = normalise(alias).text
                if not key:
                    continue
                group = grouped.setdefault(key, ([], [], [], []))
                payloads, cases = (group[2], group[3]) if is_context else (group[0], group[1])
                if payload not in payloads and all(
                    (p.kind, p.id) != (payload.kind, payload.id) for p in payloads
                ):
                    payloads.append(payload)
                cases.append(_is_short_acronym(alias))
        self._automaton = ScriptAutomata()
        self._contexts: list[str] = []  # context keys, by number
        self.size = 0
        keys_of: dict[tuple[str, str], list[int]] = {}
        for key, (payloads, cases, terms, term_cases) in grouped.items():
            pad_left, pad_right = not is_cjk(key[0]), not is_cjk(key[-1])
            padded = (" " if pad_left else "") + key + (" " if pad_right else "")
            kinds: dict[str, tuple[Payload, ...]] = {}
            for payload in payloads:
                kinds[payload.kind] = (*kinds.get(payload.kind, ()), payload)
            number = -1
            if terms:
                number = len(self._contexts)
                self._contexts.append(key)
                for term in terms:
                    keys_of.setdefault((term.kind, term.id), []).append(number)
            alias_cased = bool(cases) and all(cases)
            context_cased = bool(term_cases) and all(term_cases)
            self._automaton.add_word(
                padded,
                _Key(
                    len(padded) - pad_left,
                    pad_right,
                    alias_cased or context_cased,
                    Match(0, 0, tuple(payloads), MappingProxyType(kinds)) if payloads else None,
                    alias_cased,
                    number,
                    context_cased,
                ),
            )
            self.size += bool(payloads)
        self._keys_of = MappingProxyType({term: tuple(n) for term, n in keys_of.items()})
        if grouped:
            self._automaton.make_automaton()

    @classmethod
    def for_taxonomy(cls, taxonomy: Taxonomy) -> Matcher:
        return cls(payloads_of(taxonomy), context_terms_of(taxonomy))

    def scan(self, norm: Normalised, original: str, *, overlapping: bool = False) -> list[Match]:
        """Matches in ``norm`` (of ``original``), in order; leftmost-longest unless overlapping."""
        return self.scan_with_context(norm, original, overlapping=overlapping)[0]

    def scan_with_context(
        self, norm: Normalised, original: str, *, overlapping: bool = False
    ) -> tuple[list[Match], ContextHits]:
        """Alias matches (as :meth:`scan`) and where the context terms are, in one pass."""
        found: list[tuple[int, int]] = []
        text = norm.text
        if not text or not len(self._automaton):
            return [], ContextHits(found)
        candidates: list[tuple[int, int, int, Match]] = []
        span = norm.span
        run_on = _run_on_ends(norm, original)
        for hit in self._automaton.for_text(text).iter(" " + text + " "):
            # typed, so that compiled the loop unpacks native values, not objects
            last, key = cast(tuple[int, _Key], hit)
            back, pad_right, cased, alias, alias_cased, context, context_cased = key
            # padded text index ``last`` is normalised index ``last - 1``
            start = last - back
            end = last - pad_right
            if run_on and pad_right and end in run_on:
                continue
            lower = False  # rare: a short acronym ("US", "MEA") must be in capitals
            if cased:
                o_start, o_end = span(start, end)
                lower = not all(c.isupper() for c in original[o_start:o_end] if c.isalpha())
            if alias is not None and not (lower and alias_cased):
                candidates.append((start, start - end, end, alias))
            if context >= 0 and not (lower and context_cased):
                found.append((start, context))
        # leftmost, then longest; (start, end) is one key's, so ties never reach the match
        candidates.sort()
        out: list[Match] = []
        reach = 0
        for start, _, end, alias in candidates:
            if overlapping or start >= reach:
                out.append(Match(start, end, alias.payloads, alias.kinds))
                reach = end
        return out, ContextHits(found, self._keys_of)
