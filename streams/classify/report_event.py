"""The event a report is about, and the occurrences it reports: what fulfils a promise.

A report (not an announcement) whose lead tells of a meeting held, an agreement
signed, a launch, or an exercise opened or closed, on a day it names or on its
publication date, reports that the initiatives named in its title or lead had that
event on that day: "The Quad foreign ministers met in Tokyo on Monday" is an
occurrence of the Quad. A later occurrence of an initiative is how a commitment of
it ("the working group will meet in early 2026") is met. Undated reports and
announcements report no occurrence. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final

from schemas.classification import ActorLabel, InitiativeCandidate, InitiativeLabel, Occurrence
from streams.classify.story_signals import LEAD_CHARS, EventSignals, event_signals

__all__ = ["occurrences_of", "read_event"]

_LEADER_ROLES: Final = ("Prime Minister", "President")
_LEAD_REACH: Final = LEAD_CHARS + LEAD_CHARS // 2
_FIRST_SENTENCE: Final = 160
# event kinds that are an initiative's own event, and what an occurrence calls them
_OCCURRING: Final = {
    "meeting": "meeting", "summit": "meeting", "talks": "meeting", "signing": "signing",
    "notes": "signing", "loan": "signing", "launch": "launch", "start": "exercise",
    "end": "exercise", "enacted": "enacted",
}  # fmt: skip


def _leaders_in_lead(actors: Sequence[ActorLabel]) -> bool:
    """Two or more heads of government named in the title or the first sentence: their
    meeting is a summit (leaders named later are context: "after the PM's visit")."""
    leaders = 0
    for actor in actors:
        role = actor.role or ""
        if not any(role.startswith(r) for r in _LEADER_ROLES) or "Deputy" in role:
            continue
        if not actor.evidence or actor.evidence[0].start < _FIRST_SENTENCE:
            leaders += 1
    return leaders >= 2


def _spans(
    initiatives: Sequence[InitiativeLabel], candidates: Sequence[InitiativeCandidate]
) -> list[tuple[int, int, str]]:
    spans = [(e.start, e.end, lab.id) for lab in initiatives for e in lab.evidence]
    spans += [(c.evidence[0].start, c.evidence[0].end, c.key) for c in candidates if c.evidence]
    return spans


def read_event(
    title: str,
    body: str,
    published: date | None,
    *,
    initiatives: Sequence[InitiativeLabel],
    actors: Sequence[ActorLabel],
    candidates: Sequence[InitiativeCandidate],
) -> EventSignals:
    """The event signals of a report's lead (see :mod:`streams.classify.story_signals`)."""
    return event_signals(
        title,
        body,
        published,
        leaders=_leaders_in_lead(actors),
        initiative_spans=_spans(initiatives, candidates),
    )


def occurrences_of(
    event: EventSignals,
    initiatives: Sequence[InitiativeLabel],
    candidates: Sequence[InitiativeCandidate],
) -> tuple[Occurrence, ...]:
    """Occurrences a report tells: its lead's event, for the initiatives its title or lead
    names (a label without evidence was named in the title)."""
    kind = _OCCURRING.get(event.kind)
    if kind is None or event.preview or event.day is None:
        return ()
    out = []
    reach = _FIRST_SENTENCE if event.kind == "talks" else _LEAD_REACH
    for label in initiatives:
        lead = [e for e in label.evidence if e.start < reach]
        if label.evidence and not lead:
            continue  # talks are an initiative's own only when their first sentence says so
        out.append(
            Occurrence(initiative=label.id, kind=kind, on=event.day, evidence=tuple(lead[:1]))
        )
    for candidate in candidates:
        name = candidate.evidence[:1]
        if name and name[0].start >= _LEAD_REACH:
            continue
        out.append(Occurrence(candidate=candidate.key, kind=kind, on=event.day, evidence=name))
    return tuple(out)
