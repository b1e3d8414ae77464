"""Actor resolution: names, surnames and office references -> taxonomy actors.

Rules, in order of strength:
- an office reference immediately followed by a name ("Japanese Foreign
  Minister Toshimitsu Motegi", "Prime Minister Modi") is that person, and the
  office tells the role; no date resolution happens;
- a full alias is its actor (0.95);
- an office reference on its own resolves to whoever held the office on the
  document date: an office alias ("External Affairs Minister", "外務大臣"), or
  a generic title with a country right before it ("Japanese Foreign Minister",
  "Japan's new Foreign Minister", "日本の外相") or after it ("the Foreign
  Minister of Japan");
- a surname alone ("Motegi") joins the actor named in full elsewhere in the
  document, else stands alone at 0.7.
Gaps are checked on the original text, so a sentence break or comma between
"Japan" and "Foreign Minister" does not make an office reference. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from streams.classify.matcher import Kind, Match, Payload
from streams.classify.minister_names import (
    japanese_office_forms,
    minister_forms,
    ministerial_offices,
)
from streams.classify.normalise import Normalised, is_cjk
from streams.classify.values import ByValue
from streams.taxonomy.model import Actor, Role, Taxonomy

__all__ = ["ActorMention", "ActorResolver"]

FULL: Final = 0.95
FULL_WITH_OFFICE: Final = 0.97
SHORT_WITH_OFFICE: Final = 0.9
SHORT_WITH_TITLE: Final = 0.85
SHORT_NEXT_TO_TITLE: Final = 0.75
OFFICE_ALIAS: Final = 0.9
OFFICE_BY_COUNTRY: Final = 0.85
SHORT_ALONE: Final = 0.7

_TIGHT_GAP: Final = re.compile(r"[ \t,]*")
_NEAR_GAP: Final = re.compile(r"[\w \t'’‘-]*")
_OF_GAPS: Final = frozenset({"of", "of the"})
# A word right before an office title that names another office ("Vice-Minister for
# Foreign Affairs", "State Minister", "Deputy Prime Minister") or a past holder
# ("former Foreign Minister"): such a reference is not the holder on the date.
_QUALIFIERS: Final = frozenset(
    {"vice", "deputy", "dy", "dep", "state", "assistant", "under", "former", "ex", "junior"}
)
_CJK_QUALIFIED: Final = ("元", "前")  # 元外相, 前外相: a former holder
_CJK_SUFFIXES: Final = ("政務官",)  # 外務大臣政務官: a parliamentary vice-minister
# "国務長官にルビオ氏が承認されれば", "外相に茂木氏を起用": the office someone is to take
_CJK_TO_TAKE: Final = re.compile(r"に[^、。]{0,16}?(?:指名|起用|承認|就任)")
_PERSON_KINDS: Final[tuple[Kind, ...]] = ("actor", "actor_short")


class ActorMention(ByValue):
    """One reference to an actor; ``start``/``end`` index the normalised text. A plain
    class: compiled, one is built in a C call (a NamedTuple's ``__new__`` is interpreted)."""

    __slots__ = ("actor", "by_date", "confidence", "end", "office", "short", "start")

    def __init__(
        self,
        actor: str,
        start: int,
        end: int,
        confidence: float,
        office: str | None = None,
        *,
        short: bool = False,
        by_date: bool = False,
    ) -> None:
        self.actor = actor
        self.start = start
        self.end = end
        self.confidence = confidence
        self.office = office
        self.short = short
        self.by_date = by_date  # an office reference resolved to its holder on the document date

    def _fields(self) -> tuple[str, int, int, float, str | None, bool, bool]:
        return (
            self.actor,
            self.start,
            self.end,
            self.confidence,
            self.office,
            self.short,
            self.by_date,
        )

    def __repr__(self) -> str:
        return (
            f"ActorMention({self.actor!r}, {self.start}, {self.end}, {self.confidence}, "
            f"office={self.office!r}, short={self.short}, by_date={self.by_date})"
        )


def _covers(role: Role, day: date) -> bool:
    """``role.covers(day)``, compiled (the taxonomy model's methods are interpreted)."""
    start, end = role.valid_from, role.valid_to
    return (start is None or start <= day) and (end is None or day <= end)


def _role_on(actor: Actor, day: date) -> Role | None:
    """``actor.role_on(day)``, compiled."""
    for role in actor.roles:
        if _covers(role, day):
            return role
    return None


class _Reference:
    """An office reference: match indexes ``first..last`` (a country may be one of them).
    A plain class: built in a C call when compiled (a dataclass's ``__init__`` is
    interpreted)."""

    __slots__ = ("by_alias", "first", "last", "offices", "resolved")

    def __init__(
        self, offices: frozenset[str], first: int, last: int, resolved: bool, by_alias: bool
    ) -> None:
        self.offices = offices
        self.first = first
        self.last = last
        self.resolved = resolved
        self.by_alias = by_alias


@dataclass(frozen=True, slots=True)
class _Field:
    matches: Sequence[Match]
    norm: Normalised
    original: str

    def gap(self, left: Match, right: Match) -> tuple[str, str]:
        """(normalised, original) text between two matches."""
        norm_gap = self.norm.text[left.end : right.start].strip()
        o_left = self.norm.original_end(left.end - 1)
        o_right = self.norm.original_start(right.start)
        return norm_gap, self.original[o_left:o_right]


def _near(norm_gap: str, orig_gap: str, country: Sequence[Payload]) -> bool:
    """A country right before a title: at most two words, no punctuation between."""
    if orig_gap.startswith(".") and any(p.alias.endswith(".") for p in country):
        orig_gap = orig_gap[1:]  # "U.S. Secretary of State"
    if "\n" in orig_gap or not _NEAR_GAP.fullmatch(orig_gap):
        return False
    if any(is_cjk(c) for c in norm_gap):
        return norm_gap == "の"
    return len(norm_gap.split()) <= 2


def _titled_aliases(taxonomy: Taxonomy) -> dict[tuple[str, str], str]:
    """(actor id, alias) -> office, for the Japanese aliases that write a name with the
    office the actor held after it ("安倍首相", "ターンブル豪首相", "茂木外相")."""
    forms = japanese_office_forms(taxonomy)
    out: dict[tuple[str, str], str] = {}
    for actor in taxonomy.actors:
        held = [role.office for role in actor.roles if role.office is not None]
        for alias in actor.aliases.get("ja", ()):
            for office_id in held:
                if any(
                    alias.endswith(form) and len(alias) > len(form) for form in forms[office_id]
                ):
                    out[actor.id, alias] = office_id
                    break
    return out


class ActorResolver:
    """Resolves matches to actor mentions for one taxonomy (built once)."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.actors: dict[str, Actor] = {a.id: a for a in taxonomy.actors}
        self._office_country = {o.id: o.country for o in taxonomy.offices}
        self._holders: dict[str, list[tuple[Actor, Role]]] = {}
        for actor in taxonomy.actors:
            for role in actor.roles:
                if role.office:
                    self._holders.setdefault(role.office, []).append((actor, role))
        self._titled = _titled_aliases(taxonomy)
        self._minister_forms = minister_forms(taxonomy)
        self._ministerial = ministerial_offices(taxonomy)

    def holder(self, office: str, day: date) -> Actor | None:
        """The actor whose role in ``office`` covers ``day`` (first one if the data overlaps)."""
        for actor, role in self._holders.get(office, ()):
            if _covers(role, day):
                return actor
        return None

    def era(self, mentions: Sequence[ActorMention]) -> tuple[date, date] | None:
        """The days on which every person named with an office held it ("Foreign Minister
        Yoko Kamikawa": 2023-09-13..2024-09-30), or None when nobody is so named or the
        offices disagree. A page without a date is read in that era, not on today."""
        lo, hi = date.min, date.max
        constrained = False
        for mention in mentions:
            if mention.office is None or mention.by_date:
                continue
            roles = [r for r in self.actors[mention.actor].roles if r.office == mention.office]
            if not roles or any(r.valid_from is None for r in roles):
                continue
            start = min(r.valid_from or date.min for r in roles)
            end = max(r.valid_to or date.max for r in roles)
            lo, hi = max(lo, start), min(hi, end)
            constrained = True
        if not constrained or hi < lo:
            return None
        return lo, hi

    def role_in(self, actor: Actor, office: str | None, day: date) -> Role | None:
        """Role of ``actor`` in ``office`` (covering ``day`` if any), else its role on ``day``."""
        if office is not None:
            roles = [r for r in actor.roles if r.office == office]
            for role in roles:
                if _covers(role, day):
                    return role
            if roles:
                return max(roles, key=lambda r: r.valid_from or date.min)
        return _role_on(actor, day)

    def _offices(self, field: _Field, i: int) -> _Reference:
        """What office match ``i`` refers to, with a country before or after it if there is one."""
        match = field.matches[i]
        aliases = {p.id for p in match.kinds.get("office", ())}
        everything = aliases | {p.id for p in match.kinds.get("office_title", ())}
        for j, after in ((i - 1, False), (i + 1, True)):
            if not 0 <= j < len(field.matches):
                continue
            other = field.matches[j]
            countries = other.kinds.get("country", ())
            if not countries:
                continue
            if after:
                norm_gap, orig_gap = field.gap(match, other)
                ok = norm_gap in _OF_GAPS and _NEAR_GAP.fullmatch(orig_gap) is not None
            else:
                norm_gap, orig_gap = field.gap(other, match)
                ok = _near(norm_gap, orig_gap, countries)
            if not ok:
                continue
            codes = {p.id for p in countries}
            chosen = frozenset(o for o in everything if self._office_country.get(o) in codes)
            first, last = (i, j) if after else (j, i)
            return _Reference(chosen, first, last, bool(chosen), bool(aliases))
        return _Reference(frozenset(aliases or everything), i, i, bool(aliases), bool(aliases))

    @staticmethod
    def _qualified(field: _Field, match: Match) -> bool:
        """Whether the office named at ``match`` is another office, a former holder's or one
        someone is to take."""
        text = field.norm.text
        before = text[max(0, match.start - 24) : match.start]
        words = before.split()
        if words and words[-1] in _QUALIFIERS:
            return True
        if before.endswith(_CJK_QUALIFIED):
            return True
        if _CJK_TO_TAKE.match(text, match.end):
            return True
        return text[match.end : match.end + 4].lstrip().startswith(_CJK_SUFFIXES)

    def _person(self, payloads: Sequence[Payload], offices: frozenset[str]) -> tuple[Actor, bool]:
        """The person a name next to an office means, and whether they held that office."""
        for payload in payloads:
            actor = self.actors.get(payload.id)
            if actor and any(r.office in offices for r in actor.roles):
                return actor, True
        return self.actors[payloads[0].id], False

    def resolve(
        self, fields: Sequence[tuple[Sequence[Match], Normalised, str]], day: date
    ) -> list[list[ActorMention]]:
        """Mentions per field (title, body, ...), surnames attached document-wide."""
        per_field: list[list[ActorMention]] = []
        shorts: list[tuple[int, Match]] = []
        for index, (matches, norm, original) in enumerate(fields):
            field = _Field(matches, norm, original)
            mentions: list[ActorMention] = []
            consumed: set[int] = set()
            for i, match in enumerate(matches):
                kinds = match.kinds
                if ("office" not in kinds and "office_title" not in kinds) or i in consumed:
                    continue
                ref = self._offices(field, i)
                mention, person = self._named_holder(field, ref, consumed)
                if mention is not None:
                    mentions.append(mention)
                    consumed.add(person)
                elif (
                    ref.resolved
                    and len(ref.offices) == 1
                    and not self._qualified(field, match)
                    and not self._qualified(field, matches[ref.first])
                ):
                    office = next(iter(ref.offices))
                    actor = self.holder(office, day)
                    if actor is not None:
                        conf = OFFICE_ALIAS if ref.by_alias else OFFICE_BY_COUNTRY
                        start, end = matches[ref.first].start, matches[ref.last].end
                        mentions.append(
                            ActorMention(actor.id, start, end, conf, office, by_date=True)
                        )
            for i, match in enumerate(matches):
                kinds = match.kinds
                if ("actor" not in kinds and "actor_short" not in kinds) or i in consumed:
                    continue
                full = next((p for p in kinds.get("actor", ()) if p.id in self.actors), None)
                if full is not None:
                    # "安倍首相": a name written with its office names the holder, as
                    # "Prime Minister Shinzo Abe" does
                    titled = self._titled.get((full.id, full.alias))
                    mentions.append(ActorMention(full.id, match.start, match.end, FULL, titled))
                elif "actor_short" in kinds:
                    shorts.append((index, match))
            per_field.append(mentions)
        named = {m.actor for mentions in per_field for m in mentions}
        for index, match in shorts:
            short_id = self._short(match.of_kind("actor_short"), named, day)
            if short_id is not None:
                per_field[index].append(
                    ActorMention(short_id, match.start, match.end, SHORT_ALONE, short=True)
                )
        return per_field

    def _a_minister(self, actor: Actor, day: date) -> bool:
        return any(r.office in self._ministerial and _covers(r, day) for r in actor.roles)

    def _named_holder(
        self, field: _Field, ref: _Reference, consumed: set[int]
    ) -> tuple[ActorMention | None, int]:
        """A name right after the reference, or right before it when that person holds the office.

        "Foreign Minister Toshimitsu Motegi" names whoever follows; in an apposition
        ("Motegi, Japan's Foreign Minister") the name before counts only if it fits.
        """
        matches = field.matches
        after, before = ref.last + 1, ref.first - 1
        if after < len(matches) and matches[after].of_kind(*_PERSON_KINDS):
            _, orig_gap = field.gap(matches[ref.last], matches[after])
            if _TIGHT_GAP.fullmatch(orig_gap):
                mention = self._office_person(matches[after], ref, matches[ref.first].start, None)
                return mention, after
        if before >= 0 and before not in consumed and matches[before].of_kind(*_PERSON_KINDS):
            _, orig_gap = field.gap(matches[before], matches[ref.first])
            if _TIGHT_GAP.fullmatch(orig_gap):
                end = matches[ref.last].end
                mention = self._office_person(matches[before], ref, None, end)
                if mention is not None and mention.office is not None:
                    return mention, before
        return None, -1

    def _office_person(
        self, person: Match, ref: _Reference, start: int | None, end: int | None
    ) -> ActorMention | None:
        full = [p for p in person.of_kind("actor") if p.id in self.actors]
        short = [p for p in person.of_kind("actor_short") if p.id in self.actors]
        if not full and not short:
            return None
        actor, holds = self._person(full or short, ref.offices)
        office = next((r.office for r in actor.roles if r.office in ref.offices), None)
        if full:
            conf = FULL_WITH_OFFICE if holds else FULL
        else:
            conf = SHORT_WITH_OFFICE if holds and ref.resolved else SHORT_WITH_TITLE
            conf = conf if holds else SHORT_NEXT_TO_TITLE
        return ActorMention(
            actor.id,
            person.start if start is None else start,
            person.end if end is None else end,
            conf,
            office,
        )

    def _short(self, payloads: Sequence[Payload], named: set[str], day: date) -> str | None:
        """Which actor a surname means: one named in full, else the only (active) candidate.
        "茂木大臣" means Motegi only where he is named in full or is a minister that day."""
        ids = list(
            dict.fromkeys(
                [
                    p.id
                    for p in payloads
                    if p.id in self.actors
                    and (
                        p.alias not in self._minister_forms
                        or p.id in named
                        or self._a_minister(self.actors[p.id], day)
                    )
                ]
            )
        )
        in_doc = [i for i in ids if i in named]
        if in_doc:
            return in_doc[0]
        if len(ids) == 1:
            return ids[0]
        active = [i for i in ids if _role_on(self.actors[i], day) is not None]
        return active[0] if len(active) == 1 else None
