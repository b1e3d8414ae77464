"""Initiative mentions from alias matches, with context rules for ambiguous aliases.

An alias of ``aliases`` counts on its own: 0.9 when it has several words (or
four or more CJK characters), 0.75 for a single word or acronym ("FOIP").
An alias of ``ambiguous_aliases`` ("Quad", "AI Dialogue") counts only when a
``requires_any`` term is within ``window`` characters of it and no
``forbids_any`` term is, so "quad bikes" is not the Quad; such mentions get
0.75 (several words) or 0.6 (one word). "AI" on its own is never an alias.

Context terms match like aliases (whole words on normalised text) and are
found by the alias scan itself (:class:`~streams.classify.matcher.ContextHits`),
so checking a rule is a binary search and the cost does not grow with the
number of matches or the window. Pure: no I/O.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from streams.classify.matcher import ContextHits, Match
from streams.classify.normalise import Normalised, is_cjk
from streams.classify.sentences import Sentences
from streams.classify.values import ByValue
from streams.taxonomy.model import Taxonomy

__all__ = ["InitiativeMention", "InitiativeResolver", "PartyHits", "alias_confidence"]

MULTI_WORD: Final = 0.9
SINGLE_WORD: Final = 0.75
AMBIGUOUS_MULTI_WORD: Final = 0.75
AMBIGUOUS_SINGLE_WORD: Final = 0.6


class InitiativeMention(ByValue):
    """One accepted mention; ``start``/``end`` index the normalised text. A plain class, built
    in a C call when compiled (a NamedTuple's ``__new__`` is interpreted)."""

    __slots__ = ("confidence", "end", "initiative", "start")

    def __init__(self, initiative: str, start: int, end: int, confidence: float) -> None:
        self.initiative = initiative
        self.start = start
        self.end = end
        self.confidence = confidence

    def _fields(self) -> tuple[str, int, int, float]:
        return self.initiative, self.start, self.end, self.confidence

    def __repr__(self) -> str:
        return (
            f"InitiativeMention({self.initiative!r}, {self.start}, {self.end}, {self.confidence})"
        )


@lru_cache(maxsize=16384)
def alias_confidence(key: str, ambiguous: bool) -> float:
    """Confidence of one mention by the shape of its normalised alias."""
    cjk = sum(1 for c in key if is_cjk(c))
    several = len(key.split()) > 1 or cjk >= 4
    if ambiguous:
        return AMBIGUOUS_MULTI_WORD if several else AMBIGUOUS_SINGLE_WORD
    return MULTI_WORD if several else SINGLE_WORD


class PartyHits:
    """Where each country is named in one field: by name or demonym, its capital, one of
    its actors, or an office only it has (normalised offsets, sorted). Worked out on first
    use: most documents have no alias whose rule asks for parties."""

    def __init__(
        self,
        matches: Sequence[Match] = (),
        actor_country: dict[str, str] | None = None,
    ) -> None:
        self._matches = matches
        self._actor_country = actor_country or {}
        self._found: dict[str, list[int]] | None = None

    @property
    def _at(self) -> dict[str, list[int]]:
        if self._found is None:
            self._found = self._index(self._matches, self._actor_country)
        return self._found

    @classmethod
    def of(cls, matches: Sequence[Match], actor_country: dict[str, str]) -> PartyHits:
        return cls(matches, actor_country)

    @staticmethod
    def _index(matches: Sequence[Match], actor_country: dict[str, str]) -> dict[str, list[int]]:
        at: dict[str, list[int]] = {}
        for match in matches:
            codes: set[str] | None = None  # most matches name no country: no set for them
            for kind, payloads in match.kinds.items():
                if kind in ("country", "capital"):
                    found = [p.id for p in payloads]
                elif kind in ("actor", "actor_short"):
                    found = [actor_country.get(p.id, "") for p in payloads]
                elif kind == "office":
                    found = [actor_country.get("office:" + p.id, "") for p in payloads]
                else:
                    continue
                codes = set(found) if codes is None else codes.union(found)
            if codes:
                for code in codes:
                    if code:
                        at.setdefault(code, []).append(match.start)
        return at

    def near(self, code: str, lo: int, hi: int) -> bool:
        starts = self._at.get(code)
        if not starts:
            return False
        k = bisect_left(starts, lo)
        return k < len(starts) and starts[k] <= hi

    def anywhere(self, code: str) -> bool:
        return bool(self._at.get(code))

    def count(self, code: str) -> int:
        """How many times ``code`` is named in this field."""
        return len(self._at.get(code, ()))

    def codes(self) -> set[str]:
        """Every country named in this field."""
        return set(self._at)

    def codes_near(self, lo: int, hi: int) -> set[str]:
        """The countries named within ``[lo, hi]``."""
        return {code for code in self._at if self.near(code, lo, hi)}


class _Field:
    """A field's normalised form and text, and its sentences split on first need (only a
    name several pairs share asks for them, maybe many times a page)."""

    __slots__ = ("_split", "norm", "text")

    def __init__(self, norm: Normalised, text: str) -> None:
        self.norm = norm
        self.text = text
        self._split: Sentences | None = None

    @property
    def sentences(self) -> Sentences:
        if self._split is None:
            self._split = Sentences(self.text)
        return self._split


class InitiativeResolver:
    """Accepts initiative matches for one taxonomy (built once)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.names = {i.id: i.name for i in taxonomy.initiatives}
        self.parties = {i.id: tuple(i.parties) for i in taxonomy.initiatives}
        self.context_only = frozenset(
            i.id for i in taxonomy.initiatives if i.scope in ("context", "place")
        )
        self._window: dict[str, int] = {}
        self._requires: set[str] = set()
        self._requires_parties: set[str] = set()
        for ini in taxonomy.initiatives:
            if ini.context is None:
                continue
            self._window[ini.id] = ini.context.window
            if ini.context.requires_any:
                self._requires.add(ini.id)
            if ini.context.requires_parties and ini.parties:
                self._requires_parties.add(ini.id)

    def _parties_named(
        self, parties: Sequence[PartyHits], index: int, initiative: str, start: int, end: int
    ) -> bool:
        """Every party of ``initiative`` named within its window of the match, or in the
        title (field 0); a title match also looks at the head of the body."""
        window = self._window.get(initiative, 0)
        for code in self.parties[initiative]:
            here = parties[index].near(code, start - window, end + window)
            in_title = index > 0 and parties[0].anywhere(code)
            in_head = any(parties[j].near(code, 0, window) for j in range(index + 1, len(parties)))
            if not (here or in_title or in_head):
                return False
        return True

    def _title_pair_is_another(
        self,
        parties: Sequence[PartyHits],
        index: int,
        initiative: str,
        match: Match,
        field: _Field,
    ) -> bool:
        """The title names two governments, not every party of ``initiative``, and the
        match is in the title or in a body sentence that does not name every party either:
        the page's shared name is its title's pair ("Korea, U.S. finalize bilateral trade
        deal" ... "matching Japan's rate" is no US-Japan deal)."""
        in_title = parties[0].codes()
        wanted = set(self.parties[initiative])
        if len(in_title) < 2 or wanted <= in_title:
            return False
        if index == 0:
            return True
        norm = field.norm
        s_start, s_end = field.sentences.around(norm.span(match.start, match.end)[0])
        return not wanted <= parties[index].codes_near(norm.index_at(s_start), norm.index_at(s_end))

    def _parties_elsewhere(
        self,
        parties: Sequence[PartyHits],
        index: int,
        initiative: str,
        span: tuple[int, int],
        *,
        title: bool,
    ) -> int:
        """How many parties of ``initiative`` are not named in ``span`` (normalised
        offsets of the match's field) nor, with ``title`` and for a body match, in the
        title."""
        lo, hi = span[0], span[1] - 1  # near() takes both ends in; the span ends before hi
        return sum(
            1
            for code in self.parties[initiative]
            if not (title and index > 0 and parties[0].anywhere(code))
            and not parties[index].near(code, lo, hi)
        )

    def _nearest_pairs(
        self,
        initiatives: list[str],
        parties: Sequence[PartyHits],
        index: int,
        match: Match,
        field: _Field,
        *,
        before: set[str],
    ) -> list[str]:
        """Of ``initiatives`` (each with every party named near ``match``), the ones an
        earlier mention of the name was, unless the match's sentence names every party of
        one (the page's "2+2" mentioned again, "the 2+2 also confirmed cooperation with
        the US": still the one of the page); else those with the fewest parties named
        outside the match's sentence, then outside its paragraph and the title; still
        tied, those whose less named party is named most in the field, for a title in the
        whole page, then those named most in all (the pair the page is about: "India has
        the 2+2 with the US and Australia" on an India-Japan page is none of Australia and
        the US)."""
        if len(initiatives) < 2:
            return initiatives
        norm = field.norm
        o_start = norm.span(match.start, match.end)[0]
        split = field.sentences
        (s_start, s_end), (p_start, p_end) = split.around(o_start), split.paragraph(o_start)
        sentence = norm.index_at(s_start), norm.index_at(s_end)
        paragraph = norm.index_at(p_start), norm.index_at(p_end)
        # a title is about the page: its pair is the one the whole page names most
        counted = parties[index:] if index == 0 else parties[index : index + 1]
        named = {
            i: [sum(hits.count(code) for hits in counted) for code in self.parties[i]]
            for i in initiatives
        }
        ranked = [
            (
                self._parties_elsewhere(parties, index, i, sentence, title=False),
                self._parties_elsewhere(parties, index, i, paragraph, title=True),
                -min(named[i]),
                -sum(named[i]),
                i,
            )
            for i in initiatives
        ]
        earlier = [i for i in initiatives if i in before]
        if earlier and all(rank[0] > 0 for rank in ranked):
            return earlier
        best = min(rank[:4] for rank in ranked)
        return [rank[4] for rank in ranked if rank[:4] == best]

    def _named_before(
        self, parties: PartyHits, initiative: str, match: Match, before: set[str]
    ) -> bool:
        """The page named ``initiative`` in full before, and no other government is named
        near this short name: "the second meeting of the AI Dialogue" far below "the
        Japan-India AI Dialogue" is it; "the India-US 2+2 Ministerial Dialogue" on a page about
        the India-Japan 2+2 is not."""
        if initiative not in before:
            return False
        window = self._window.get(initiative, 0)
        near = parties.codes_near(match.start - window, match.end + window)
        return near <= set(self.parties[initiative])

    def _holds(
        self, terms: Sequence[tuple[ContextHits, int, int]], initiative: str, start: int, end: int
    ) -> bool:
        """Context rule at ``[start, end)``; ``terms`` are (found terms, lo, hi) to look in.

        The first entry is the match's own text (``lo``/``hi`` ignored); a title
        match also looks at the head of the body.
        """
        window = self._window.get(initiative)
        if window is None:
            return False
        ranges = [
            (found, start - window if i == 0 else lo, end + window if i == 0 else hi)
            for i, (found, lo, hi) in enumerate(terms)
        ]
        if any(found.near("forbids", initiative, lo, hi) for found, lo, hi in ranges):
            return False
        return initiative not in self._requires or any(
            found.near("requires", initiative, lo, hi) for found, lo, hi in ranges
        )

    def resolve(
        self,
        fields: Sequence[tuple[Sequence[Match], Normalised, str]],
        context: Sequence[ContextHits],
        parties: Sequence[PartyHits] | None = None,
    ) -> list[list[InitiativeMention]]:
        """Accepted mentions per field (title, body); the title's context extends into the body.

        ``context`` holds the context terms found in each field (by the same scan),
        ``parties`` where each country is named in it (for ``requires_parties`` rules).
        """
        named = parties or [PartyHits() for _ in fields]
        out: list[list[InitiativeMention]] = []
        # what the page named so far: in full, or by a name several pairs share
        named_so_far: set[str] = set()
        for index, (matches, norm, text) in enumerate(fields):
            field = _Field(norm, text)
            mentions: list[InitiativeMention] = []
            for match in matches:
                kinds = match.kinds
                if "initiative" not in kinds and "ambiguous" not in kinds:
                    continue
                key = norm.text[match.start : match.end]
                seen: set[str] = set()
                for payload in kinds.get("initiative", ()):
                    if payload.id not in seen:
                        seen.add(payload.id)
                        named_so_far.add(payload.id)
                        conf = alias_confidence(key, False)
                        mentions.append(InitiativeMention(payload.id, match.start, match.end, conf))
                by_parties: list[str] = []  # the ids of a name several pairs share
                for payload in kinds.get("ambiguous", ()):
                    if payload.id in seen:
                        continue
                    window = self._window.get(payload.id, 0)
                    scopes = [(context[index], 0, 0)]
                    scopes += [(context[j], 0, window) for j in range(index + 1, len(fields))]
                    if self._holds(scopes, payload.id, match.start, match.end) and (
                        payload.id not in self._requires_parties
                        or (
                            self._parties_named(named, index, payload.id, match.start, match.end)
                            and not self._title_pair_is_another(
                                named, index, payload.id, match, field
                            )
                        )
                        or self._named_before(named[index], payload.id, match, named_so_far)
                    ):
                        seen.add(payload.id)
                        if payload.id in self._requires_parties:
                            by_parties.append(payload.id)
                            continue
                        conf = alias_confidence(key, True)
                        mentions.append(InitiativeMention(payload.id, match.start, match.end, conf))
                # a name several pairs share ("the 2+2") is the one of the pair named
                # nearest it (its sentence, its paragraph and the title, the page)
                for initiative in self._nearest_pairs(
                    by_parties, named, index, match, field, before=named_so_far
                ):
                    named_so_far.add(initiative)
                    conf = alias_confidence(key, True)
                    mentions.append(InitiativeMention(initiative, match.start, match.end, conf))
            out.append(mentions)
        return out
