"""Commitments: future-dated undertakings in the body, normalised to a due window.

A commitment is a date expression (see :mod:`streams.classify.dates`) in a
sentence that also has an undertaking cue (see
:mod:`streams.classify.undertakings`: "will", "is expected to", "agreed ...
to", "directed officials to", "予定"; not "will not") and either
- an anchor: a taxonomy label (initiative, actor or country), or a government
  named by its office alone ("the government", 政府), in the same sentence; it
  links to the initiative mentioned nearest to the date in that sentence, or to
  the one its paragraph is about, or to none ("Motegi will visit India next
  month"); or
- no label at all but a policy act or event ("the two sides will hold the next
  session in March"): such a sentence continues its paragraph's topic and
  links to the initiative named last before it in the paragraph, else to the
  document's dominant initiative, else it is dropped. "Prices will ease by
  March" names no act and is never one.
A sentence without a date expression may take the date of an earlier one ("the
same day", "during the visit": :mod:`streams.classify.back_references`); such a
commitment dates another act and is not merged with the one it borrows from.
A date whose nearest cue before it is negated or a former plan is not promised
("was scheduled to open by 2022, but may be ready by 2028").
Evidence: the date expression and the sentence, both as body offsets. Only
windows ending on or after the document date count. Pure: no I/O.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from typing import Final

from schemas.classification import Commitment, Evidence
from streams.classify.back_references import REFERRING, with_referred_windows
from streams.classify.built import built
from streams.classify.dates import DueWindow, find_due_windows
from streams.classify.lowercase import Folded, lowered
from streams.classify.normalise import Normalised, normalise
from streams.classify.sentences import Sentences
from streams.classify.undertakings import (
    cue_in,
    cue_positions,
    dropped_plan_before,
    names_an_action,
)
from streams.classify.values import ByValue

__all__ = ["Anchor", "extract_commitments"]

ACTION_CHARS: Final = 160

_LEAD: Final = re.compile(r"^[\s\-–—•*·\"'“‘]+")
# Date expressions are looked for only this far around a candidate sentence: twice
# the longest expression (~60 characters), so cutting there changes nothing inside it.
_REGION_MARGIN: Final = 120


# a day named without a year or month ("on Tuesday", "24日に") is taken as the next one,
# which is right only in a plan ("will meet on Tuesday"), not after "agreed on Sunday"
_FORWARD_KINDS: Final = frozenset({"weekday", "ja_day"})
# a month without its year is also taken as the next one: right in "will meet in March",
# not in "the target set during the visit in March" (kinds of date_patterns)
_MONTH_KINDS: Final = frozenset({"month", "day_month"})
_FUTURE: Final = re.compile(
    r"\b(?:will|shall|is set to|are set to|scheduled|slated|expected to|due to|upcoming|"
    r"to be held|plans? to)\b|予定|方向で|見通し|します|する。",
    re.IGNORECASE,
)
_REPORTING: Final = re.compile(
    r"\b(?:said|says|announced|stated|told|added|confirmed)\b", re.IGNORECASE
)
_LOOKING_BACK: Final = re.compile(r"\b(?:earlier|last|past|previous|since)\s+$", re.IGNORECASE)
# an initiative named as the frame of the one before it ("convene a working group on
# critical minerals under their economic security initiative in early 2026"): the date is
# the first one's ("projects under the Ports Partnership by 2026" has no first one)
# a Japanese photo caption ends "＝date, place": the day the photo was taken
_CAPTION_MARKS: Final = "＝="
_FRAME_GAP: Final = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:under|within|as part of|in the framework of)\s+"
    r"(?:[\w-]+\s+){0,3}",
    re.IGNORECASE,
)
# run on the lowered body when there is one (see streams.classify.lowercase)
_FUTURE_FOLDED, _REPORTING_FOLDED, _LOOKING_BACK_FOLDED = map(
    Folded.of, (_FUTURE, _REPORTING, _LOOKING_BACK)
)


# a past act next to a named day: "on Thursday launched ...", "(it was) signed on Monday";
# not a passive plan ("will be held on Monday", "is to be signed on Friday")
_PAST_VERB: Final = r"(?:[a-z]{2,}ed|held|met|signed|began|made|took|won|sent|gave)"
_PAST_AFTER: Final = re.compile(r"[\s,]*" + _PAST_VERB + r"\b")
# a past verb and the word before it (an auxiliary of a plan: "will be held")
_AUX_AND_PAST: Final = r"(?:^|[^a-z])(?P<aux>[a-z]+\s+)?(?P<verb>" + _PAST_VERB + ")"
# ... or a statement's day: "the spokesperson said on Friday that the talks will be held"
_PAST_BEFORE: Final = re.compile(
    r"(?:^|[^a-z])(?P<aux>[a-z]+\s+)?(?P<verb>" + _PAST_VERB + r"|said|told(?:\s+[a-z]+)?)"
    r"\s+(?:here\s+)?(?:on\s+|last\s+)?$"
)
# a Japanese date whose verb is in the past: "3月に開催された", "5日に会談した", "開かれた";
# not "開催される予定", "立ち上げることで一致した" (the decision is past, the act is not)
_JA_PAST_ACT: Final = re.compile(r"(?:に|には)\w{1,4}?(?:された|れた|した)")
_PLAN_AUX: Final = frozenset({"be", "been", "being", "will", "to", "shall", "would", "is", "are"})
_PAST_WORD: Final = re.compile(_AUX_AND_PAST + r"\b")
# words that end like a past verb and are none ("the United States", "a hundred")
_NOT_PAST: Final = frozenset(
    ("united", "need", "indeed", "speed", "proceed", "exceed", "succeed", "hundred", "seed")
)
_PLANNED: Final = re.compile(r"\b(?:planned|scheduled|slated|expected|proposed|intended)\b")
_CLAUSE_CHARS: Final = 120  # how far back a clause is read


# a Japanese sentence that ends on what has been done until now: "行われてきました。"
_JA_UNTIL_NOW: Final = re.compile(r"て(?:き|来)(?:た|ました)$")
_JA_SENTENCE_CHARS: Final = 300  # how far the end of a Japanese sentence is looked for


def _japanese_past_act(body: str, window: DueWindow) -> bool:
    """ "3月に開催された対話": the date of an act that took place, whatever the sentence
    promises elsewhere; a date in a sentence that ends on what has been done until now
    ("4月には共同訓練を実施するなど防衛協力が行われてきました") is one too."""
    if not window.kind.startswith("ja_"):
        return False
    if _JA_PAST_ACT.match(body, window.end) is not None:
        return True
    end = body.find("。", window.end, window.end + _JA_SENTENCE_CHARS)
    return end > 0 and _JA_UNTIL_NOW.search(body, window.end, end) is not None


def _in_a_caption(body: str, window: DueWindow) -> bool:
    """A photo caption's date: "李在明大統領＝8月、首相官邸" (a caption may run into the
    next sentence, as in many pages copied as text)."""
    return window.start > 0 and body[window.start - 1] in _CAPTION_MARKS


def _day_of_a_past_act(body: str, window: DueWindow, folded: str | None) -> bool:
    """A named day whose verb is in the past, whatever cue the sentence holds elsewhere
    ("India and Japan on Thursday launched a forum that will map ...")."""
    text = body.lower() if folded is None else folded
    if _PAST_AFTER.match(text, window.end):
        return True
    before = _PAST_BEFORE.search(text, max(0, window.start - 40), window.start)
    if before is not None and (before["aux"] or "").strip() not in _PLAN_AUX:
        return True
    return _past_clause(text, window.start)


# "on Thursday (July 24)": a date in brackets beside the named day it spells out
_DAY_BRACKET: Final = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*\($")


def _spells_out_a_past_day(body: str, window: DueWindow, folded: str | None) -> bool:
    """A date that spells out the named day before it ("Modi on Thursday (July 24)
    witnessed the signing") dates what that day does: a past act, whatever the sentence
    promises elsewhere ("... that officials hope will double trade within five years")."""
    text = body.lower() if folded is None else folded
    if not text.startswith(")", window.end):
        return False
    day = _DAY_BRACKET.search(text, max(0, window.start - 12), window.start)
    if day is None:
        return False
    return _day_of_a_past_act(
        body, DueWindow(day.start(), window.end + 1, window.due_from, window.due_to), folded
    )


# a past act or state in the clause before a month: "was set during the visit in March",
# "signed in March", "Modi was in Tokyo in March"; not a plan ("was to", "were due to")
_WAS: Final = re.compile(r"\b(?:was|were|had\s+been)\s+(?!to\b|not\b|going\b|due\b)[a-z]{2,}")
_PAST_IN: Final = re.compile(_AUX_AND_PAST + r"\s+(?:in|on|during)\s+$")
_AFTER_PHRASE: Final = re.compile(r"\s*,\s*")
# a month a past act moved something to is the new plan: "was postponed to March"
_MOVED_TO: Final = re.compile(r"\b(?:to|until|till|for)\s+$")


def _month_of_a_past_act(body: str, window: DueWindow, folded: str | None) -> bool:
    """A month without its year in a clause about a past act ("the 5-trillion-yen target,
    which was set during the Prime Minister's visit to India in March"): last March, not
    the next one."""
    if not window.relative or window.kind not in _MONTH_KINDS:
        return False
    text = body.lower() if folded is None else folded
    opening = _clause_start(text, window.start, max(0, window.start - _CLAUSE_CHARS))
    if _plans_in(text, opening, window.start):
        return False
    if _MOVED_TO.search(text, max(0, window.start - 8), window.start):
        return False
    before = _PAST_IN.search(text, max(0, window.start - 40), window.start)
    if before is not None and before["verb"] not in _NOT_PAST:
        return _a_past_act(before)
    return _WAS.search(text, opening, window.start) is not None or _past_clause_after(
        text, window.end
    )


def _past_clause_after(text: str, end: int) -> bool:
    """A phrase closed by a comma whose next clause tells a past act: "During his visit to
    the US in February, Prime Minister Modi extended an invitation ..." (not "In March,
    the two sides will meet")."""
    comma = _AFTER_PHRASE.match(text, end)
    if comma is None:
        return False
    start = comma.end()
    stop = min((i for i in (text.find(m, start) for m in ",;.") if i >= 0), default=len(text))
    stop = min(stop, start + _CLAUSE_CHARS)
    if _REPORTING.search(text, start, stop):  # "..., officials confirmed": who told it
        return False
    return _tells_a_past_act(text, start, stop)


# a goal named, not promised by a verb: it times only what follows it ("set a goal of 10
# trillion yen over the next decade"; not "reviewed the visit in August, including the goal
# of 10 trillion yen")
_GOAL_NAMED: Final = (
    "goal of", "target of", "aim of", "objective of", "set a ", "set an ", "set the ",
)  # fmt: skip


_UNTIL: Final = ("until ", "till ")


def _times_another_date(body: str, window: DueWindow, cue: int, folded: str | None) -> bool:
    """Whether the cue promises nothing for this date: a goal named times only what follows
    it, "until" only the date it opens ("to train together until March 9")."""
    text = body.lower() if folded is None else folded
    if text.startswith(_UNTIL, cue):
        return not cue <= window.start <= cue + len("until ")
    return window.start < cue and text.startswith(_GOAL_NAMED, cue)


def _in_another_clause(
    body: str, window: DueWindow, cue: int, sentence: tuple[int, int], folded: str | None
) -> bool:
    """Whether a semicolon parts the date from the sentence's cue and the date's own clause
    promises nothing: "are expected to explore other projects; in 2009 five corridors were
    shortlisted"."""
    lo, hi = (cue, window.start) if cue < window.start else (window.end, cue)
    if body.find(";", lo, hi) < 0:
        return False
    s_start, s_end = sentence
    clause_start = max(s_start, body.rfind(";", s_start, window.start) + 1)
    clause_end = body.find(";", window.end, s_end)
    return cue_in(body, clause_start, s_end if clause_end < 0 else clause_end, folded) is None


def _date_of_a_past_act(body: str, window: DueWindow, folded: str | None) -> bool:
    """A date right after a past act (``_PAST_IN``) tells when something was done ("Under
    the AUKUS deal announced in 2023, the US will sell ... in the 2030s"): on an undated
    page its year is no plan that has since passed."""
    before_date = body[max(0, window.start - 8) : window.start].rstrip().lower()
    if not before_date.endswith(("in", "on", "during")):
        return False  # most dates: no preposition of _PAST_IN right before them
    text = body.lower() if folded is None else folded
    before = _PAST_IN.search(text, max(0, window.start - 40), window.start)
    # "slated in the coming month", "scheduled in March": a plan's participle
    return before is not None and _a_past_act(before) and not _PLANNED.match(before["verb"])


def _plans_in(text: str, lo: int, hi: int) -> bool:
    return bool(_FUTURE.search(text, lo, hi) or _PLANNED.search(text, lo, hi))


def _a_past_act(verb: re.Match[str]) -> bool:
    """A past verb (``_AUX_AND_PAST``) that is one: not a word that only ends like one
    ("the United States"), not a plan's participle ("will be held")."""
    return verb["verb"] not in _NOT_PAST and (verb["aux"] or "").strip() not in _PLAN_AUX


def _tells_a_past_act(text: str, lo: int, hi: int) -> bool:
    """``text[lo:hi]`` tells a past act and no plan."""
    if _plans_in(text, lo, hi):
        return False
    return any(_a_past_act(verb) for verb in _PAST_WORD.finditer(text, lo, hi))


def _clause_start(text: str, at: int, limit: int = 0) -> int:
    """Where the clause holding ``at`` starts: after the last comma, semicolon or full stop
    before it, no earlier than ``limit``."""
    return max(limit, *(text.rfind(mark, limit, at) + 1 for mark in ",;."))


def _past_clause(text: str, day: int) -> bool:
    """The clause that ends on the day tells a past act and no plan ("..., as both
    countries conducted a ceremonial exchange of notes on Tuesday")."""
    return _tells_a_past_act(text, _clause_start(text, day, max(0, day - _CLAUSE_CHARS)), day)


def _reported_when(body: str, window: DueWindow, cue: int, folded: str | None) -> bool:
    """The day of a statement, not of what it promises: a reporting verb stands between
    the cue and the date ("JICA has decided to give ..., an official said here on Monday";
    "on Tuesday (July 23), the ministry said the ministers will ...")."""
    lo, hi = sorted((cue, window.start))
    return _REPORTING_FOLDED.search(body, folded, lo, hi) is not None


_EARLIER_WORD: Final = re.compile(r"\b(?:earlier|previous|prior|past|already)\b", re.IGNORECASE)


def _in_an_aside_looking_back(body: str, window: DueWindow, cue: int) -> bool:
    """A date in an aside about earlier things, before the sentence's cue ("This initiative,
    building on earlier commitments during the visit in August 2025, aims to ..."): the
    date is the earlier thing's, not what the cue promises."""
    if cue < window.end:
        return False
    if body.find(",", window.end, cue) < 0:  # the aside is closed before the cue
        return False
    opening = _clause_start(body, window.start)
    return _EARLIER_WORD.search(body, opening, window.start) is not None


# a Japanese clause of cause ending before the cue: "…を表明するなど、…難しくなったため、"
# (a past verb before ため; "開くため、" after a plain verb is a purpose, the plan itself)
_JA_CAUSE: Final = re.compile(r"(?:たため|ているため|たので|ことから)[、,]")


# a date modifying a noun the undertaking only has in view: "来年の日豪友好協力基本条約署名
# 50周年を見据え、…協力を一層強化していくことで一致" (not "来年3月に開催することを念頭に")
_JA_IN_VIEW: Final = re.compile(r"の[^。]{0,40}?[をも](?:見据え|念頭に)")


def _in_view_only(body: str, window: DueWindow) -> bool:
    return window.kind.startswith("ja_") and _JA_IN_VIEW.match(body, window.end) is not None


def _in_a_japanese_cause(body: str, window: DueWindow, cue: int) -> bool:
    """A date in the cause of what the cue says: "バイデン大統領が11月の大統領選挙への不出馬を
    表明するなど…難しい情勢となったため、9月下旬に…開催する方向で調整": November is the
    election's, the promise is late September."""
    return (
        window.kind.startswith("ja_")
        and cue > window.end
        and _JA_CAUSE.search(body, window.end, cue) is not None
    )


def _looked_back(body: str, window: DueWindow, folded: str | None) -> bool:
    """ "earlier this week", "last month": the past, whatever the cue."""
    lo = max(0, window.start - 12)
    before = None if folded is None else folded[lo : window.start]
    return bool(_LOOKING_BACK_FOLDED.search(body[lo : window.start], before))


CANDIDATE: Final = "cand:"  # an anchor's initiative may be a candidate's key


class Anchor(ByValue):
    """A label span in the body; ``initiative`` is set for initiative mentions. A plain class, built
    in a C call when compiled (a NamedTuple's ``__new__`` is interpreted)."""

    __slots__ = ("end", "initiative", "start")

    def __init__(self, start: int, end: int, initiative: str | None = None) -> None:
        self.start = start
        self.end = end
        self.initiative = initiative

    def _fields(self) -> tuple[int, int, str | None]:
        return self.start, self.end, self.initiative

    def __repr__(self) -> str:
        return f"Anchor(start={self.start!r}, end={self.end!r}, initiative={self.initiative!r})"


# A tracked government named by its office alone ("the government will ...", "政府は"),
# or the parties of the report together ("the leaders on Tuesday will hold a summit",
# "the two sides will meet in March", 両首脳は): in a relevant document each anchors a
# sentence as an office holder's name would.
_GOVERNMENT_WORDS: Final = (
    "government", "政府", "the leaders", "two leaders", "both leaders", "two sides",
    "both sides", "two countries", "both countries", "両首脳",
)  # fmt: skip


def _government_anchors(body: str, folded: str | None) -> list[Anchor]:
    """A government or the parties named without a name (_GOVERNMENT_WORDS) in ``body``,
    each an anchor without an initiative."""
    text = body.lower() if folded is None else folded
    out: list[Anchor] = []
    for word in _GOVERNMENT_WORDS:
        at = text.find(word)
        while at >= 0:
            if not (word.isascii() and at and text[at - 1].isalpha()):  # not "intergovernmental"
                out.append(Anchor(at, at + len(word)))
            at = text.find(word, at + len(word))
    return out


def _action(body: str, start: int, end: int, focus: int) -> str:
    """The sentence, or ~160 characters of it around ``focus`` (the cue)."""
    text = " ".join(body[start:end].split())
    text = _LEAD.sub("", text)
    if len(text) <= ACTION_CHARS:
        return text
    words = " ".join(body[max(start, focus - 60) : end].split()).split(" ")
    if focus - 60 > start:
        words = words[1:]  # the first word may be cut
    out: list[str] = []
    size = -1  # length of " ".join(out), counted as words are added (not re-joined)
    for word in words:
        size += len(word) + 1
        if size > ACTION_CHARS - 1:
            break
        out.append(word)
    return " ".join(out) + "…"


def _nearest(body: str, anchors: Sequence[Anchor], start: int, end: int) -> str | None:
    """The initiative named nearest ``[start, end)``, passing over one named as the frame
    of the initiative just before it ("X under Y": X's date)."""
    named = [a for a in anchors if a.initiative is not None]
    best: tuple[int, str] | None = None
    for k, anchor in enumerate(named):
        if k > 0 and _FRAME_GAP.fullmatch(body, named[k - 1].end, anchor.start):
            continue
        distance = max(anchor.start - end, start - anchor.end, 0)
        if best is None or distance < best[0]:
            best = (distance, str(anchor.initiative))
    return None if best is None else best[1]


def _inside(ordered: Sequence[Anchor], starts: list[int], start: int, end: int) -> list[Anchor]:
    """Anchors that lie within ``[start, end]``."""
    lo, hi = bisect_right(starts, start - 1), bisect_right(starts, end)
    return [a for a in ordered[lo:hi] if a.end <= end]


def _candidates(
    norm: Normalised,
    sentences: Sentences,
    ordered: Sequence[Anchor],
    starts: list[int],
    attachable: bool,
    *,
    folded: str | None,
) -> list[tuple[int, int]]:
    """Sentences that may hold a commitment, in order: a cue word and an anchor in them,
    or (when ``attachable``) a cue word and an action."""
    out: list[tuple[int, int]] = []
    checked = (-1, -1)
    body = sentences.body
    for position in cue_positions(norm):
        if checked[0] <= position < checked[1]:
            continue
        checked = sentences.around(position)
        if checked[1] <= checked[0]:
            continue
        if _inside(ordered, starts, *checked) or (
            attachable and names_an_action(body, *checked, folded)
        ):
            out.append(checked)
    return out


class _Topics:
    """The initiative an unlabelled sentence is about: the one named last before it in
    its paragraph, else the document's dominant one (most mentions, no tie)."""

    def __init__(self, sentences: Sentences, ordered: Sequence[Anchor]) -> None:
        self._sentences = sentences
        self._named = [a for a in ordered if a.initiative is not None]
        self._starts = [a.start for a in self._named]
        ranked = Counter(a.initiative for a in self._named).most_common()
        unique = len(ranked) == 1 or (len(ranked) > 1 and ranked[0][1] > ranked[1][1])
        self.dominant: str | None = ranked[0][0] if ranked and unique else None

    def __bool__(self) -> bool:
        return bool(self._named)

    def of(self, position: int) -> str | None:
        paragraph = self._sentences.paragraph_start(position)
        k = bisect_right(self._starts, position)
        if k > 0 and self._named[k - 1].start >= paragraph:
            return self._named[k - 1].initiative
        return self.dominant


def _regions(sentences: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        lo, hi = max(0, start - _REGION_MARGIN), end + _REGION_MARGIN
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def extract_commitments(
    body: str,
    today: date,
    anchors: Sequence[Anchor],
    norm: Normalised | None = None,
    *,
    dates_the_page: Callable[[int, int], bool] | None = None,
    relative_ok: bool = True,
    sentences: Sentences | None = None,
) -> list[Commitment]:
    """Commitments of ``body`` relative to ``today`` (the document date).

    ``norm`` is ``normalise(body)`` when the caller already has it; ``dates_the_page(start,
    end)`` tells whether a date lies in a span that dates the page itself (datelines, date
    lines), asked only when the date would otherwise count: never a due date; without
    ``relative_ok`` (no publication date is known) only expressions with a year count,
    past ones too. Work is
    spent only on sentences with a cue word and an anchor: sentence breaks are
    found once, date expressions only around those sentences.
    """
    if not anchors or not body:
        return []
    norm = normalise(body) if norm is None else norm
    sentences = sentences or Sentences(body)
    folded = lowered(body)
    ordered = sorted([*anchors, *_government_anchors(body, folded)], key=lambda a: a.start)
    starts = [a.start for a in ordered]
    topics = _Topics(sentences, ordered)
    candidates = _candidates(norm, sentences, ordered, starts, bool(topics), folded=folded)
    if not candidates:
        return []
    windows = find_due_windows(
        body, today, norm, _regions(candidates), folded, undated=not relative_ok
    )
    # sentences dated by an earlier one: "the same day", "during the visit"
    windows = with_referred_windows(body, today, sentences, candidates, windows, folded=folded)
    # a window taken from an earlier sentence ("during the visit") dates another act
    merged: dict[tuple[str | None, date, date, bool], Commitment] = {}
    cues: dict[tuple[int, int], int | None] = {}  # per sentence: several dates share one
    # a date outside the candidate sentences (found in a region's margin) has no cue word,
    # or no anchor and no act that an initiative could take: it could only be dropped
    # below, at a higher cost
    in_candidates = set(candidates)
    for window in windows:
        s_start, s_end = sentences.around(window.start)
        if (s_start, s_end) not in in_candidates:
            continue
        if window.relative and not relative_ok:
            continue  # no publication date: "next month" of when?
        if (
            _looked_back(body, window, folded)
            or _in_a_caption(body, window)
            or _japanese_past_act(body, window)
            or _spells_out_a_past_day(body, window, folded)
        ):
            continue
        if window.kind in _FORWARD_KINDS and (
            not _FUTURE_FOLDED.search(body, folded, s_start, s_end)
            or _day_of_a_past_act(body, window, folded)
        ):
            continue  # "agreed on Sunday": a named day counts forward only in a plan
        if (s_start, s_end) not in cues:
            cues[s_start, s_end] = cue_in(body, s_start, s_end, folded)
        cue = cues[s_start, s_end]
        if (
            cue is None
            or _times_another_date(body, window, cue, folded)
            or _in_another_clause(body, window, cue, (s_start, s_end), folded)
            or _reported_when(body, window, cue, folded)
            or _in_an_aside_looking_back(body, window, cue)
            or _in_a_japanese_cause(body, window, cue)
            or _in_view_only(body, window)
            or _month_of_a_past_act(body, window, folded)
            or _date_of_a_past_act(body, window, folded)
        ):
            continue
        if dropped_plan_before(body, s_start, window.start, folded):
            continue  # "was scheduled to open by 2022, but may be ready by 2028"
        inside = _inside(ordered, starts, s_start, s_end)
        if inside:
            # the initiative named nearest the date, else the one the paragraph is about
            initiative = _nearest(body, inside, window.start, window.end) or topics.of(s_start)
        elif names_an_action(body, s_start, s_end, folded):
            initiative = topics.of(s_start)
            if initiative is None:
                continue
        else:
            continue
        if dates_the_page is not None and dates_the_page(window.start, window.end):
            continue
        evidence = (
            built(
                Evidence,
                {"start": window.start, "end": window.end, "text": body[window.start : window.end]},
            ),
            built(Evidence, {"start": s_start, "end": s_end, "text": body[s_start:s_end]}),
        )
        key = (initiative, window.due_from, window.due_to, window.kind in REFERRING)
        if key in merged:
            old = merged[key]
            merged[key] = old.model_copy(update={"evidence": old.evidence + evidence})
            continue
        is_candidate = initiative is not None and initiative.startswith(CANDIDATE)
        merged[key] = built(  # a DueWindow's due_from <= due_to, as Commitment requires
            Commitment,
            {
                "initiative": None if is_candidate else initiative,
                "candidate": initiative if is_candidate else None,
                "action": _action(body, s_start, s_end, cue),
                "due_from": window.due_from,
                "due_to": window.due_to,
                "due_text": body[window.start : window.end],
                "evidence": evidence,
            },
        )
    return list(merged.values())
