"""The classifier: one document's text -> initiatives, actors, countries, commitments.

Decisions (the contract with the warehouse and alerts):
- Title and body are both scanned; evidence offsets index the BODY only, so
  ``body[start:end] == text`` always holds. A label found only in the title
  has no evidence and 0.9 times its confidence; each further mention (title
  or body) adds 0.03, at most 0.06, capped at 0.99.
- ``countries``: ISO-like codes, sorted, of the governments party to what the
  document reports: countries of the matched actors, the parties of matched
  initiatives with at most two parties, or three or four when the title or the first
  sentence names it (a report opening on the Quad implies AU, IN, JP, US; a bilateral one
  that goes on to "Quad cooperation", or met "on the occasion of the Quad summit" later in
  its lead, does not; the G20 never implies its twenty members), countries named in
  the title (not as what the parties have in mind: "China apparently in mind", nor as the
  place where two parties the title names met: "... in Malaysia"), two
  governments named as a pair in the body's lead ("Japan and Australia agreed"), and the
  governments of other office holders named in full in its first sentence ("President
  Lee Jae Myung and Prime Minister Ishiba issued ...": Korea's, though its office holders
  are no labels).
  A country otherwise named in the body only is not a party (streams.classify.parties):
  "amid China's rise", "after the US tariffs" are what the parties discussed. A page
  that is not relevant reports no engagement, so it has no countries.
- ``relevant``: at least one initiative, two followed governments as the lead's pair in the
  domain, or an office holder named (not by a surname
  alone) in a page of the domain or of an event of theirs, or two actors so named (a
  ministry and an office holder); these last two not in a page of an election campaign at
  home (no government named but the actors' own). Commitments come
  from the body only, and only for relevant documents. A surname alone is no label in a
  page that names nothing else of ours: "Motegi" there is the circuit more often.
- ``language`` is not used to pick aliases: every alias of every language is
  scanned, since news mixes scripts ("日印AI対話", "FOIP").
- Bad input never raises: empty text is not relevant; a body longer than
  ``max_chars`` (title: 4,096) is cut and ``truncated`` is set.
- ``version`` (classifier_version) is a hash of ``code_version`` and the
  taxonomy digest: change either and replayed documents get new labels that
  are distinguishable from the old ones.
Pure: no I/O; build one per taxonomy (~0.2 s for the default) and reuse it.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Final

from schemas.classification import (
    ActorLabel,
    Commitment,
    Evidence,
    InitiativeCandidate,
    InitiativeLabel,
    Occurrence,
)
from schemas.documents import DateSource
from streams.classify.actors import ActorMention, ActorResolver
from streams.classify.built import built
from streams.classify.candidates import CandidateFinder, party_names
from streams.classify.commitments import Anchor, extract_commitments
from streams.classify.dating import Dating
from streams.classify.initiatives import InitiativeMention, InitiativeResolver, PartyHits
from streams.classify.matcher import ContextHits, Match, Matcher
from streams.classify.normalise import Normalised, american_spelling, normalise
from streams.classify.parties import LEAD_CHARS, paired_in_lead
from streams.classify.pickling import by_fields
from streams.classify.report_event import occurrences_of, read_event
from streams.classify.sentences import Sentences
from streams.classify.story_signals import EventSignals, names_an_event
from streams.taxonomy.load import taxonomy_digest
from streams.taxonomy.model import Taxonomy

__all__ = ["CODE_VERSION", "Classification", "Classifier", "DocumentText"]

CODE_VERSION: Final = "classify-10"  # bump when labels change for the same taxonomy
DEFAULT_MAX_CHARS: Final = 1_000_000
TITLE_MAX_CHARS: Final = 4_096
TITLE_ONLY_FACTOR: Final = 0.9
REPEAT_BOOST: Final = 0.03
MAX_BOOST: Final = 0.06
MAX_CONFIDENCE: Final = 0.99
MAX_IMPLIED_PARTIES: Final = 4  # a minilateral implies its parties; the G20 does not
_PERSON_KINDS: Final = frozenset({"actor", "actor_short"})
# what the news followed is about: a page naming one office holder alone is relevant when it
# reports an event of theirs or speaks of one of these (a prime minister on an earthquake is not)
_DOMAIN: Final = re.compile(
    r"\b(?:supply chains?|security|defen[cs]e|trade|tariffs?|econom(?:ic|y)|diplomac|"
    r"diplomatic|foreign|cooperation|partnership|agreement|investment|technolog|minerals?|"
    r"bilateral|alliance|sanctions?|exports?|military|naval|navy|warships?|frigates?|"
    r"submarines?)|経済|安全保障|安保|外交|防衛|国防|自衛隊|軍事|同盟|貿易|"
    r"協力|関税|投資|供給網|サプライチェーン|政策",
    re.IGNORECASE,
)


def _speaks_of_the_domain(title: str, body: str) -> bool:
    return bool(_DOMAIN.search(title) or _DOMAIN.search(body))


# affairs at home: an election campaign ("PM Modi accuses Congress, RJD of feud over CM face
# at Arrah rally"), a party's leadership race, a cabinet reshuffle, a funds scandal, a
# disaster, the markets
_AT_HOME: Final = re.compile(
    r"\b(?:elections?|rall(?:y|ies)|campaign(?:s|ing)?|polls|voters?|constituenc(?:y|ies)|"
    r"manifesto|leadership (?:race|contest|election)|successor|reshuffle[ds]?|slush funds?|"
    r"earthquakes?|quake|tsunami|typhoons?|floods?|flooding|wildfires?|Sensex|Nifty|"
    r"Nikkei (?:225|average|index|stock)|stock markets?|share prices)\b"
    r"|選挙|遊説|街頭演説|総裁選|代表選|内閣改造|改造内閣|組閣|入閣|裏金|政治資金|地震|被災|"
    r"豪雨|台風|株価|日経平均",
    re.IGNORECASE,
)


def _at_home(
    title: _Scanned,
    body: _Scanned,
    actors: Sequence[ActorLabel],
    followed: frozenset[str],
    others: set[str],
) -> bool:
    """A page whose title or lead tells of affairs at home (``_AT_HOME``) and that names no
    government but its office holders' own, neither a government followed nor one whose
    office holder it names (``others``): no engagement (a rally speech that touches on
    alliances, a leadership race that speaks of China; not Canada's prime minister
    congratulating Japan's on her election victory at their summit)."""
    own = {label.country for label in actors if label.country}
    named = {p.id for s in (title, body) for m in s.matches for p in m.kinds.get("country", ())}
    if not (named & followed) | others <= own:
        return False  # most pages of two governments: no need to read for affairs at home
    return bool(_AT_HOME.search(title.text) or _AT_HOME.search(body.text, 0, LEAD_CHARS))


@dataclass(frozen=True, slots=True)
class DocumentText:
    """What the classifier reads of a document.

    ``published`` is the publication date given with it (``date_source`` says by what:
    "record" or "metadata"); without one the classifier reads a date from the text and
    falls back on ``observed``, the day policywatch saw the document.
    """

    document_id: str
    title: str
    body: str
    language: str | None = None
    published: date | None = None
    date_source: DateSource | None = None
    observed: date | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


@dataclass(frozen=True, slots=True)
class Classification:
    """Labels of one document; evidence offsets index its body."""

    relevant: bool
    initiatives: tuple[InitiativeLabel, ...] = ()
    actors: tuple[ActorLabel, ...] = ()
    countries: tuple[str, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    truncated: bool = False
    published: date | None = None
    date_source: DateSource = "observed"
    candidates: tuple[InitiativeCandidate, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()
    event: EventSignals | None = None  # what the lead reports (relevant documents only)
    year_guessed: bool = False  # ``published`` is a dateline's day in a guessed year
    # other governments' office holders named in full (no labels: context for stories)
    counterparts: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


@dataclass(frozen=True, slots=True)
class _Scanned:
    text: str
    norm: Normalised
    matches: list[Match]
    context: ContextHits


class _Split:
    """The body's sentences, split on first use (most pages need none)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._sentences: Sentences | None = None

    def __call__(self) -> Sentences:
        if self._sentences is None:
            self._sentences = Sentences(self._text)
        return self._sentences


class _BodyHits:
    """The body's taxonomy matches, asked about one stretch (body offsets): matches are
    found by their normalised offsets, so only those of the stretch are mapped back.

    ``known`` are the initiative mentions the classifier accepted (context entries
    included): an alias it refused here, one whose parties the page does not name (the
    India–US 2+2 alias "2+2 Ministerial Dialogue" in a report of India and Japan's), does
    not make a name known."""

    def __init__(
        self,
        body: _Scanned,
        mentions: Sequence[ActorMention],
        known: Sequence[InitiativeMention],
        names: Mapping[str, str] = MappingProxyType({}),
        context: frozenset[str] = frozenset(),
    ) -> None:
        self._names = names  # initiative id -> its name in the taxonomy
        self._context = context  # ids of context entries (multilateral bodies, forums)
        self._norm = body.norm
        self._text = body.text
        self._matches = body.matches
        self._starts = [m.start for m in body.matches]
        self._mentions = sorted((m.start, m.actor) for m in mentions)
        self._known = known
        self._spans: list[tuple[int, int, int, str]] | None = None  # see _known_spans
        self._initiatives: list[tuple[int, int, int]] | None = None  # (start, body span)

    def _within(self, start: int, end: int) -> list[Match]:
        lo = self._norm.index_at(start)
        hi = self._norm.index_at(end)
        k = bisect_left(self._starts, lo)
        out = []
        while k < len(self._matches) and self._starts[k] < hi:
            out.append(self._matches[k])
            k += 1
        return out

    def _known_spans(self) -> list[tuple[int, int, int, str]]:
        """(normalised start, body start, body end, initiative) of each known mention, in
        order: mapped once per page, on the first question about a name."""
        if self._spans is None:
            span = self._norm.span
            self._spans = sorted(
                (m.start, *span(m.start, m.end), m.initiative) for m in self._known
            )
        return self._spans

    def initiative_chars(self, start: int, end: int) -> int:
        if self._initiatives is None:  # one span once, whatever initiatives share it
            self._initiatives = sorted({(n, s, e) for n, s, e, _ in self._known_spans()})
        found = self._initiatives
        covered = 0
        k = bisect_left(found, (self._norm.index_at(max(0, start - 200)),))
        stop = self._norm.index_at(end)
        while k < len(found) and found[k][0] < stop:
            _, s, e = found[k]
            covered += max(0, min(e, end) - max(s, start))
            k += 1
        return covered

    def person_inside(self, start: int, end: int) -> bool:
        for match in self._within(start, end):
            if match.kinds.keys() & _PERSON_KINDS:
                s, e = self._norm.span(match.start, match.end)
                if start <= s and e <= end:
                    return True
        return False

    def known_inside(self, start: int, end: int) -> list[str]:
        spans = self._known_spans()
        return [self._names.get(i, "") for _, s, e, i in spans if start <= s and e <= end]

    def context_opens(self, start: int, end: int) -> bool:
        spans = self._known_spans()
        return start < end and any(s == start and i in self._context for _, s, _, i in spans)

    def known_names(self) -> list[list[str]]:
        names = (
            american_spelling(self._text[s:e].casefold()).split()
            for _, s, e, _ in self._known_spans()
        )
        return [name for name in names if name]

    def named(self, start: int, end: int) -> tuple[set[str], set[str]]:
        codes = {p.id for m in self._within(start, end) for p in m.kinds.get("country", ())}
        lo, hi = self._norm.index_at(start), self._norm.index_at(end)
        actors = {actor for at, actor in self._mentions if lo <= at < hi}
        return codes, actors


# a country a title names as what the parties have in mind, not as one of them: "...;
# China Apparently in Mind", "amid China's rise", "中国を念頭に", "中国をにらみ"
_CONCERN_BEFORE: Final = re.compile(
    r"\b(?:amid|against|countering|counter|over)\s+(?:the\s+)?$", re.I
)
_CONCERN_AFTER: Final = re.compile(
    r"^(?:['’]s)?\s*(?:\w+\s+){0,2}?in\s+mind\b|^(?:を|の)?(?:念頭|にらみ|にらむ|けん制|牽制)", re.I
)
_CONCERN_REACH: Final = 24


# where the parties met, or whom they addressed: "... sign framework in Malaysia", "India, US
# deliver strong message to Pakistan", "... warn China"
_VENUE_BEFORE: Final = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?$|\b(?:message|messages|warning|signal)\s+to\s+$"
    r"|\b(?:warn|warns|urge|urges|slam|slams|press|presses|tell|tells)\s+$",
    re.I,
)


def _title_role(text: str, start: int, end: int) -> str:
    """What the country a title names at ``text[start:end]`` is, by the words around it:
    "concern", what is had in mind ("China apparently in mind"); "venue", where something
    happened or whom it addressed ("India, US sign 10-year defence framework in Malaysia",
    "India, US deliver strong message to Pakistan"); else "party"."""
    before = text[max(0, start - _CONCERN_REACH) : start]
    if _CONCERN_BEFORE.search(before) or _CONCERN_AFTER.match(text[end : end + _CONCERN_REACH]):
        return "concern"
    return "venue" if _VENUE_BEFORE.search(before) else "party"


def _title_parties(title: _Scanned) -> list[Match]:
    """The title's matches less the countries it names as a concern, and as a venue where
    it names two other governments (see ``_title_role``): who the page is about."""
    span = title.norm.span
    roles = [
        (m, _title_role(title.text, *span(m.start, m.end)) if "country" in m.kinds else "")
        for m in title.matches
    ]
    codes = {p.id for m, role in roles if role == "party" for p in m.kinds["country"]}
    venues_stay = len(codes) < 2  # a venue of two parties the title names is none
    return [m for m, role in roles if role != "concern" and (role != "venue" or venues_stay)]


def _opens_the_page(label: InitiativeLabel, in_title: set[str], opening: int) -> bool:
    """Whether an initiative is named in the title or the first sentence (ending at
    ``opening``): a grouping of three or four named only later is what a bilateral report's
    parties discussed ("they also reviewed Quad cooperation"), not four parties of what it
    reports."""
    return label.id in in_title or not label.evidence or label.evidence[0].start < opening


def _confidence(confidences: Sequence[float], in_body: bool) -> float:
    best = max(confidences) + min(MAX_BOOST, REPEAT_BOOST * (len(confidences) - 1))
    if not in_body:
        best *= TITLE_ONLY_FACTOR
    return round(min(MAX_CONFIDENCE, best), 4)


def _evidence(body: _Scanned, spans: Iterable[tuple[int, int]]) -> tuple[Evidence, ...]:
    """Evidence of the body spans, in order, each span once."""
    found = sorted({body.norm.span(start, end) for start, end in spans})
    text = body.text
    return tuple(built(Evidence, {"start": s, "end": e, "text": text[s:e]}) for s, e in found)


class Classifier:
    """Classifies documents against one taxonomy; build once, reuse."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        code_version: str = CODE_VERSION,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
    ) -> None:
        digest = taxonomy_digest(taxonomy)
        self.taxonomy = taxonomy
        self.taxonomy_version = f"{taxonomy.version}@{digest}"
        self.version = (
            "c" + hashlib.blake2b(f"{code_version}\x1f{digest}".encode(), digest_size=6).hexdigest()
        )
        self.max_chars = max_chars
        self.matcher = Matcher.for_taxonomy(taxonomy)
        self._initiatives = InitiativeResolver(taxonomy)
        self._actors = ActorResolver(taxonomy)
        self._office_country = {o.id: o.country for o in taxonomy.offices}
        self._party_of = {a.id: a.country for a in taxonomy.actors if a.country}
        self._party_of.update({"office:" + o.id: o.country for o in taxonomy.offices})
        self._context_actors = frozenset(a.id for a in taxonomy.actors if a.scope == "context")
        # other governments' office holders, by country: a party when a report opens on them
        self._context_persons = MappingProxyType(
            {
                a.id: a.country
                for a in taxonomy.actors
                if a.scope == "context" and a.kind == "person" and a.country
            }
        )
        # the governments followed: those with office holders tracked
        self._followed = frozenset(
            a.country for a in taxonomy.actors if a.scope == "tracked" and a.country
        )
        self._context_initiatives = self._initiatives.context_only
        self._initiative_names = {i.id: i.name for i in taxonomy.initiatives}
        # a name containing a place (the Indo-Pacific) may be a new initiative
        self._places = frozenset(i.id for i in taxonomy.initiatives if i.scope == "place")
        self._candidates = CandidateFinder(party_names(taxonomy))

    def _scan(self, text: str) -> _Scanned:
        norm = normalise(text)
        return _Scanned(text, norm, *self.matcher.scan_with_context(norm, text))

    def classify(self, doc: DocumentText, *, today: date | None = None) -> Classification:
        """Labels of ``doc``; dates resolve at its publication date (given, else read from
        the text), else in the era its named office holders tell, else ``today``/now."""
        truncated = len(doc.body) > self.max_chars or len(doc.title) > TITLE_MAX_CHARS
        title = self._scan(doc.title[:TITLE_MAX_CHARS])
        body = self._scan(doc.body[: self.max_chars])
        dating = self._dating(doc, today, title.text, body.text)

        fields = [(s.matches, s.norm, s.text) for s in (title, body)]
        title_parties = _title_parties(title)
        parties = [
            PartyHits.of(title_parties, self._party_of),
            PartyHits.of(body.matches, self._party_of),
        ]
        found_title, found_body = self._initiatives.resolve(
            fields, (title.context, body.context), parties
        )
        # context entries included (they are known, not new), places not
        known_body = [m for m in found_body if m.initiative not in self._places]
        found_title = [m for m in found_title if m.initiative not in self._context_initiatives]
        found_body = [m for m in found_body if m.initiative not in self._context_initiatives]
        initiatives = self._initiative_labels(found_title, found_body, body)
        actors_title, actors_body = self._actors.resolve(fields, dating.day)
        if dating.source in ("observed", "text"):
            era = self._actors.era([*actors_title, *actors_body])
            redated = dating.within(era, title.text, body.text)
            if redated.day != dating.day:
                dating = redated
                actors_title, actors_body = self._actors.resolve(fields, dating.day)
        day = dating.day
        all_body = actors_body  # other governments' office holders included
        counterparts = {
            m.actor
            for m in (*actors_title, *actors_body)
            if m.actor in self._context_persons and not m.short
        }
        actors_title = [m for m in actors_title if m.actor not in self._context_actors]
        actors_body = [m for m in actors_body if m.actor not in self._context_actors]
        named = {m.actor for m in (*actors_title, *actors_body) if not m.short}
        if not found_title and not found_body and not named:
            # a surname alone ("Motegi", "Albanese", 茂木) in a page that names nothing
            # else of ours is a circuit, a town or a namesake more often than the minister
            actors_title = actors_body = []
        actors = self._actor_labels(actors_title, actors_body, body, day)

        sentences = _Split(body.text)
        candidates = self._find_candidates(body, actors_body, known_body, sentences)
        persons = {a.id for a in actors if a.kind == "person"} & named
        # asked by relevance or, for a relevant page, by its countries: once
        in_lead = paired_in_lead(body.text, body.norm, body.matches)
        # a new initiative with a tracked government party is news of the kind followed
        relevant = (
            bool(initiatives)
            or bool(candidates)
            or (
                (len(named) >= 2 or (bool(persons) and self._in_the_domain(title.text, body.text)))
                and not _at_home(
                    title,
                    body,
                    actors,
                    self._followed,
                    {self._context_persons[a] for a in counterparts},
                )
            )
            or self._governments_in_the_domain(title, body, in_lead)
        )
        # a page that reports no engagement of ours has nobody party to one
        countries = (
            self._parties(
                title_parties,
                body,
                initiatives,
                actors,
                mentions=all_body,
                in_lead=in_lead,
                in_title={m.initiative for m in found_title},
                sentences=sentences(),
            )
            if relevant
            else set()
        )
        commitments: tuple[Commitment, ...] = ()
        event: EventSignals | None = None
        occurrences: tuple[Occurrence, ...] = ()
        if relevant:
            event = read_event(
                title.text,
                body.text,
                dating.published,
                initiatives=initiatives,
                actors=actors,
                candidates=candidates,
            )
            occurrences = occurrences_of(event, initiatives, candidates)
            anchors = [Anchor(*body.norm.span(m.start, m.end), m.initiative) for m in found_body]
            anchors += [Anchor(e.start, e.end, c.key) for c in candidates for e in c.evidence[:1]]
            anchors += [Anchor(*body.norm.span(m.start, m.end)) for m in actors_body]
            countries_named = (m for m in body.matches if "country" in m.kinds)
            anchors += [Anchor(*body.norm.span(m.start, m.end)) for m in countries_named]
            commitments = tuple(
                extract_commitments(
                    body.text,
                    day,
                    anchors,
                    body.norm,
                    dates_the_page=dating.page_dates(body.text).overlaps,
                    relative_ok=dating.published is not None,
                    sentences=sentences(),
                )
            )
        return Classification(
            relevant=relevant,
            initiatives=initiatives,
            actors=actors,
            countries=tuple(sorted(countries)),
            commitments=commitments,
            truncated=truncated,
            published=dating.published,
            date_source=dating.source,
            candidates=tuple(candidates),
            occurrences=occurrences,
            event=event,
            year_guessed=dating.yearless,
            counterparts=tuple(sorted(counterparts)) if relevant else (),
        )

    def _parties(
        self,
        title_parties: Sequence[Match],
        body: _Scanned,
        initiatives: Sequence[InitiativeLabel],
        actors: Sequence[ActorLabel],
        *,
        mentions: Sequence[ActorMention],
        in_lead: set[str],
        in_title: set[str],
        sentences: Sentences,
    ) -> set[str]:
        """The governments party to what a relevant page reports (see the module's
        decisions on ``countries``); ``title_parties``: the title's matches that may name
        a party (``_title_parties``); ``mentions``: the body's actor mentions, other
        governments' office holders included; ``in_lead``: the governments named as a pair
        in the body's lead; ``in_title``: the initiatives the title names."""
        # the first sentence, not past the lead (a transcript's long opening line)
        first = len(body.text) - len(body.text.lstrip())
        opening = min(sentences.around(first)[1], LEAD_CHARS)
        countries = {p.id for m in title_parties for p in m.kinds.get("country", ())}
        for label in initiatives:
            implied = self._initiatives.parties[label.id]
            if len(implied) <= 2 or (
                len(implied) <= MAX_IMPLIED_PARTIES and _opens_the_page(label, in_title, opening)
            ):
                countries.update(implied)
        countries.update(label.country for label in actors if label.country)
        return countries | in_lead | self._context_opening(mentions, body, opening)

    def _context_opening(
        self, mentions: Sequence[ActorMention], body: _Scanned, end: int
    ) -> set[str]:
        """Countries of the other governments' office holders named in full in the first
        sentence ("South Korean President Lee Jae Myung and Japanese Prime Minister ...
        issued"); later in the lead they are often another event ("Trump meets Xi in Korea
        on the 30th")."""
        persons = self._context_persons
        return {
            persons[m.actor]
            for m in mentions
            if m.actor in persons and not m.short and body.norm.span(m.start, m.end)[0] < end
        }

    def _find_candidates(
        self,
        body: _Scanned,
        mentions: Sequence[ActorMention],
        known: Sequence[InitiativeMention],
        sentences: Callable[[], Sentences],
    ) -> list[InitiativeCandidate]:
        hits = _BodyHits(body, mentions, known, self._initiative_names, self._context_initiatives)
        return self._candidates.find(body.text, hits, sentences)

    def _governments_in_the_domain(
        self, title: _Scanned, body: _Scanned, in_lead: set[str]
    ) -> bool:
        """Two governments followed, named as a pair in the lead, in the domain followed:
        "Ministers from the US, Japan, Australia and India will meet in Washington this week
        to discuss a critical minerals alliance" names nobody and no initiative, and is news
        of the kind followed (the EU and China's dialogue is not: neither is followed)."""
        # the domain's words, not an event's: teams of two countries "meet" in a final
        return len(in_lead & self._followed) >= 2 and _speaks_of_the_domain(title.text, body.text)

    @staticmethod
    def _in_the_domain(title: str, body: str) -> bool:
        """Whether a page naming one office holder alone reports an event of theirs or
        speaks of the domain followed (see _DOMAIN)."""
        return _speaks_of_the_domain(title, body) or names_an_event(title, body)

    @staticmethod
    def _dating(doc: DocumentText, today: date | None, title: str, body: str) -> Dating:
        seen = doc.observed or today or date.today()
        if isinstance(seen, datetime):  # a datetime is a date, but does not compare with one
            seen = seen.date()
        published = doc.published.date() if isinstance(doc.published, datetime) else doc.published
        return Dating.of(published, doc.date_source, seen, title, body)

    def _initiative_labels(
        self,
        in_title: Sequence[InitiativeMention],
        in_body: Sequence[InitiativeMention],
        body: _Scanned,
    ) -> tuple[InitiativeLabel, ...]:
        confidences: dict[str, list[float]] = {}
        for mention in (*in_title, *in_body):
            confidences.setdefault(mention.initiative, []).append(mention.confidence)
        spans: dict[str, list[tuple[int, int]]] = {}
        for mention in in_body:
            spans.setdefault(mention.initiative, []).append((mention.start, mention.end))
        labels = []
        for ident, confs in confidences.items():
            found = spans.get(ident, [])
            labels.append(
                built(
                    InitiativeLabel,
                    {
                        "id": ident,
                        "name": self._initiatives.names.get(ident, ""),
                        "confidence": _confidence(confs, bool(found)),
                        "evidence": _evidence(body, found),
                    },
                )
            )
        return tuple(sorted(labels, key=lambda lab: (-lab.confidence, lab.id)))

    def _actor_labels(
        self,
        in_title: Sequence[ActorMention],
        in_body: Sequence[ActorMention],
        body: _Scanned,
        day: date,
    ) -> tuple[ActorLabel, ...]:
        confidences: dict[str, list[float]] = {}
        offices: dict[str, str] = {}  # the first office a mention of the actor names
        for mention in (*in_title, *in_body):
            confidences.setdefault(mention.actor, []).append(mention.confidence)
            if mention.office and mention.actor not in offices:
                offices[mention.actor] = mention.office
        spans: dict[str, list[tuple[int, int]]] = {}
        for mention in in_body:
            spans.setdefault(mention.actor, []).append((mention.start, mention.end))
        labels = []
        for ident, confs in confidences.items():
            actor = self._actors.actors[ident]
            role = self._actors.role_in(actor, offices.get(ident), day)
            country = actor.country or (role.country if role else None)
            if country is None and role is not None and role.office:
                country = self._office_country.get(role.office)
            found = spans.get(ident, [])
            labels.append(
                built(
                    ActorLabel,
                    {
                        "id": ident,
                        "name": actor.name,
                        "kind": actor.kind,
                        "role": role.title if role else None,
                        "country": country,
                        "confidence": _confidence(confs, bool(found)),
                        "evidence": _evidence(body, found),
                    },
                )
            )
        return tuple(sorted(labels, key=lambda lab: (-lab.confidence, lab.id)))
