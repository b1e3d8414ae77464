"""Which countries a report names as the parties of what it reports.

A country is a party when its office holder or an initiative of its is named, or when the
title names it. Named only in the body, a country is mostly what the parties discussed
("amid China's rise", "after the US tariffs", "as Japan did before it"), even one whose
officials are followed. The exception is the way a report opens on its parties: two
governments named as a pair in its lead ("Japan and Australia agreed ...", "日豪両政府は…",
"India-Japan talks opened ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Final

from streams.classify.matcher import Match
from streams.classify.normalise import Normalised

#: the lead: about the first two sentences of a report (a dateline included)
LEAD_CHARS: Final = 300
#: what joins the names of a pair: nothing (日印), a dash or slash, a comma or "and" (each
#: maybe followed by "the"), 、 or と
_JOINED = re.compile(r"\s*(?:[-‐‑–—/・、&]|,|,?\s*and|と)?\s*(?:the\s+)?")


# a transcript's list of what was asked about, above the remarks: "Subjects: the Quad
# summit; diplomatic relations between India and Canada."
_SUBJECTS: Final = re.compile(r"\s*(?:subjects?|topics?)\s*:[^\n]*\n", re.IGNORECASE)


def paired_in_lead(text: str, norm: Normalised, matches: Sequence[Match]) -> set[str]:
    """Country codes of two or more governments named as a pair in the lead of ``text``
    (``matches`` are the scan's, on ``norm`` offsets; a transcript's subjects line is none
    of its lead)."""
    subjects = _SUBJECTS.match(text)
    lead_start = subjects.end() if subjects else 0
    named: list[tuple[int, int, set[str]]] = []
    for match in matches:
        countries = match.kinds.get("country")
        if not countries:
            continue
        start, end = norm.span(match.start, match.end)
        if lead_start <= start < lead_start + LEAD_CHARS:
            named.append((start, end, {p.id for p in countries}))
    named.sort(key=lambda n: n[0])
    parties: set[str] = set()
    for _start, _end, codes in named:
        if len(codes) > 1:  # one name of a pair: 日豪, 日米
            parties |= codes
    for (_, end, first), (start, _, second) in pairwise(named):
        if first != second and _JOINED.fullmatch(text, end, start):
            parties |= first | second
    return parties
