"""What a report says about its event, in any language: what happened, when, which round.

Two reports of one event share little wording when they come from different
outlets or languages, and two events of one initiative share most of their
labels (the announcement of a meeting and the meeting; the meeting and the
courtesy call on the prime minister that afternoon; the 13th and the 15th round
of a dialogue). A reader tells them apart by the lead: what kind of event it
reports, whether it has happened or is announced, on which day, and which round.
These are read here from the title and the lead (the first sentences after any
date or byline lines):
- ``kind``: the first event word of the title, else of the lead ("summit",
  "meeting", "talks", "courtesy" call, "phone" call, "signing", "notes" exchanged,
  "loan", "launch", exercise "start"/"end", "arrival", "visit", legislative
  "enacted"/"passed"/"debate"); a meeting of heads of government is a "summit";
- ``preview``: the lead announces the event ("will meet", "is set to", "予定",
  "開催へ") before it reports anything that happened;
- ``day``: the event day the lead names ("on Monday", "July 29", "29日", "today")
  resolved against the publication date, ``exact`` when named, else the
  publication date itself (the event was that day or the day before);
- ``rounds``: ordinals attached to an initiative ("15th ... Framework Dialogue",
  "第2回日印...", "the sixth edition of ... Dharma Guardian").
Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final, cast

import ahocorasick

from streams.classify.by_script import ScriptAutomata
from streams.classify.date_patterns import (
    DATELINE_PLACE,
    JA_DAY_NUMBER,
    JA_MONTH_NUMBER,
    JA_YEAR_NUMBER,
)
from streams.classify.lowercase import Folded, lowered, matches_at
from streams.classify.pickling import by_fields
from streams.classify.sentences import Sentences
from streams.classify.undertakings import JA_DECIDED

__all__ = ["EventSignals", "compatible_kinds", "event_signals", "names_an_event"]

LEAD_CHARS: Final = 420
LEAD_SENTENCES: Final = 3
BODY_CHARS: Final = 3000
_WEEKDAYS: Final = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "月曜": 0, "火曜": 1, "水曜": 2, "木曜": 3, "金曜": 4, "土曜": 5, "日曜": 6,
}  # fmt: skip
_MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1,
    "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_ORDINAL_WORDS: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_I: Final = re.IGNORECASE
# (kind, pattern): the first match in the title, else in the lead, names the kind
# (kind, words): the first of these words in the title, else in the lead, names the kind;
# English words are whole words (any case), Japanese ones substrings
_KIND_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("courtesy", "courtesy call|call on|calls on|called on|表敬|面会"),
    # "held a ministerial videoconference": listed whole, it outranks "ministerial" (a meeting)
    ("phone", "phone|telephone|videoconference|video conference|video-conferencing|"
              "video conferencing|ministerial videoconference|ministerial video conference|"
              "virtual meeting|virtual summit|virtual talks|virtually met|電話|テレビ会議"),
    ("notes", "exchange of notes|notes were exchanged|書簡の交換|交換公文"),
    ("loan", "loan agreement|loan worth|loan of|貸付契約|円借款"),
    ("signing", "sign|signs|signed|signing|inked|署名|調印|締結"),
    ("start", "commence|commences|commenced|begin|begins|began|kick off|kicks off|"
              "kicked off|opening ceremony|got underway|got under way|開始|開幕"),
    ("end", "conclude|concludes|concluded|culminated|culminating|closing ceremony|"
            "wrap up|wraps up|wrapped up|終了|閉幕"),
    ("enacted", "enact|enacts|enacted|成立"),
    ("passed", "passes|passed|可決|通過"),
    ("debate", "deliberation|deliberations|審議入り|審議"),
    ("arrival", "arrives|arrived|arrival|landed|到着"),
    ("launch", "launch|launches|launched|unveil|unveils|unveiled|発足|立ち上げ"),
    ("summit", "summit|首脳会合|首脳会議|サミット"),
    # 対面会談 / 対面会議 (face-to-face) hold 面会 (a courtesy call): listed whole
    ("talks", "met|meet|meets|held talks|bilateral talks|bilateral meeting|会談|懇談|対面会談"),
    ("meeting", "meeting|dialogue|consultations|joint statement|ministerial|会合|会議|協議|"
                "対話|共同声明|対面会議"),
    ("visit", "visit|visits|visited|visiting|訪問|訪日|訪印|訪米|訪豪"),
)  # fmt: skip
_KINDS: Final = tuple(kind for kind, _ in _KIND_WORDS)
# kinds of act a report may say were decided on (a visit, an arrival or a debate is
# reported, not agreed to)
_DECIDABLE: Final = frozenset(
    {"signing", "notes", "loan", "start", "end", "enacted", "launch", "summit", "talks", "meeting"}
)


def _kind_automaton() -> ScriptAutomata:
    automaton = ScriptAutomata()
    for rank, (kind, words) in enumerate(_KIND_WORDS):
        for word in words.split("|"):
            key = word if not word.isascii() else f" {word} "
            if key not in automaton:  # the first kind to list a word keeps it
                automaton.add_word(key, (len(key), rank, kind, word.isascii()))
    automaton.make_automaton()
    return automaton


_KIND_SCAN: Final = _kind_automaton()
_ASCII_NOT_WORD: Final = {c: " " for c in range(128) if not re.match(r"\w", chr(c))}
_NOT_WORD_CHAR: Final = re.compile(r"[^\w]")


# an act decided on, not the event reported: "agreed (on Monday) to launch", "agreed to
# hold a summit", "年内に立ち上げることで一致した" (the event is the agreement; the launch
# is a promise); "agreed to the plan and met" is a meeting
_DECIDED_BEFORE: Final = re.compile(
    r"\b(?:agree|agrees|agreed|decide|decides|decided|pledge|pledges|pledged|vow|vows|vowed|"
    r"resolve|resolves|resolved|commit|commits|committed|promise|promises|promised)\s+"
    r"(?:\w+\s+){0,8}?to\s+(?:(?!(?:the|a|an|this|that|its|their)\s)\w+\s+(?:\w+\s+){0,2})?$"
)
# "署名することで合意", "会談を開くことで一致", "訪問する考えを示した"
_DECIDED_AFTER: Final = re.compile(
    rf"(?:を\w{{0,4}}?)?(?:す|し)?[るくすうつむぶぐぬ]?(?:{JA_DECIDED})"
)
_DECIDED_REACH: Final = 90  # characters before an English event word: eight words and "to"


def _decided(padded: str, start: int, end: int, english: bool) -> bool:
    """Whether the event word at ``padded[start:end]`` (an English one with its spaces)
    names an act decided on."""
    if english:
        return _DECIDED_BEFORE.search(padded, max(0, start - _DECIDED_REACH), start + 1) is not None
    return _DECIDED_AFTER.match(padded, end) is not None


def _padded(text: str) -> str:
    """``text`` lowered with punctuation as spaces, a space at each end: what the event
    words are found in."""
    return (
        # words and single spaces: what a regex putting one space for each run of
        # non-word characters gives, but at C speed (offsets move: only their order counts)
        " " + " ".join(text.lower().translate(_ASCII_NOT_WORD).split()) + " "
        if text.isascii()
        else (" " + _NOT_WORD_CHAR.sub(" ", text.lower()) + " ")  # offsets kept
    )


# an event word of a relative clause with its year: what the thing named did long ago
_BACKGROUND_AFTER: Final = re.compile(r" *in +(?:19|20)\d\d\b")
_BACKGROUND_BEFORE: Final = re.compile(r"\b(?:which|that)(?: +[a-z]+)? *$")


def _kind_hits(text: str) -> list[tuple[int, int, str]]:
    """(offset, rank, kind) of every event word of ``text`` (offsets into it) but those
    naming an act decided on: one pass over its lowered form with punctuation as
    spaces."""
    if not text:
        return []
    padded = _padded(text)
    out: list[tuple[int, int, str]] = []
    for hit in _KIND_SCAN.for_text(padded).iter(padded):
        end, (length, rank, kind, padded_word) = cast(tuple[int, tuple[int, int, str, bool]], hit)
        start = end - length + 1
        if (kind in _DECIDABLE) and _decided(padded, start, end + 1, padded_word):
            continue
        if _BACKGROUND_AFTER.match(padded, end + 1) and _BACKGROUND_BEFORE.search(
            padded, max(0, start - 24), start
        ):
            continue  # "the exercise, which began in 1992": its history, not the event
        out.append((start + padded_word - 1, rank, kind))  # native ints, compiled
    return out


# kinds that never describe the same event
_APART: Final = {
    frozenset(p)
    for p in (
        ("start", "end"), ("enacted", "passed"), ("enacted", "debate"), ("passed", "debate"),
        ("notes", "loan"), ("arrival", "summit"), ("arrival", "meeting"), ("arrival", "talks"),
    )
}  # fmt: skip
# compatible only with themselves: a courtesy call, a phone call, a meeting on the side of
# another event ("met ... ahead of the Quad meeting", "首脳会合のあと...会談")
_ALONE: Final = frozenset({"courtesy", "phone", "side"})
# but a meeting on the side of another event is what other reports of the same two
# governments call their talks, what they launched or signed there, the visit, their summit
# ("held the second annual summit on the sidelines of the G20" / "met in Rio and launched a
# renewable energy partnership"); a "meeting" of the two, a 2+2 or a dialogue, may be the
# main event itself ("the ministers met ahead of the 2+2")
_ASIDE_OF: Final = frozenset({"talks", "launch", "signing", "visit", "summit"})
# Only where a match of _SIDE, _FUTURE or _PAST starts is read: a "\b" is put before a group
# of alternatives, not before each (the regex engine then tries fewer at each offset)
_SIDE: Final = re.compile(
    r"on the (?:sidelines|margins) of|"
    r"\b(?:ahead of (?:the|a|their)\b|(?:after|following) (?:the|their) (?:summit|meeting|talks))|"
    r"のあと|の後に?|に先立|の合間|に際して|相次いで会談",
    _I,
)
_FUTURE: Final = re.compile(
    r"\b(?:will|is set to|are set to|slated|ahead of|is expected to|plans? to|upcoming)\b|"
    r"\bto be (?:held|signed|launched|hosted|convened|inked|unveiled)\b|"
    r"scheduled to|予定|見通し|方向で調整|へ$|します。|"
    r"する。|する方針",
    _I,
)
_PAST: Final = re.compile(  # not a plan's participle: "to be held", "will be signed"
    r"\b(?<!\bbe )(?:met|held|signed|launched|unveiled|concluded|commenced|began|kicked off|issued|"
    r"attended|discussed|agreed|arrived|passed|enacted|welcomed|called on|spoke|reaffirmed|"
    r"inked|approved|made|decided|reviewed|co-chaired|chaired|established|adopted|visited|"
    r"hosted|convened|took place|led to|exchanged|completed|wrapped up|finali[sz]ed|"
    r"clinched|struck|sealed|revealed)\b|した。|ました。|された。|れた。|開かれた|行った|会談し|確認した",
    _I,
)
# what a meeting that took place said: "..., the ministers said in a joint statement"
_SAID_AT_A_MEETING: Final = re.compile(
    r",\s*(?:[\w'’-]+\s+){0,6}?(?:said|stated|agreed|announced|noted)\s+"
    r"(?:in\s+(?:a|their|the)\s+joint\s+(?:statement|declaration)|"
    r"after\s+(?:the|their)\s+(?:meeting|talks|summit))\b",
    _I,
)
# a headline tells what happened in the present tense: "US and Japan Sign Minerals Deal"
_HEADLINE_PRESENT: Final = re.compile(
    r"\b(?<!\bto )(?:signs?|meets?|holds?|launch(?:es)?|agrees?|inks?|concludes?|begins?|opens?|"
    r"unveils?|reveals?|hosts?|welcomes?|reaffirms?|discuss(?:es)?|vows?|pledges?)\b",
    _I,
)
_HEADLINE_FUTURE: Final = re.compile(  # "Tokyo to host next round of talks"
    r"\bto (?:host|hold|meet|sign|launch|visit|attend|begin|open|convene)\b", _I
)
_HEADER_LINE: Final = re.compile(r"^\W*(?:\d|[A-Z][A-Z .'-]{2,40}$|(?:photo|image|file)\b)", _I)
_SENTENCE_END: Final = re.compile(r"[。.!?」”\"]\s*$")
# a dateline opening the lead dates the page, not the event: "New Delhi [India], September 7
# (ANI):", "TOKYO, Jan 16 (Reuters) -", "Tokyo, July 28 (IANS)", "【ワシントン時事】"
_DATELINE: Final = re.compile(
    rf"^(?:{DATELINE_PLACE}\s*,\s*"
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,?\s+\d{4})?\s*(?:\([^)]{1,30}\))?\s*[:\-–—]*\s*"
    r"|【[^】]{1,16}】|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}\s*[:\-–—]{1,2}\s+)"
)
_SAID_BEFORE: Final = re.compile(r"\b(?:said|announced|stated|told reporters)\b[^.]*$", _I)
# a day a report names for what is still to come, in the same clause: "the next round
# scheduled to be held from May 12-16", "to enter into force on Sept. 11"
_PLANNED_BEFORE: Final = re.compile(
    r"\b(?:will|shall|set to|slated|scheduled|expected to|plans? to|to be held|upcoming|"
    r"next(?!\s+(?:day|morning|afternoon|evening|to)\b)|"
    r"to enter into force|to take effect|to come into force)\b[^.;:!?\n]*$",
    _I,
)
_PLANNED_REACH: Final = 80
_EN_DAY: Final = re.compile(
    r"\b(?:on\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(?P<month>january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?\s+"
    r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    r"|\b(?P<today>today|this morning|this afternoon|tonight)\b|\b(?P<yesterday>yesterday)\b",
    _I,
)
_JA_DAY_CHARS: Final = ("日", "曜", "きょう", "けさ", "きのう")
_JA_DAY: Final = re.compile(
    # in ASCII or full-width digits (１６日), never the end of a longer number nor a stay's
    # days (１泊２日)
    rf"(?<![0-9０-９泊])(?:(?P<year>{JA_YEAR_NUMBER})年)?(?:(?P<month>{JA_MONTH_NUMBER})月)?"
    rf"(?P<day>{JA_DAY_NUMBER})日(?![本曜間])"
    r"|(?P<weekday>[月火水木金土日]曜)|(?P<today>本日|きょう|今日|けさ)|(?P<yesterday>昨日|きのう)"
)
_TRANCHE: Final = re.compile(
    r"\b(?P<n>\d{1,2})(?:st|nd|rd|th)\s+(?P<what>tranche|phase)\b|\b(?P<what2>tranche|phase)\s+"
    r"(?P<n2>\d{1,2}|I{1,3}|IV|V)\b|\b(?P<word>first|second|third|fourth|fifth|sixth|seventh)\s+"
    r"(?P<what3>tranche|phase)\b|第(?P<n3>\d{1,2}|[一二三四五六七])(?P<what4>期)",
    _I,
)
_TRANCHE_WORD: Final = re.compile(r"tranche|phase", _I)
_KANJI_NUMBERS: Final = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_ROMAN: Final = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_EN_ORDINAL: Final = re.compile(
    r"\b(?:(?P<n>\d{1,3})(?:st|nd|rd|th)|(?P<word>first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
    r"seventeenth|eighteenth|nineteenth|twentieth))\b",
    _I,
)
_JA_ORDINAL: Final = re.compile(r"第(?P<n>\d{1,3})回")
_ROUND_REACH: Final = 60  # characters between an ordinal and the initiative it numbers
# an ordinal that numbers no round: a tranche or phase, a count ("the sixth time that all
# four nations have participated in Malabar"), or an enumeration ("Second, there is the
# Quad Logistics Network")
_NOT_A_ROUND: Final = re.compile(r"\s+(?:tranche|phase|times?)\b|,", _I)
# a count from some point, after the mention: "the second meeting of the Quad ministers
# since the new administration", "... this year", "... in six months"
_COUNTED_FROM: Final = re.compile(
    r"[^.;\n]{0,50}?\b(?:since|this year|in (?:\w+ )?(?:months|years))\b", _I
)
# run on lowered text (much faster, see streams.classify.lowercase)
_SIDE_FOLDED, _FUTURE_FOLDED, _PAST_FOLDED, _SAID_BEFORE_FOLDED, _PLANNED_BEFORE_FOLDED = map(
    Folded.of, (_SIDE, _FUTURE, _PAST, _SAID_BEFORE, _PLANNED_BEFORE)
)
_HEADLINE_PRESENT_FOLDED, _HEADLINE_FUTURE_FOLDED = map(
    Folded.of, (_HEADLINE_PRESENT, _HEADLINE_FUTURE)
)
_EN_DAY_FOLDED, _EN_ORDINAL_FOLDED = map(Folded.of, (_EN_DAY, _EN_ORDINAL))
# the Roman numerals are the only capitals of _TRANCHE: its twin is written with them lowered
_TRANCHE_FOLDED: Final = Folded.of(_TRANCHE, _TRANCHE.pattern.replace("I{1,3}|IV|V", "i{1,3}|iv|v"))


@dataclass(frozen=True, slots=True)
class EventSignals:
    kind: str = ""
    preview: bool = False
    day: date | None = None
    exact: bool = False
    rounds: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return by_fields(self)  # (compiled, the class has no __setstate__)


def compatible_kinds(a: str, b: str, *, one_pair: bool = False) -> bool:
    """Whether events of kinds ``a`` and ``b`` can be one event ("" is unknown);
    ``one_pair``: both reports are of the same two governments, whose meeting on the side
    of another event others tell as their talks (``_ASIDE_OF``)."""
    if not a or not b or a == b:
        return True
    if one_pair and "side" in (a, b) and (b if a == "side" else a) in _ASIDE_OF:
        return True
    if a in _ALONE or b in _ALONE:
        return False
    return frozenset((a, b)) not in _APART


# a dateline of the wires' form, "Tokyo, Sep 09:", "New Delhi, March 3 (PTI)": where the
# report proper opens
_WIRE_DATELINE: Final = re.compile(rf"{DATELINE_PLACE}\s*,\s*[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}}\b")
_STANDFIRST_LINES: Final = 2  # how many lines a summary may take before the dateline


def _after_standfirst(lines: list[str]) -> list[str]:
    """The lines from the report's dateline on, when a summary precedes it ("Before meeting
    the Japanese PM, the ministers attended the 2+2 on Thursday ... / Tokyo, Sep 09: ..."):
    the summary may tell the background first; the dateline opens the report."""
    seen = 0  # non-empty lines read
    for k, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if _WIRE_DATELINE.match(text):
            return lines[k:] if seen else lines
        seen += 1
        if seen > _STANDFIRST_LINES:
            break
    return lines


def _lead(body: str) -> str:
    """The first sentences of the body, after date, byline and caption-like header lines
    and a summary before a wire dateline, without a dateline."""
    kept: list[str] = []
    size = 0
    for line in _after_standfirst(body.split("\n")):
        stripped = line.strip()
        if not stripped:
            continue
        if (
            not kept
            and not _SENTENCE_END.search(stripped)
            and (len(stripped) < 40 or (len(stripped) < 80 and _HEADER_LINE.match(stripped)))
        ):
            continue
        if not kept:
            stripped = _DATELINE.sub("", stripped, count=1)
        kept.append(stripped)
        size += len(stripped)
        if size >= LEAD_CHARS:
            break
    return " ".join(kept)[:LEAD_CHARS]


def _first_kind(text: str, end: int | None = None) -> tuple[int, str] | None:
    """(offset, kind) of the first event word of ``text[:end]`` (at one offset, the kind
    listed first)."""
    hits = _kind_hits(text if end is None else text[:end])
    if not hits:
        return None
    offset, _, kind = min(hits)
    return offset, kind


# within a first sentence these outrank what comes before them: a bill "passed and enacted"
# was enacted; an exercise that "began on ... and concluded" is over
_OUTRANKS: Final = (("enacted", frozenset({"passed", "debate"})), ("end", frozenset({"start"})))
_OUTRANKED: Final = frozenset(kind for _, lower in _OUTRANKS for kind in lower)


def _kind(title: str, lead: str, first: str, leaders: bool) -> str:
    """``first``: the lead's first sentence."""
    kind = _lead_kind(title, lead, first, leaders)
    if kind not in _OUTRANKED:
        return kind
    in_first = {k for _, _, k in _kind_hits(f"{title}\n{first}")}
    for higher, lower in _OUTRANKS:
        if kind in lower and higher in in_first:
            return higher
    return kind


def _lead_kind(title: str, lead: str, first: str, leaders: bool) -> str:
    side = _SIDE_FOLDED.search(first, lowered(first))
    if side is not None:
        before = _first_kind(first, side.start())
        return before[1] if before is not None and before[1] in _ALONE else "side"
    for text in (title, lead):
        found = _first_kind(text)
        if found is not None:
            kind = found[1]
            return "summit" if kind in ("meeting", "talks") and leaders else kind
    return ""


def _usual_kind(body: str) -> str:
    """The event word a page without one in its lead uses most (a transcript of remarks
    at a summit says "summit" throughout)."""
    counts: dict[str, int] = {}
    for _, _, kind in _kind_hits(body[:BODY_CHARS]):
        counts[kind] = counts.get(kind, 0) + 1
    if not counts:
        return ""
    kind, count = max(counts.items(), key=lambda kv: kv[1])
    return kind if count >= 2 and kind not in _ALONE else ""


def _an_outcome_said(text: str, after: int) -> bool:
    """Whether the future at ``after`` is what a meeting that took place said ("Japan and
    Australia will develop cooperation ..., the ministers said in a joint statement"), not
    an event to come ("The ministers will meet on Tuesday, the ministry said")."""
    return _SAID_AT_A_MEETING.search(text, after) is not None


# an English future that announces an event names it in its clause ("will meet", "is set
# to visit", "scheduled to be held", "upcoming summit", "will extend a tranche of yen
# loans"); "Australia will upgrade its navy with eleven frigates, the minister said on
# Tuesday" is a decision reported, no event to come
_EVENT_AHEAD: Final = re.compile(
    r"\b(?:meet|meets|visit|visits|hold|host|sign|attend|travel|arrive|co-chair|chair|"
    r"convene|begin|open|launch|kick|take part|participate|be held|be hosted|be signed|leave|"
    r"depart|embark|call on|address|summit|talks|meeting|dialogue|round|session|conference|"
    r"exercise|drills?|consultations|trip|tour|loans?|notes|enter into force|take effect|"
    r"come into (?:force|effect))\b",
    _I,
)
_CLAUSE_END: Final = re.compile(r"[,;.:!?\n]")
_EVENT_REACH: Final = 60
_ENGLISH_CUE: Final = re.compile(r"[a-z]", _I)


def _announces(text: str, future: re.Match[str]) -> bool:
    """Whether a future cue found in ``text`` (a lowered copy or the text itself) announces
    an event (a Japanese cue always does)."""
    cue = future.group()
    if not _ENGLISH_CUE.match(cue) or cue.lower() in ("ahead of", "upcoming"):
        return True
    if cue.lower().startswith("to be "):
        return True  # the act is the cue's own ("to be held")
    end = min(len(text), future.end() + _EVENT_REACH)
    stop = _CLAUSE_END.search(text, future.end(), end)
    return _EVENT_AHEAD.search(text, future.end(), stop.start() if stop else end) is not None


def _decision_not_reported(
    future: re.Match[str] | None, sentences: Sequence[str]
) -> re.Match[str] | None:
    """A headline's "to launch" unless the lead's first sentence reports it was decided,
    as ``_decided`` reads an event word ("Japan, Philippines to Launch Strategic Defense
    Talks": "... agreed Monday to launch a strategic dialogue": a report of the meeting
    that agreed it)."""
    if future is None or not sentences:
        return future
    padded = _padded(sentences[0])
    word = f" {future.group().lower().split()[-1]} "
    at = padded.find(word)
    while at >= 0:
        if _decided(padded, at, at + len(word), True):
            return None
        at = padded.find(word, at + 1)
    return future


def _preview(title: str, sentences: Sequence[str]) -> bool:
    """Whether the title, else the first of the lead's ``sentences`` that says either,
    announces ("will meet") before it reports ("met"; a headline's "to launch" is the
    decision a lead reports, "agreed Monday to launch"); a sentence saying neither
    ("Reporting from our correspondents.") is passed over, and so is one whose first future
    announces no event ("will take forward the discussions held in New York": the future
    of a decision, not of a meeting; the past inside it is no report either)."""
    for index, text in enumerate((title, *sentences)):
        headline = index == 0
        folded = lowered(text)
        futures = list(_FUTURE_FOLDED.finditer(text, folded))
        searched = text if folded is None else folded  # where the matches were found
        future = next((f for f in futures if _announces(searched, f)), None) or (
            _decision_not_reported(_HEADLINE_FUTURE_FOLDED.search(text, folded), sentences)
            if headline
            else None
        )
        past = _PAST_FOLDED.search(text, folded) or (
            _HEADLINE_PRESENT_FOLDED.search(text, folded) if headline else None
        )
        if future is not None and (past is None or future.start() < past.start()):
            return not _an_outcome_said(text, future.end())
        if past is not None:
            if futures and futures[0].start() < past.start():
                continue  # a decision's future first: this sentence tells neither
            return False
    return False


def _sentences(text: str, most: int) -> list[str]:
    """The first ``most`` sentences of ``text`` (one that ends before 15 characters is
    joined to the next: "1." opens none; "S. Jaishankar" and "U.S." end none)."""
    out: list[str] = []
    start = 0
    for end in Sentences(text).ends:
        if end - start >= 15:
            out.append(text[start:end])
            start = end
            if len(out) == most:
                break
    if len(out) < most and start < len(text):
        out.append(text[start:])
    return out


def _group_words(pattern: re.Pattern[str], group: str) -> list[str]:
    """The words of a named group of ``pattern`` written as ``(?P<group>a|b|c)``."""
    found = re.search(rf"\(\?P<{group}>([^()]*)\)", pattern.pattern)
    assert found is not None, group
    return found.group(1).split("|")


def _day_word_automaton() -> Any:
    """Every word an _EN_DAY match opens with (but "on"): weekdays, months, "today"..."""
    automaton = ahocorasick.Automaton()
    for group in ("weekday", "month", "today", "yesterday"):
        for word in _group_words(_EN_DAY, group):
            automaton.add_word(word, (len(word), group == "weekday"))
    automaton.make_automaton()
    return automaton


_DAY_WORDS: Final = _day_word_automaton()


def _en_days(text: str, folded: str | None) -> Iterator[re.Match[str]]:
    """``_EN_DAY_FOLDED.finditer(text, folded)``, tried only where a match can start: at
    one of its words, or at the "on" before a weekday. The pattern opens with "\\b" and
    alternatives, so the regex engine would try them all at every offset."""
    if folded is None:
        yield from _EN_DAY.finditer(text)
        return
    starts: set[int] = set()
    for end, (length, weekday) in _DAY_WORDS.iter(folded):
        start = end - length + 1
        starts.add(start)
        if weekday:  # "on Monday"
            k = start
            while k > 0 and folded[k - 1].isspace():
                k -= 1
            if k < start and k >= 2 and folded[k - 2 : k] == "on":
                starts.add(k - 2)
    yield from matches_at(_EN_DAY_FOLDED.twin, folded, sorted(starts), len(folded))


# a report's day may be a day after its recorded publication date: a dateline written in
# another time zone ("Rio de Janeiro, Nov 20 (IANS)" recorded on the 19th)
_CLOCK_SLACK: Final = timedelta(days=1)


def _nearest(published: date, month: int, day: int, forward: bool) -> date | None:
    """The date with ``month``/``day`` nearest ``published``: on or before it (give or take
    a time zone) for a report, on or after it for an announcement."""
    for year in (published.year, published.year + (1 if forward else -1)):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if (found >= published) if forward else (found <= published + _CLOCK_SLACK):
            return found
    return None


_ACT_REACH_DAYS: Final = 7  # how far from a statement's day the act it reports may lie


def _day(text: str, published: date | None, preview: bool) -> tuple[date | None, bool]:
    """The event day the text names, and whether it was named (else the publication date).

    The first day named, unless it is a statement's ("said on Monday"; in Japanese a day
    followed by a comma, "JICAは10月1日、9月28日に…調印したと発表した") and another day follows:
    then the day of the act, if within a week of the statement's. A report's day of a plan
    ("the next round scheduled for May 12-16") is no event day of it."""
    found: list[tuple[date, bool]] = []
    folded = lowered(text)
    # on the lowered copy the groups are lower case: _resolve reads them so anyway
    english = _en_days(text, folded)
    # every Japanese day has one of these (most English text has none: a slow pattern)
    japanese = _JA_DAY.finditer(text) if any(c in text for c in _JA_DAY_CHARS) else ()
    for matches, commas in ((english, ()), (japanese, ("、", ",", "，"))):
        for match in matches:
            at = match.start()
            if not preview and _PLANNED_BEFORE_FOLDED.search(
                text, folded, max(0, at - _PLANNED_REACH), at
            ):
                continue  # a report's plan for later: not the day of what it reports
            day = _resolve(match.groupdict(), published, preview)
            if day is not None:
                said = _SAID_BEFORE_FOLDED.search(text, folded, max(0, at - 24), at)
                # a Japanese topic's comma; an English date's ("on May 5, in Tokyo") is none
                topic = bool(commas) and text.startswith(commas, match.end())
                found.append((day, bool(said) or topic))
        if found:
            break
    stated = next((day for day, statement in found if statement), None)
    for day, statement in found:
        # the act a statement reports is days from it; one months before is background
        # ("Goyal said today ... during the visit on February 28, our leaders ...")
        if not statement and (stated is None or abs((day - stated).days) <= _ACT_REACH_DAYS):
            return day, True
    return (found[0][0], True) if found else (published, False)


def _resolve(groups: dict[str, str | None], published: date | None, preview: bool) -> date | None:
    if groups.get("year") and groups.get("month") and groups.get("day"):
        month_text = str(groups["month"])
        month = _MONTHS.get(month_text.lower()) or int(month_text)
        try:
            return date(int(str(groups["year"])), month, int(str(groups["day"])))
        except ValueError:
            return None
    if published is None:
        return None
    if groups.get("today"):
        return published
    if groups.get("yesterday"):
        return published - timedelta(days=1)
    if groups.get("weekday"):
        target = _WEEKDAYS[str(groups["weekday"]).lower()]
        delta = (target - published.weekday()) % 7
        return (
            published + timedelta(days=delta)
            if preview
            else published - timedelta(days=(published.weekday() - target) % 7)
        )
    if groups.get("day"):
        day = int(str(groups["day"]))
        if groups.get("month"):
            month_text = str(groups["month"])
            month = _MONTHS.get(month_text.lower().rstrip(".")) or int(month_text)
            return _nearest(published, month, day, preview)
        if not 1 <= day <= 31:
            return None
        for month_back in range(3):  # a day of the month alone: this month or the last
            index = (
                published.year * 12 + published.month - 1 + (month_back if preview else -month_back)
            )
            year, month0 = divmod(index, 12)
            try:
                found = date(year, month0 + 1, day)
            except ValueError:
                continue
            if (found >= published) if preview else (found <= published):
                return found
    return None


def _rounds(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, ...]:
    """``initiative#n`` for each ordinal just before an initiative's mention in ``text``."""
    out: set[str] = set()
    for start, end, initiative in spans:
        window = text[max(0, start - _ROUND_REACH) : start]
        found = None
        # groups: digits or a word, lowered below
        for match in _EN_ORDINAL_FOLDED.finditer(window, lowered(window)):
            if not _NOT_A_ROUND.match(window, match.end()):
                found = match
        if found is not None and _COUNTED_FROM.match(text, end, end + _ROUND_REACH):
            found = None  # "the second meeting of the Quad since January": a count, no round
        ja = None
        for match in _JA_ORDINAL.finditer(window) if "第" in window else ():
            ja = match
        if ja is not None and (found is None or ja.start() > found.start()):
            out.add(f"{initiative}#round#{int(ja.group('n'))}")
        elif found is not None:
            n = found.group("n")
            number = int(n) if n else _ORDINAL_WORDS[found.group("word").lower()]
            out.add(f"{initiative}#round#{number}")
    return tuple(sorted(out))


def _names_a_tranche(text: str, folded: str | None) -> bool:
    """Whether "tranche" or "phase" is in ``text``, in any case (``folded``: ``lowered(text)``)."""
    if folded is None:
        return _TRANCHE_WORD.search(text) is not None
    return "tranche" in folded or "phase" in folded


def _tranches(text: str, spans: Iterable[tuple[int, int, str]]) -> set[str]:
    """``initiative#tranche#3`` / ``#phase#1`` for the loan tranches and phases ``text``
    names within reach of an initiative's mention: a rail loan's fourth tranche is not
    its first."""
    out: set[str] = set()
    head = text[: LEAD_CHARS * 2]
    folded = lowered(head)
    if "期" not in head and not _names_a_tranche(head, folded):
        return out
    mentions = list(spans)
    # groups come in lower case from the twin: each is read below in any case
    for match in _TRANCHE_FOLDED.finditer(head, folded):
        ids = {
            i
            for s, e, i in mentions
            if s - _ROUND_REACH * 2 <= match.start() <= e + _ROUND_REACH * 2
        }
        g = match.groupdict()
        raw = g["n"] or g["n2"] or g["n3"] or g["word"] or ""
        what = (g["what"] or g["what2"] or g["what3"] or g["what4"] or "").lower()
        what = "phase" if what in ("phase", "期") else "tranche"
        if raw.isdigit():
            number = int(raw)
        else:
            number = (
                _KANJI_NUMBERS.get(raw)
                or _ROMAN.get(raw.upper())
                or _ORDINAL_WORDS.get(raw.lower(), 0)
            )
        if number:
            out.update(f"{i}#{what}#{number}" for i in ids)
    return out


def names_an_event(title: str, body: str) -> bool:
    """Whether the title or the lead names an event of some kind (a meeting, a visit, a
    signing, a bill's passage), or the body keeps naming one."""
    lead = _lead(body)
    sentences = _sentences(lead, LEAD_SENTENCES)
    first = sentences[0] if sentences else lead
    return bool(_kind(title, lead, first, False) or _usual_kind(body))


def event_signals(
    title: str,
    body: str,
    published: date | None,
    *,
    leaders: bool = False,
    initiative_spans: Iterable[tuple[int, int, str]] = (),
    title_spans: Iterable[tuple[int, int, str]] = (),
) -> EventSignals:
    """The event a report is about, from its title and lead.

    ``published`` is the publication date when known; ``leaders``: the lead names
    heads of government (a meeting of them is a summit); ``initiative_spans`` /
    ``title_spans``: (start, end, initiative id) of initiative mentions in the body /
    title, for the rounds.
    """
    lead = _lead(body)
    sentences = _sentences(lead, LEAD_SENTENCES)
    first = sentences[0] if sentences else lead
    kind = _kind(title, lead, first, leaders) or _usual_kind(body)
    preview = _preview(title, sentences)
    day, exact = _day(f"{title}\n{lead}", published, preview)
    rounds = set(_rounds(title, title_spans))
    spans = list(initiative_spans)
    head = [(s, e, i) for s, e, i in spans if s < LEAD_CHARS * 2]
    rounds.update(_rounds(body, head))
    rounds.update(_tranches(body, spans))
    return EventSignals(kind, preview, day, exact, tuple(sorted(rounds)))
