"""Undertaking cues: the words that make a dated sentence a promise rather than a report.

A sentence is an undertaking when it has a cue that is not negated:
- a modal or future form: "will", "shall", "would", "is going to", "to be";
- a plan or schedule: "scheduled", "slated", "set to", "due to", "plans to",
  "intends to", "intention to", "aims to", "is expected to", "targeted for", "on track to",
  "poised to", "upcoming", "working to (towards)"; a promise named: "commitment
  (determination) to conclude(-ing)", "resolve to conclude"; an obligation: "must";
- a goal named for what follows it: "set a goal (target) of ...", "a goal of 10 trillion
  yen", "a goal of ratifying ..." (目標 in Japanese); an end ahead, for its own date only:
  "to train together until March 9";
- an expectation, hedged: "is likely to (in 2026)", "maybe", "may (only / now ...) be",
  "might be", "could be";
- a decision or instruction about a later act, with up to eight words before
  its "to": "agreed (at the summit on Monday) to", "decided to", "pledged to",
  "directed (officials) to", "instructed", "tasked", "expects (trials) to",
  "looked forward to";
- Japanese: 予定, 方針, 見通し, 見込み(まれる), 目指, 目標, 計画, 方向で, 調整中,
  開催する, 実施する, 行う, 開く, and the passive plain form of a meeting or signing
  (開かれる, 行われる, 開催される, 実施される, 締結される, 署名される; not 開かれた);
  a decision about a later act, the Japanese "agreed to": ことで一致/合意, ことを確認,
  ことを決め(た), ことを決定, ことを約束, ことになった, ことにした, 考え/意向を示す/表明.
"will not", "won't", "is not expected to", "no plans to", "is yet to be" are not cues. A
report of what happened ("held talks in March") has no cue; dates that have
passed are dropped by the caller.

``dropped_plan_before`` tells whether the cue nearest before a date is negated or
a former plan ("was scheduled to open by 2022, but may be ready by 2028": 2022 is
the dropped plan's date). ``cue_in`` applies the rule to one sentence of the
original text: the regex is slow over a whole body, so the cue words are first found with one small
Aho-Corasick pass over the normalised text (:func:`cue_positions`), a
superset: every sentence with a cue has a hit (normalising only lowers case
and turns punctuation into spaces). ``names_an_action`` tells whether a sentence with no
label of its own still describes a policy act (a meeting, a visit, a launch)
and so may be attached to the initiative of its paragraph. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, cast

from streams.classify.by_script import ScriptAutomata
from streams.classify.lowercase import case_sensitive, matches_at
from streams.classify.normalise import Normalised

__all__ = ["JA_DECIDED", "cue_in", "cue_positions", "dropped_plan_before", "names_an_action"]

#: the Japanese "agreed to": what follows the plain form of an act decided on
JA_DECIDED: Final = (
    r"こと(?:で(?:一致|合意)|を(?:確認|決め|決定|約束)|にな|にし)|(?:考え|意向)を(?:示|表明)"
)

# "may (only / now ...) be": an expectation, hedged ("may only be ready by 2028")
_HEDGE_ADVERBS: Final = ("also", "only", "well", "now", "soon", "still", "finally", "even")
_GAP: Final = r"(?:[\w’'-]+,?\s+){0,8}?"  # up to eight words before the "to" of a decision
_NOT_A_VERB: Final = r"(?!(?:the|a|an|this|that|its|their|his|her|date|\d)\b)"
# the verb of a promise named: "commitment to conclude(-ing)", not "commitment to global good"
_A_VERB: Final = (
    r"(?:conclud|complet|finali[sz]|sign|ratif|hold|host|launch|deliver|implement|achiev|"
    r"reach|establish|build|doubl|tripl|expand|deepen|strengthen|advanc|enhanc|increas|boost|"
    r"invest|provid|start|begin|work|mak|meet|conven|seal|finish|reali[sz])\w*"
)
_CUE: Final = re.compile(
    r"\b(?:will|shall|would|(?:is|are|was|were)\s+going\s+to|to\s+be|scheduled|slated|"
    r"set\s+to|due\s+to|agreed\s+to|decided\s+to|plans?\s+to|planning\s+to|planned|"
    r"intends?\s+to|intention\s+to|aims?\s+to|aiming\s+to|"
    r"(?:goal|aim|objective|target)\s+of\s+\w+ing|(?:goal|target)\s+of\s+[¥$€£]?\d+|"
    r"set\s+(?:a|an|the)\s+(?:\w+\s+)?(?:goal|target)|until|till|"
    r"expected\s+to|targeted\s+(?:for|to)|on\s+(?:track|course)\s+to|poised\s+to|committed\s+to|"
    r"commit\s+to|pledged?\s+to|is\s+to|are\s+to|upcoming|"
    rf"(?:commitment|determination)\s+to\s+(?:\w+ing|{_A_VERB})|resolve\s+to\s+(?!the\b|a\b|an\b)\w+|"
    rf"working\s+(?:\w+\s+)?(?:to\s+{_NOT_A_VERB}\w+|towards?)|must(?!\s+have\b)|"
    rf"maybe|(?:may|might|could)\s+(?:(?:{'|'.join(_HEDGE_ADVERBS)})\s+)?be|likely\s+(?:to|in|by|before|during|within|around|next|this|later|early))\b"
    rf"|\b(?:agreed|agree|decided|resolved|pledged|promised|vowed|undertook|directed|instructed|"
    rf"tasked|mandated|asked|expects?|expecting|look(?:s|ed|ing)?\s+forward)\s+{_GAP}to\s+"
    rf"{_NOT_A_VERB}\w"
    r"|予定|方針|見通し|見込み|見込まれる|目指|目標|計画|方向で|調整中|開催する|実施する|行う|開く|楽しみにして"
    rf"|{JA_DECIDED}"
    r"|(?:開か|行わ|開催さ|実施さ|締結さ|署名さ)れる"
    r"|(?:訪問|出席|開催|実施|参加|会談|署名|派遣)します",
    re.IGNORECASE,
)
# "will not", and what was once planned: "was scheduled to", "had been expected to"
_NEGATED_BEFORE: Final = re.compile(
    r"\b(?:not|no|never)\s+(?:\w+\s+)?$|\b(?:was|were|had\s+been|originally)\s+(?:\w+\s+)?$"
    r"|\b(?:has|have|is|are|remains?)\s+yet\s+$",
    re.IGNORECASE,
)
_NEGATED_AFTER: Final = re.compile(r"\s*(?:not|never)\b", re.IGNORECASE)
_NOT_BEFORE: Final = re.compile(r"\b(?:not|no|never)\b", re.IGNORECASE)
# a word one of the two above needs
_NEGATION_WORD: Final = re.compile(
    r"\b(?:not|no|never|was|were|been|originally|yet)\b", re.IGNORECASE
)
# "would" of a speaker's aside, no plan: "You would (also) be aware that ...", "as you
# will recall"
_ASIDE_AFTER: Final = re.compile(
    r"\s+(?:also\s+)?(?:be\s+aware|know|recall|remember|have\s+(?:seen|noticed|heard))\b",
    re.IGNORECASE,
)
_ENGLISH: Final = (
    "will", "shall", "would", "going to", "to be", "scheduled", "slated", "set to", "due to",
    "plan to", "plans to", "planning to", "planned", "intend to", "intends to", "intention to",
    "aim to", "goal of", "aim of", "objective of", "target of", "set a", "set an", "set the",
    "until", "till",
    "aims to", "aiming to", "expected to", "targeted for", "targeted to", "on track to",
    "on course to", "poised to", "committed to", "commit to", "pledge to", "pledged to",
    "is to", "are to", "upcoming", "commitment to", "determination to", "resolve to",
    "working", "must",
    "agreed", "agree", "decided", "resolved", "pledged",
    "promised", "vowed", "undertook", "directed", "instructed", "tasked", "mandated", "asked",
    "expect", "expects", "expecting", "look forward", "looks forward", "looked forward",
    "looking forward", "maybe", "likely",
    *(f"{modal} {adverb}be" for modal in ("may", "might", "could")
      for adverb in ("", *(f"{a} " for a in _HEDGE_ADVERBS))),
)  # fmt: skip
_JAPANESE: Final = (
    "予定", "方針", "見通し", "見込み", "目指", "目標", "計画", "方向で", "調整中", "開催する",
    "楽しみにして", "します", "開く",
    "実施する", "行う", "見込まれる", "開かれる", "行われる", "開催される", "実施される",
    "締結される", "署名される", "ことで一致", "ことで合意", "ことを確認", "ことを決め",
    "ことを決定", "ことを約束", "ことにな", "ことにし", "考えを示", "意向を示", "考えを表明",
    "意向を表明",
)  # fmt: skip
_ACTION: Final = re.compile(
    r"\b(?:meet|meets|meeting|hold|holds|held|host|hosts|hosted|visit|visits|convene|"
    r"convenes|convened|launch|launches|launched|sign|signs|signed|conclude|concludes|"
    r"concluded|complete|completes|completed|finali[sz]e[sd]?|ratif(?:y|ied|ies)|"
    r"begin|begins|start|starts|"
    r"open|opens|submit|submits|deliver|delivers|deliveries|run|runs|review|reviews|resume|"
    r"resumes|negotiate|negotiations|talks|session|summit|dialogue|round|exercise|drills?|"
    r"consultations|conference|forum|agreement|deal|framework|roadmap|report)\b"
    r"|会合|会談|会議|協議|対話|訪問|開催|開く|署名|締結|演習|交渉|首脳",
    re.IGNORECASE,
)

_FOLDED: Final = (
    case_sensitive(_CUE),
    case_sensitive(_NEGATED_BEFORE),
    case_sensitive(_NEGATED_AFTER),
)
# Where a cue can start on lowered text: an English alternative opens with "\b" and one of
# these letters (so no word character before it), a Japanese one with one of these
# characters. The cue pattern is tried only there: searched, it would be tried at every
# offset, as it opens with "\b". The look-behind comes after the letter so that the search
# opens with a set of characters, which the regex engine skips to.
_CUE_STARTS: Final = re.compile(
    r"[acdegilmoprstuvw](?<!\w.)|[予方見目計調開実行楽締署訪出参会派こ考意]"
)
_FOLDED_ACTION: Final = case_sensitive(_ACTION)
_FOLDED_NEGATION_WORD: Final = case_sensitive(_NEGATION_WORD)


def _automaton() -> ScriptAutomata:
    automaton = ScriptAutomata()
    for word in _ENGLISH:
        automaton.add_word(f" {word} ", (len(word) + 2, 1))
    for word in _JAPANESE:
        automaton.add_word(word, (len(word), 0))
    automaton.make_automaton()
    return automaton


_CUES: Final = _automaton()


def cue_positions(norm: Normalised) -> list[int]:
    """Original offsets where a cue may start, in order (a superset of :func:`cue_in`'s)."""
    if not norm.text:
        return []
    # a key of ``length`` ends at padded index ``last``: normalised start below
    out: list[int] = []
    for hit in _CUES.for_text(norm.text).iter(" " + norm.text + " "):
        last, (length, padded) = cast(tuple[int, tuple[int, int]], hit)  # native, compiled
        out.append(norm.original_start(last - length + padded))
    return out


def cue_in(text: str, start: int, end: int, folded: str | None = None) -> int | None:
    """Offset of the first cue of ``text[start:end]`` that is not negated, else None.

    ``folded`` is ``lowered(text)`` (:mod:`streams.classify.lowercase`), if the
    caller has it: the same answer, faster.
    """
    if folded is None:
        matches: Iterable[re.Match[str]] = _CUE.finditer(text, start, end)
        before_cue, after_cue = _NEGATED_BEFORE, _NEGATED_AFTER
    else:
        starts = (m.start() for m in _CUE_STARTS.finditer(folded, start, end))
        text, matches = folded, matches_at(_FOLDED[0], folded, starts, end)
        before_cue, after_cue = _FOLDED[1], _FOLDED[2]
    for match in matches:
        if _negated(text, match, start, end, (before_cue, after_cue)):
            continue
        return match.start()
    return None


def _negated(
    text: str,
    match: re.Match[str],
    start: int,
    end: int,
    negations: tuple[re.Pattern[str], re.Pattern[str]],
) -> bool:
    """Whether the cue ``match`` is negated or a former plan. A hope told in the past tense
    of reported speech ("India was looking forward to hosting the Quad in 2025") is still
    the hope: only "not", "no", "never" undo "look forward"."""
    before_cue, after_cue = negations
    before = text[max(start, match.start() - 20) : match.start()]
    found = before_cue.search(before)
    if found is not None and match.group()[:4].lower() == "look":
        found = _NOT_BEFORE.search(found.group())
    if match.group().lower() in ("would", "will") and _ASIDE_AFTER.match(text, match.end(), end):
        return True
    return found is not None or after_cue.match(text, match.end(), end) is not None


def dropped_plan_before(text: str, start: int, position: int, folded: str | None = None) -> bool:
    """Whether the last cue of ``text[start:position]`` is negated or a former plan: the
    date at ``position`` then belongs to a plan that no longer holds ("was scheduled to be
    completed by 2022, but may only be ready by 2028"; "will not meet in March")."""
    cue, before_cue, after_cue, negation = _CUE, _NEGATED_BEFORE, _NEGATED_AFTER, _NEGATION_WORD
    if folded is not None:
        text, cue, before_cue, after_cue = folded, *_FOLDED
        negation = _FOLDED_NEGATION_WORD
    if not negation.search(text, start, position):
        return False  # the common case, found by a much smaller pattern
    last = None
    for match in cue.finditer(text, start, position):
        last = match
    if last is None:
        return False
    return _negated(text, last, start, position, (before_cue, after_cue))


def names_an_action(text: str, start: int, end: int, folded: str | None = None) -> bool:
    """Whether ``text[start:end]`` names a policy act or event (a meeting, visit, launch...);
    ``folded`` as for :func:`cue_in`."""
    if folded is not None:
        return _FOLDED_ACTION.search(folded, start, end) is not None
    return _ACTION.search(text, start, end) is not None
