"""Initiative candidates: named initiatives the taxonomy does not have yet.

A fixed list never sees the next initiative: the India–Japan AI Dialogue was new on
the day it was announced. News names a new initiative the way it names any: a
capitalised name headed by a word such as Dialogue, Partnership, Initiative,
Framework, Working Group, Mechanism, Action Plan, Joint Declaration, Vision,
Corridor, Summit, Agreement, Compact or Roadmap ("Joint Working Group on Critical
Minerals", "US–Japan Framework for Securing the Supply of Critical Minerals"), or in
Japanese a compound ending in 対話, イニシアティブ, 枠組み, 作業部会, パートナーシップ,
共同宣言, 行動計画, 協定 ("日印AI対話", "重要鉱物に関する作業部会").

Named military exercises stand beside the word instead ("the joint exercise, Dharma
Guardian", "exercises like JIMEX", "the Malabar exercise").
A name is a candidate when
- it says what it is about: a party (country names, demonyms, "India-Japan", 日印) or
  at least two words of substance ("Economic Security Dialogue"); a name of generic
  words only or of one word ("our Comprehensive Strategic Partnership", "the 2+2
  Dialogue") is a relationship's framework, and a candidate of the two countries when
  the page names exactly two (of generic words alone, none when the page names a known
  initiative with the same head word: that one);
- a tracked government is party to it (named in it or in its sentence, or speaking for it
  there through a tracked office holder: "Modi said the AI Cooperation Initiative ...");
  a name of generic words followed by "between X and Y" is X's and Y's, not the page's;
- no taxonomy entry the classifier accepted here matches inside it (known initiatives,
  and context entries such as the G20 or a think-tank forum, are not new; an alias
  refused for want of its parties, another pair's "2+2 Ministerial Dialogue", is).
Variants of one name share a ``key``: countries become their codes in a fixed order
("India–Japan" = "Japan-India" = 日印), ordinals and "the" are dropped, head words and
common topics are put in English ("日印AI対話" and "India-Japan AI Dialogue" are one).
``parties`` are the countries named in it or in its sentence, ``actors`` the tracked
actors of its sentence; evidence is the name and its sentence. Pure: no I/O.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from schemas.classification import Evidence, InitiativeCandidate
from streams.classify.built import built
from streams.classify.normalise import american_spelling, is_cjk
from streams.classify.sentences import Sentences, is_word
from streams.taxonomy.model import Taxonomy

__all__ = ["CandidateFinder", "DocumentHits", "PartyNames", "party_names"]

MAX_NAME_CHARS: Final = 160
_HEADS_EN: Final = (
    "Working Group", "Joint Working Group", "Action Plan", "Joint Declaration", "Dialogue",
    "Partnership", "Initiative", "Framework", "Mechanism", "Vision", "Corridor", "Summit",
    "Agreement", "Compact", "Roadmap", "Consultations", "Task Force", "Forum", "Network",
    "Alliance",
)  # fmt: skip
# heads so common in other senses that the name must name its parties ("Trade Agreement")
_NEEDS_PARTIES: Final = frozenset({"Agreement", "協定", "Summit"})
# a forum of companies, not of governments: "India-EU Business Forum", "CEO Forum"
_BUSINESS_WORDS: Final = frozenset({
    "business", "ceo", "ceos", "industry", "investors", "investment", "economic", "startup",
    "media", "youth",
})  # fmt: skip
_HEADS_JA: Final = (
    "作業部会", "行動計画", "共同宣言", "イニシアティブ", "イニシアチブ", "パートナーシップ",
    "枠組み", "対話", "協定", "構想", "回廊",
)  # fmt: skip
_HEAD_ENGLISH: Final = {
    "作業部会": "working group", "行動計画": "action plan", "共同宣言": "joint declaration",
    "イニシアティブ": "initiative", "イニシアチブ": "initiative",
    "パートナーシップ": "partnership", "枠組み": "framework", "対話": "dialogue",
    "協定": "agreement", "構想": "vision", "回廊": "corridor",
}  # fmt: skip
# common topic words of Japanese names, in English, so that both languages share a key
_TOPICS_JA: Final = {
    "経済安全保障": "economic security", "重要鉱物": "critical minerals", "人工知能": "ai",
    "半導体": "semiconductor", "サイバー": "cyber", "宇宙": "space", "海洋": "maritime",
    "防衛": "defence", "安全保障": "security", "デジタル": "digital", "エネルギー": "energy",
    "クリーンエネルギー": "clean energy", "産業競争力": "industrial competitiveness",
    "戦略": "strategic", "経済": "economic", "技術": "technology", "投資": "investment",
    "貿易": "trade", "供給網": "supply chain", "サプライチェーン": "supply chain",
    "レアアース": "rare earths", "合同": "joint", "閣僚": "ministerial",
    "外相": "foreign ministers",
    "首脳": "leaders", "次官": "vice ministers", "に関する": "on",
}  # fmt: skip
# Japanese country abbreviations as in 日印, 日米豪印
_JA_COUNTRY_CHARS: Final = {
    "日": "JP", "印": "IN", "米": "US", "豪": "AU", "中": "CN", "韓": "KR", "英": "GB",
    "仏": "FR", "独": "DE", "露": "RU", "比": "PH", "越": "VN", "尼": "ID", "加": "CA",
}  # fmt: skip
_GENERIC: Final = frozenset(
    """the a an and of for on in to with between new first second third joint strategic
    comprehensive special global bilateral trilateral quadrilateral multilateral high level
    high-level annual ministerial leaders leaders' foreign ministers ministers' minister's
    senior officials official track enhanced expanded upgraded historic landmark key major
    proposed planned inaugural its their our this that country countries two three four
    nations national international regional before after during at as while when
    january february march april may june july august september october november december
    協力 関係 戦略的 包括的 特別 新た 両国 二国間 政府間""".split()  # noqa: SIM905
)
_MONTHS: Final = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()  # noqa: SIM905
)
_CONNECTORS: Final = frozenset(
    {"and", "of", "for", "on", "the", "in", "to", "with", "between", "&"}
)
# words that open a phrase, not a name ("our Comprehensive Strategic Partnership")
_LEADING_WORDS: Final = frozenset({"a", "an", "our", "its", "their", "this", "that", "new"})
_ORDINAL: Final = re.compile(
    r"^(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|第\d+回)$",
    re.IGNORECASE,
)
_POSSESSIVE_ENDINGS: Final = ("'s", "’s")
_SPLIT: Final = re.compile(r"[\s\-–—‐/]+")
# what opens a sentence before a name: articles and prepositions, a year, a possessive, a
# sentence adverb and its comma ("Notably, the India-US 2+2 Ministerial Dialogue")
_LEADING: Final = re.compile(
    r"^(?:(?:the|and|of|for|on|in|to|with|&|before|after|during|at|as|while|when|our|their|its|"
    r"(?:19|20)\d\d|\d{1,2}|\w+['’]s|\w+ly,|meanwhile,|however,|also,|earlier,|later,|separately,|"
    r"further,|furthermore,|moreover,|besides,|today,|yesterday,|\([a-z][a-z0-9&+.]{0,9}\))\s+)+",
    re.IGNORECASE,
)
_HEAD_ORDER: Final = sorted(_HEADS_EN, key=len, reverse=True)  # a longer head first
_HEAD_LAST_WORDS: Final = frozenset(head.split()[-1] for head in _HEADS_EN)
_CONTINUES: Final = re.compile(
    r"(?:[\s-]+[A-Z][\w'’-]*){0,3}[\s-]+"
)  # "Framework [Policy] Dialogue"
_WORD: Final = re.compile(r"[^\s\-–—:]+")
_CONNECTOR_WORDS: Final = frozenset({"and", "of", "for", "on", "the", "in", "to", "with", "&"})
WINDOW_CHARS: Final = 160
_A_MEETING: Final = re.compile(r"\s+(?:meeting|talks)\b", re.IGNORECASE)
# what may open a name inside its first word: a quote or a bracket
_OPENING: Final = "'\"‘“(["
# a possessive before a name names its owner ("India's", "the United States'"); a plural
# one is part of it ("Foreign Ministers' Meeting")
_OWNER: Final = ("'s", "’s", "States'", "States’")
# an abbreviation in brackets inside a name, of a word before it: "(EU)", "(ES)"
_ABBREVIATION_IN_A_NAME: Final = re.compile(r"\([A-Z][A-Za-z0-9&+.]{0,9}\)$")
# a year that is part of a plan's name: "India-UK Vision 2035", "Japan-India Roadmap 2030"
_NAMED_YEAR: Final = re.compile(r"\s+(?:19|20)\d\d\b(?![-–]\d)")
# a version: "Digital Partnership 2.0"
_VERSION: Final = re.compile(r"\s+\d\.\d\b(?!\.\d)")
_YEAR_HEADS: Final = frozenset({"Vision", "Roadmap", "Action Plan"})
# the parties named after a name: "a Free Trade Agreement (FTA) between India and the GCC"
_BETWEEN_PARTIES: Final = re.compile(
    r"(?:\s*\([A-Za-z0-9&+-]{1,12}\))?\s+(?:between|among)\s+[^.;:]{1,100}?\s+and\s+[^.;:,]{1,60}"
)
# an abbreviation after a name: "Comprehensive Economic Trade Agreement (CETA)"
_ABBREVIATION: Final = re.compile(r"\s*\(([A-Z][A-Za-z0-9&+-]{1,11})\)")
# a word ending a sentence ("Delhi.", "said:", 'Chains”).') and not an abbreviation
# ("U.S.", "Dr.")
_SENTENCE_END: Final = re.compile(r"(?:[a-z]{2,}|[A-Z]{4,})[\"'”’)\]]*[.!?:;]$")


def _name_token(token: str) -> bool:
    """A word that can be part of a name: capitalised, a number ("2+2"; not a list's
    "1)" or "2."), or a connector."""
    if token[:1].isdigit():
        return not token.endswith((")", "."))
    return token[:1].isupper() or token in _CONNECTOR_WORDS


# a word of a name's tail may be dotted ("U.S.-India"): "Framework for the U.S.-India Major
# Defense Partnership" is not cut at "U"
_TAIL_WORD: Final = r"[A-Z][\w'’-]*(?:\.(?:[A-Z]|-[A-Z])[\w'’-]*)*"
_TAIL: Final = re.compile(
    rf"\s+(?:on|for|of)\s+(?:the\s+)?{_TAIL_WORD}(?:\s+(?:{_TAIL_WORD}|and|of|the|through|for|&))*"
)
# a subheading's verb before the name it is about: "Reaffirming the U.S.-India Trade and
# Economic Partnership"
# an act opening a name's phrase: "Reaffirming the ...", a list item's "Establishment of
# the Australia-U.S. Landsat Next Partnership"
_GERUND_THE: Final = re.compile(
    r"(?:[A-Z][a-z]+ing|(?:Establishment|Creation|Launch|Conclusion|Expansion|Renewal|"
    r"Extension|Announcement|Adoption|Implementation)\s+of)\s+the\s+(?=[A-Z])"
)
MAX_TOKENS: Final = 10
_ABOUT: Final = "に関する"
_JA_HEAD_RE: Final = re.compile("|".join(_HEADS_JA))
_JA_NAME_CHAR: Final = re.compile(
    r"[\u3005\u30a0-\u30ff\u4e00-\u9fffA-Za-z0-9０-９Ａ-Ｚａ-ｚ・＋+]"
)
_TRAILING: Final = re.compile(r"(?:\s+(?:and|of|the|in|for|through|&))+$")
# a name of one to three capitalised words or an acronym (not "The", see _LEADING)
_EXERCISE_NAME: Final = r"(?P<name>(?:[A-Z][a-z]+|[A-Z]{3,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{3,})){0,2})"
_EXERCISE_NAMED_AFTER: Final = re.compile(
    r"\b[Ee]xercises?(?:,|\s+(?:like|named|called|code-?named))?\s+[\"'“‘]?"
    + _EXERCISE_NAME
    + r"\b"
)
# the farthest a name can start before the word, and end after it
_EXERCISE_BEFORE_CHARS: Final = 140
_EXERCISE_AFTER_CHARS: Final = 80
_EXERCISE_NAMED_BEFORE: Final = re.compile(
    r"\b" + _EXERCISE_NAME + r"\s+(?:(?:joint|military|naval|air|bilateral|trilateral|"
    r"maritime|combined)\s+){0,2}exercises?\b"
)
_JA_COUNTRIES: Final = re.compile(r"[日印米豪中韓英仏独露比越尼加]{2,}")
# an ordinal, and a particle left between topic words: 第18回外相間戦略対話
_JA_NO_WORD: Final = re.compile(r"第[0-9０-９]+回|(?:^|(?<=\s))間(?=\s|$)")


@dataclass(frozen=True, slots=True)
class PartyNames:
    """How countries are named: normalised names and demonyms -> code, which codes are
    tracked (have tracked actors), and the country of each tracked actor."""

    names: Mapping[str, str]
    tracked: frozenset[str]
    of_actor: Mapping[str, str]


def _in_headline(text: str, at: int) -> bool:
    """Whether ``at`` lies in a Title Case line (a headline repeated in the body)."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)]
    words = line.split()
    if len(words) < 4 or len(line) > 200:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= 0.75 * len(words)


def party_names(taxonomy: Taxonomy) -> PartyNames:
    """Country names and demonyms of a taxonomy; tracked: countries with tracked actors."""
    names: dict[str, str] = {}
    for country in taxonomy.countries:
        for name in [country.name, *(n for ns in country.aliases.values() for n in ns)]:
            folded = " ".join(_SPLIT.split(_fold(name).replace(".", ""))).strip()
            if folded and not is_cjk(folded[0]):
                names.setdefault(folded, country.code)
    of_actor = {
        a.id: a.country for a in taxonomy.actors if a.scope == "tracked" and a.country is not None
    }
    return PartyNames(names, frozenset(of_actor.values()), of_actor)


class DocumentHits(Protocol):
    """What the taxonomy matched in a body, asked about one stretch of it (body offsets)."""

    def initiative_chars(self, start: int, end: int) -> int:
        """How many characters of ``[start, end)`` initiative aliases (any scope) cover."""

    def person_inside(self, start: int, end: int) -> bool:
        """Whether a person's name (any scope) lies inside ``[start, end)``."""

    def named(self, start: int, end: int) -> tuple[set[str], set[str]]:
        """Country codes and tracked actors named in ``[start, end)``."""

    def known_names(self) -> list[list[str]]:
        """The known initiatives named in the body, as written: their words, casefolded."""

    def known_inside(self, start: int, end: int) -> list[str]:
        """The taxonomy names of the known initiatives named inside ``[start, end)``."""

    def context_opens(self, start: int, end: int) -> bool:
        """Whether a context entry (a multilateral body, a forum) is named at ``start``."""


class _Found:
    """A name found in the text, with its head word. A plain class: built in a C call when
    compiled (a dataclass's ``__init__`` is interpreted)."""

    __slots__ = ("end", "head", "language", "name", "start")

    def __init__(self, name: str, start: int, end: int, head: str, language: str) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.head = head
        self.language = language


_NEAR_CHARS: Final = 60  # a name's words are looked for this far back first (most names fit)


def _heads(text: str) -> list[tuple[int, int, str]]:
    """(start, end, head) of each English head word: what ``_HEAD_RE.finditer`` finds.

    Each head is looked for with ``str.find``: far faster than trying the regex's
    alternation at every offset of a body. As the regex does: whole words, at one
    offset the first alternative (the longest head), no overlaps.
    """
    found: list[tuple[int, int, int, str]] = []
    size = len(text)
    for rank, head in enumerate(_HEAD_ORDER):
        at = text.find(head)
        while at >= 0:
            end = at + len(head)
            if (at == 0 or not is_word(text[at - 1])) and (end == size or not is_word(text[end])):
                found.append((at, rank, end, head))
            at = text.find(head, at + 1)
    found.sort()
    out: list[tuple[int, int, str]] = []
    reach = 0
    for at, _, end, head in found:
        if at >= reach:
            out.append((at, end, head))
            reach = end
    return out


def _ends_a_name(tokens: Sequence[tuple[int, str]], index: int) -> bool:
    """Whether the words before ``tokens[index]`` end in a head word (maybe followed by a
    version or year, "Partnership 2.0"): the end of another name."""
    before = index - 1
    if before >= 0 and tokens[before][1][:1].isdigit():
        before -= 1
    return before >= 0 and tokens[before][1] in _HEAD_LAST_WORDS


def _name_start(text: str, start: int, reach: int) -> int | None:
    """Where the name ending in the head at ``start`` begins: back over at most
    ``MAX_TOKENS`` name words of the ``WINDOW_CHARS`` before it.

    With a shorter ``reach`` the answer is the same when it is decided there, else None
    (ask again with the whole window): the words that decide it must all be whole and
    inside the shorter window.
    """
    window_start = max(0, start - reach)
    whole = reach >= WINDOW_CHARS or window_start == 0  # nothing further back counts
    tokens = [(t.start(), t.group()) for t in _WORD.finditer(text, window_start, start)]
    cut = bool(tokens) and tokens[0][0] == window_start and window_start > 0
    if cut and reach >= WINDOW_CHARS:
        tokens = tokens[1:]  # cut by the window: not a whole word
        cut = False
    first = len(tokens) - MAX_TOKENS
    for index in range(len(tokens) - 1, max(first, 0) - 1, -1):
        if index == 0 and cut:
            return None  # perhaps part of a longer word
        at, token = tokens[index]
        if text[at + len(token) : start].strip(" -–—‐") != "":
            return start
        if _ABBREVIATION_IN_A_NAME.match(token):
            if (index == 0 and not whole) or (index == 1 and cut):
                return None  # the word it abbreviates may lie before the window, or be cut
            if index == 0 or not tokens[index - 1][1][:1].isupper():
                return start  # "the (EU) Summit": it abbreviates no word of this name
            start = at  # "Japan-European Union (EU) Summit": the name goes on before it
            continue
        if token.rstrip(",;.").endswith(")"):
            return start  # "the Quad (Australia, India, Japan and the US) Summit": an aside
        if token.endswith(_OWNER):
            return start  # "the United States' Framework to Counter ...": its owner
        word = token.lstrip(_OPENING)  # "'India-U.K. Vision": the name opens after it
        if not _name_token(word):
            return start
        if word in ("and", "&") and _ends_a_name(tokens, index):
            return start  # "Digital Partnership 2.0 and AI Cooperation Initiative": two
        if word.rstrip(",;").casefold() in _MONTHS:
            return start  # "visiting India in September for the G20 Summit": a date, no name
        if word[-1] in ".!?:;" and _SENTENCE_END.search(word):
            return start  # "… in New Delhi. The India-Japan Dialogue": not one name
        if word != token:
            return at + len(token) - len(word)
        start = at
    return start if first >= 0 or whole else None


def _names_a_known_one(item: _Found, hits: DocumentHits) -> bool:
    """Whether a name holds a known initiative's alias and ends in that initiative's own
    head: its full name written out ("the 12th Japan-Australia 2+2 Foreign and Defence
    Ministerial Consultations" around "Japan-Australia 2+2")."""
    head = item.head.casefold()
    return any(name.casefold().endswith(head) for name in hits.known_inside(item.start, item.end))


def _abbreviated_as_known(text: str, item: _Found, hits: DocumentHits) -> bool:
    """Whether the name is followed by a known initiative's abbreviation: a variant of
    its name ("a Comprehensive Economic Trade Agreement (CETA)" of India and the UK)."""
    abbreviation = _ABBREVIATION.match(text, item.end)
    return abbreviation is not None and bool(
        hits.known_inside(abbreviation.start(1), abbreviation.end(1))
    )


def _part_of_known(item: _Found, words: Sequence[str], known: Sequence[list[str]]) -> bool:
    """Whether a name without parties is a known initiative's name shortened: its words
    and head all in the name of one the page names ("Critical Minerals Initiative" of the
    "Quad Critical Minerals Initiative"; 重要鉱物イニシアチブ of 日米豪印重要鉱物イニシアチブ)."""
    if item.language == "ja":
        folded = _fold(item.name)
        return any("".join(name).endswith(folded) for name in known)
    head = item.head.casefold().split()
    for name in known:
        if name[-len(head) :] == head and set(words) <= {_bare(w) for w in name}:
            return True
    return False


def _fold(text: str) -> str:
    """Lower case, one spelling ("Defence" and "Defense" are one word of a key)."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold is lower there
        return american_spelling(text.lower())
    return american_spelling(unicodedata.normalize("NFKC", text).casefold())


def _bare(word: str) -> str:
    """``word`` without a possessive ending ("India's" -> "India")."""
    return word[:-2] if word.endswith(_POSSESSIVE_ENDINGS) else word


_WORD_BEFORE: Final = re.compile(r"(\S+)\s+$")
# what stands before a name of its own: an article, a preposition, a verb
_BEFORE_A_NAME: Final = (
    _CONNECTORS
    | _LEADING_WORDS
    | frozenset(
        """by under via from at into about as called named dubbed titled is was be are were
    sign signs launch launches conclude concludes ink inks adopt adopts unveil unveils
    announce announces establish establishes next latest upcoming maiden""".split()  # noqa: SIM905
    )
)


def _cut_from_a_longer_name(body: str, item: _Found) -> bool:
    """Whether a lower-case word or an ellipsis runs into the name: the end of a longer
    phrase, no name of its own ("concluding defense equipment and technical Cooperation
    Agreement", "Protection of ...Military Information Agreement"). An exercise's name
    stands alone ("maritime exercises like JIMEX")."""
    before = _WORD_BEFORE.search(body, max(0, item.start - 40), item.start)
    if before is None or item.head == "Exercise":
        return False
    word = before.group(1)
    if word.startswith(("...", "…")):
        return True
    return (
        word.isalpha()
        and word.islower()
        and word not in _BEFORE_A_NAME
        and word not in _GENERIC  # "their first", "the annual", "a bilateral"
        and not _ORDINAL.match(word)
        and not word.endswith("ed")
    )


def _a_business_forum(item: _Found) -> bool:
    """A forum of companies, not of governments (business forums are context entries)."""
    return item.head == "Forum" and not _BUSINESS_WORDS.isdisjoint(item.name.casefold().split())


class CandidateFinder:
    """Finds initiative candidates in one document's body (built once per taxonomy)."""

    def __init__(self, parties: PartyNames) -> None:
        self._parties = parties
        multiword = sorted((n for n in parties.names if " " in n), key=len, reverse=True)
        # (" united states ", "united states"): as looked for in a padded, folded name
        self._multiword = [(f" {name} ", name) for name in multiword]
        self._no_substance = _GENERIC | frozenset(parties.names)  # generic words, countries

    # ---- names -------------------------------------------------------------------
    @staticmethod
    def _english(text: str) -> Iterable[_Found]:
        """Names ending in a head word: found from the heads back, so a page costs one
        pass for the heads and a few tokens for each."""
        heads = _heads(text)
        for k, (head_start, head_end, head) in enumerate(heads):
            following = heads[k + 1][0] if k + 1 < len(heads) else None
            if following is not None and _CONTINUES.fullmatch(text, head_end, following):
                continue  # "Framework" of "Framework Dialogue": named at the last head
            start = _name_start(text, head_start, _NEAR_CHARS)
            if start is None:  # the name may reach further back
                start = _name_start(text, head_start, WINDOW_CHARS)
            assert start is not None  # the whole window: never undecided
            if head == "Summit" and _A_MEETING.match(text, head_end):
                continue  # "the Japan-U.S. Summit meeting": one meeting, not a new body
            tail = _TAIL.match(text, head_end)
            end = tail.end() if tail else head_end
            if not tail and start < head_start:
                suffix = _VERSION.match(text, head_end)
                if suffix is None and head in _YEAR_HEADS:
                    suffix = _NAMED_YEAR.match(text, head_end)
                end = suffix.end() if suffix else end
            if tail and tail.group(0).split()[1].casefold() in _MONTHS:
                end = head_end
            raw = text[start:end]
            leading = _LEADING.match(raw)  # anchored: at most one match, at the start
            name = (raw[leading.end() :] if leading else raw).rstrip(" ,.;:’'”\"")
            gerund = _GERUND_THE.match(name)  # "Reaffirming the U.S.-India ... Partnership"
            name = name[gerund.end() :] if gerund else name
            name = _TRAILING.sub("", name) if end > head_end else name
            if len(name) > MAX_NAME_CHARS or len(name.split()) < 2:
                continue
            begin = start + raw.index(name)
            if _in_headline(text, begin):
                continue
            yield _Found(name, begin, begin + len(name), head, "en")

    @staticmethod
    def _exercises(text: str) -> Iterable[_Found]:
        """Named military exercises: the name stands beside the word, not before a head
        ("the joint military exercise, Dharma Guardian,", "exercises like JIMEX", "the
        Malabar exercise")."""
        at = text.find("xercise")
        if at < 0:
            return
        windows: list[tuple[int, int]] = []  # only around the word: most words are not it
        while at >= 0:
            lo, hi = max(0, at - _EXERCISE_BEFORE_CHARS), at + _EXERCISE_AFTER_CHARS
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
            at = text.find("xercise", at + 1)
        seen: set[int] = set()
        for pattern, (lo, hi) in itertools.product(
            (_EXERCISE_NAMED_AFTER, _EXERCISE_NAMED_BEFORE), windows
        ):
            for match in pattern.finditer(text, lo, hi):
                raw = match.group("name")
                leading = _LEADING.match(raw + " ")
                name = raw[leading.end() :] if leading else raw
                begin = match.start("name") + len(raw) - len(name)
                if not name or begin in seen or _in_headline(text, begin):
                    continue
                seen.add(begin)
                yield _Found(name, begin, begin + len(name), "Exercise", "en")

    @staticmethod
    def _japanese(text: str) -> Iterable[_Found]:
        if not any(head in text for head in _HEADS_JA):
            return
        for match in _JA_HEAD_RE.finditer(text):
            start = match.start()
            while start > 0 and (
                _JA_NAME_CHAR.match(text, start - 1) or text.endswith("に関する", 0, start)
            ):
                start -= 4 if text.endswith("に関する", 0, start) else 1
            body = text[start : match.start()].lstrip("・")
            if len(body) < 2:
                continue
            name = body + match.group(0)
            yield _Found(name, match.end() - len(name), match.end(), match.group(0), "ja")

    # ---- substance and keys ------------------------------------------------------
    def _codes_in(self, name: str) -> list[str]:
        """Country codes a name mentions: names and demonyms, and 日印-style compounds."""
        folded = " " + " ".join(_SPLIT.split(_fold(name).replace(".", ""))) + " "
        codes: list[str] = []
        for padded, multi in self._multiword:
            if padded in folded:
                codes.append(self._parties.names[multi])
                folded = folded.replace(padded, " ")
        for word in folded.split():
            bare = _bare(word)
            if bare in self._parties.names:
                codes.append(self._parties.names[bare])
        for run in _JA_COUNTRIES.findall(name):
            codes.extend(_JA_COUNTRY_CHARS[c] for c in run)
        return codes

    def _words(self, found: _Found) -> list[str]:
        """Words of substance of a name (not countries, generic words or ordinals), in
        English where a Japanese topic word has a usual translation."""
        if found.language == "ja":
            rest = _JA_COUNTRIES.sub(" ", found.name).removesuffix(found.head)
            words: list[str] = []
            for ja, en in sorted(_TOPICS_JA.items(), key=lambda kv: -len(kv[0])):
                if ja in rest:
                    words.extend(en.split())
                    rest = rest.replace(ja, " ")
            words += [w for w in re.split(r"[\s・]+", _JA_NO_WORD.sub(" ", rest)) if w]
            return [_fold(w) for w in words if _fold(w) not in _GENERIC]
        out = []
        before, _, after = found.name.rpartition(found.head)
        folded_before = " " + " ".join(_SPLIT.split(_fold(before))) + " "
        for padded, _ in self._multiword:  # "United States" is one country, not two words
            if padded in folded_before:
                folded_before = folded_before.replace(padded, " ")
        before = folded_before
        for word in [*_SPLIT.split(before), *_SPLIT.split(after)]:
            folded = _bare(_fold(word))
            if folded and folded not in self._no_substance and not _ORDINAL.match(word):
                out.append(folded)
        return out

    @staticmethod
    def _generic_words(found: _Found) -> list[str]:
        """The qualifying words of a name made of generic ones ("comprehensive strategic"),
        so that two frameworks of one pair of countries keep apart."""
        before = found.name.rpartition(found.head)[0]
        return [
            w
            for w in (_bare(_fold(word)) for word in _SPLIT.split(before))
            if w and w not in _CONNECTORS and w not in _LEADING_WORDS and not _ORDINAL.match(w)
        ]

    @staticmethod
    def key(found: _Found, codes: Sequence[str], words: Sequence[str]) -> str:
        """One key for the variants of one name (see the module docstring)."""
        head = _HEAD_ENGLISH.get(found.head, found.head.casefold())
        parts = [*sorted(set(codes)), *(w for w in words if w != head), head]
        return "cand:" + " ".join(parts)

    def _parties_beside(self, body: str, item: _Found, page_parties: set[str]) -> list[str]:
        """The parties of a name that names none: those named right after it ("a Free
        Trade Agreement (FTA) between India and the Gulf Cooperation Council"), else the
        page's pair when it names exactly two countries, else none."""
        between = _BETWEEN_PARTIES.match(body, item.end)
        if between is not None:
            return self._codes_in(between.group(0))
        return sorted(page_parties) if len(page_parties) == 2 else []

    # ---- the whole document ----------------------------------------------------------
    def find(
        self,
        body: str,
        hits: DocumentHits,
        sentences: Callable[[], Sentences],
    ) -> list[InitiativeCandidate]:
        """Candidates of ``body``; ``hits`` tells where the taxonomy matched, ``sentences()``
        splits the body (asked only when a name is found: most pages have none)."""
        names = [*self._english(body), *self._japanese(body), *self._exercises(body)]
        if not names:
            return []
        found: dict[str, InitiativeCandidate] = {}
        page_parties: set[str] | None = None  # countries the page names, asked once
        known: list[list[str]] | None = None  # the known initiatives it names, as well
        for item in names:
            if hits.person_inside(item.start, item.end):
                continue  # a person's name inside: a headline or a byline, not a name
            if hits.initiative_chars(item.start, item.end) * 2 >= item.end - item.start:
                continue  # a known initiative (or a known forum), perhaps with a prefix
            if item.language == "en" and (
                _names_a_known_one(item, hits) or _abbreviated_as_known(body, item, hits)
            ):
                continue  # "Japan-Australia 2+2 Foreign and Defence Ministerial Consultations"
            if hits.context_opens(item.start, item.end) or _a_business_forum(item):
                # "ASEAN Defence Ministerial Summit": a body known as context; a forum of
                # companies ("India-EU Business Forum"), as business forums are
                continue
            codes = self._codes_in(item.name)
            words = self._words(item)
            if not codes and words:
                if known is None:
                    known = hits.known_names()
                if _part_of_known(item, words, known):
                    continue  # "a Critical Minerals Initiative" of the Quad's, named before
            if not codes and (len(words) < 2 or item.head in _NEEDS_PARTIES):
                # "our Comprehensive Strategic Partnership", "the 2+2 Dialogue": a
                # relationship's framework, named without its parties; in a page about two
                # countries it is theirs
                if item.language != "en" or _cut_from_a_longer_name(body, item):
                    continue  # (Japanese names carry their parties: 日印, 日豪)
                if page_parties is None:
                    page_parties = hits.named(0, len(body))[0]
                codes = self._parties_beside(body, item, page_parties)
                if not codes:
                    continue
            if not words:  # only generic words: they are the name ("Special Strategic")
                words = self._generic_words(item) if item.language == "en" else []
                if not codes or not words:
                    continue
                if known is None:
                    known = hits.known_names()
                if any(name[-1] == item.head.casefold() for name in known):
                    continue  # "the Strategic Partnership" of a page that names theirs
            s_start, s_end = sentences().around(item.start)
            named, actors = hits.named(s_start, s_end)
            # a tracked office holder speaking of it in its sentence is a party's voice
            # ("Modi said the AI Cooperation Initiative is being taken up")
            of_actor = self._parties.of_actor
            parties = set(codes) | named | {of_actor[a] for a in actors if a in of_actor}
            if not parties & self._parties.tracked:
                continue
            key = self.key(item, codes, words)
            evidence = (
                built(
                    Evidence,
                    {"start": item.start, "end": item.end, "text": body[item.start : item.end]},
                ),
                built(Evidence, {"start": s_start, "end": s_end, "text": body[s_start:s_end]}),
            )
            old = found.get(key)
            if old is not None:
                found[key] = old.model_copy(
                    update={
                        "evidence": old.evidence + evidence,
                        "parties": tuple(sorted(set(old.parties) | parties)),
                        "actors": tuple(sorted(set(old.actors) | actors)),
                        "confidence": min(0.95, round(old.confidence + 0.05, 2)),
                    }
                )
                continue
            found[key] = InitiativeCandidate(
                key=key,
                name=item.name,
                parties=tuple(sorted(parties)),
                actors=tuple(sorted(actors)),
                confidence=round(0.6 + 0.1 * bool(codes) + 0.1 * (len(words) >= 2), 2),
                evidence=evidence,
            )
        return list(found.values())
