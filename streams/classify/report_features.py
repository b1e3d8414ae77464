"""The story features of one classified report: its words, its labels and its lead's event.

Where the classify stage has the text: the story stage gets only these features.
Pure: no I/O.
"""

from __future__ import annotations

from streams.classify.classifier import Classification
from streams.classify.report_event import read_event
from streams.classify.stories import INITIATIVE, StoryFeatures, story_features
from streams.classify.story_signals import EventSignals

__all__ = ["report_features"]


def report_features(
    title: str, body: str, language: str | None, result: Classification
) -> StoryFeatures:
    """Features for :meth:`StoryIndex.assign_features` of a relevant classification."""
    labels = {INITIATIVE + lab.id for lab in result.initiatives}
    labels |= {INITIATIVE + c.key for c in result.candidates}  # a new initiative is one too
    # an institution named (a ministry, the White House) is no one who met: "o:", so a
    # report naming one still tells the same two people's meeting as a report that does not
    labels |= {("a:" if lab.kind == "person" else "o:") + lab.id for lab in result.actors}
    # another government's leader met is the event's as much as ours ("Lee, Ishiba vow ...")
    labels |= {"a:" + person for person in result.counterparts}
    signals = result.event or read_event(
        title,
        body,
        result.published,
        initiatives=result.initiatives,
        actors=result.actors,
        candidates=result.candidates,
    )
    if result.year_guessed:
        # a dateline without a year in a page nothing else dates ("【ニューデリー共同】…16日"):
        # its day is known, its year only guessed, so it tells the story gates nothing
        signals = EventSignals(signals.kind, signals.preview, None, False, signals.rounds)
    return story_features(
        f"{title}\n{body}",
        labels,
        language=language,
        signals=signals,
        dated=result.published is not None and not result.year_guessed,
        countries=result.countries,
    )
