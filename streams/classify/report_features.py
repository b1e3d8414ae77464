"""The story features of one classified report: its words, its labels and its lead's event.

Where the classify stage has the text: the story stage gets only these features.
Pure: no I/O.
"""

from __future__ import annotations

from streams.classify.classifier import Classification
from streams.classify.stories import INITIATIVE, StoryFeatures, story_features
from streams.classify.story_signals import LEAD_CHARS, event_signals

__all__ = ["report_features"]

_LEADER_ROLES = ("Prime Minister", "President")
_LEADER_REACH = LEAD_CHARS + LEAD_CHARS // 2


def _leaders_in_lead(result: Classification) -> bool:
    """Two or more heads of government named in the title or the lead: their meeting is a
    summit."""
    leaders = 0
    for actor in result.actors:
        role = actor.role or ""
        if not any(role.startswith(r) for r in _LEADER_ROLES) or "Deputy" in role:
            continue
        if not actor.evidence or actor.evidence[0].start < _LEADER_REACH:
            leaders += 1
    return leaders >= 2


def report_features(
    title: str, body: str, language: str | None, result: Classification
) -> StoryFeatures:
    """Features for :meth:`StoryIndex.assign_features` of a relevant classification."""
    labels = {INITIATIVE + lab.id for lab in result.initiatives}
    labels |= {INITIATIVE + c.key for c in result.candidates}  # a new initiative is one too
    labels |= {"a:" + lab.id for lab in result.actors}
    spans = [(e.start, e.end, lab.id) for lab in result.initiatives for e in lab.evidence]
    spans += [(c.evidence[0].start, c.evidence[0].end, c.key) for c in result.candidates]
    signals = event_signals(
        title,
        body,
        result.published,
        leaders=_leaders_in_lead(result),
        initiative_spans=spans,
    )
    return story_features(
        f"{title}\n{body}",
        labels,
        language=language,
        signals=signals,
        dated=result.published is not None,
    )
