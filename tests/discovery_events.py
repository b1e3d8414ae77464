"""Classified documents with dates, candidates, occurrences, commitments and stories, built
as the classifier would emit them, for the warehouse, CLI, alert and dashboard tests.

The sample story (sentences written for these tests): a new "India–Japan Semiconductor
Supply Chain Dialogue" is announced in English and Japanese, promises its first meeting for
April 2026 and holds it; a Quad promise falls due without a report that it was kept; a
working-group meeting is held only after its deadline and grace have passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from schemas.classification import (
    ActorLabel,
    Commitment,
    DocumentClassified,
    Evidence,
    InitiativeCandidate,
    InitiativeLabel,
    Occurrence,
)
from schemas.codec import encode
from schemas.documents import DateSource
from schemas.envelope import Producer

PRODUCER = Producer(name="test-discovery", version="1")
DIALOGUE = "cand:india japan semiconductor supply chain dialogue"
DIALOGUE_NAME = "India–Japan Semiconductor Supply Chain Dialogue"
GRACE_DAYS = 7


def span(text: str, start: int = 0) -> Evidence:
    return Evidence(start=start, end=start + len(text), text=text)


def candidate(
    name: str = DIALOGUE_NAME,
    key: str = DIALOGUE,
    parties: tuple[str, ...] = ("IN", "JP"),
    actors: tuple[str, ...] = (),
    sentence: str = "",
    confidence: float = 0.7,
) -> InitiativeCandidate:
    said = sentence or f"The two governments launched the {name} on Monday."
    return InitiativeCandidate(
        key=key,
        name=name,
        parties=parties,
        actors=actors,
        confidence=confidence,
        evidence=(span(said),),
    )


def classified(
    document_id: str,
    *,
    published: datetime | None,
    observed: datetime | None = None,
    date_source: DateSource | None = "record",
    title: str = "",
    source_id: str = "news-a",
    source_kind: str = "news",
    language: str = "en",
    initiatives: tuple[str, ...] = (),
    actors: tuple[str, ...] = (),
    countries: tuple[str, ...] = ("IN", "JP"),
    story_id: str | None = None,
    candidates: tuple[InitiativeCandidate, ...] = (),
    occurrences: tuple[Occurrence, ...] = (),
    commitments: tuple[Commitment, ...] = (),
    classifier_version: str = "c1",
    revision: str = "r1",
    event_id: str | None = None,
    relevant: bool = True,
    actor_countries: Mapping[str, str] | None = None,
    actor_roles: Mapping[str, str] | None = None,
) -> DocumentClassified:
    """``actor_countries``: the country each actor speaks for, ``actor_roles`` the role the
    document names (none by default)."""
    seen = observed or published or datetime(2026, 5, 1, tzinfo=UTC)
    return DocumentClassified(
        event_id=event_id or f"e-{document_id}-{revision}-{classifier_version}",
        occurred_at=published or seen,
        observed_at=seen,
        producer=PRODUCER,
        trace_id=f"t-{document_id}",
        document_id=document_id,
        revision=revision,
        classifier_version=classifier_version,
        taxonomy_version="t1",
        source_id=source_id,
        source_kind=source_kind,
        title=title or f"Report {document_id}",
        published_at=published,
        relevant=relevant,
        initiatives=tuple(
            InitiativeLabel(id=i, name=i, confidence=0.9, evidence=(span(i),)) for i in initiatives
        ),
        actors=tuple(
            ActorLabel(
                id=a,
                name=a,
                country=(actor_countries or {}).get(a),
                role=(actor_roles or {}).get(a),
                confidence=0.9,
                evidence=(span(a),),
            )
            for a in actors
        ),
        countries=countries,
        story_id=story_id,
        commitments=commitments,
        url=f"https://news.example/{document_id}",
        language=language,
        document_observed_at=seen,
        date_source=date_source,
        candidates=candidates,
        occurrences=occurrences,
    )


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def discovery_events() -> list[DocumentClassified]:
    """The sample story as the stream would publish it (see the module docstring)."""
    first_meeting = Commitment(
        candidate=DIALOGUE,
        action="hold its first meeting",
        due_from=date(2026, 4, 1),
        due_to=date(2026, 4, 30),
        due_text="in April",
        evidence=(span("The dialogue will hold its first meeting in April."),),
    )
    quad_review = Commitment(
        initiative="quad",
        action="review the maritime awareness programme",
        due_from=date(2026, 1, 1),
        due_to=date(2026, 1, 31),
        due_text="by the end of January",
        evidence=(span("Officials will review the programme by the end of January."),),
    )
    minerals_meeting = Commitment(
        initiative="in-jp.critical-minerals-jwg",
        action="meet in Tokyo",
        due_from=date(2026, 2, 1),
        due_to=date(2026, 2, 28),
        due_text="in February",
        evidence=(span("The working group will meet in Tokyo in February."),),
    )
    far_future = Commitment(
        initiative="in-jp.critical-minerals-jwg",
        action="publish a joint stockpiling study",
        due_from=date(2099, 1, 1),
        due_to=date(2099, 12, 31),
        due_text="in 2099",
        evidence=(span("A joint study will be published in 2099."),),
    )
    return [
        classified(
            "d-statement",
            published=at(2026, 3, 2),
            title="Joint Statement on the Semiconductor Supply Chain Dialogue",
            source_id="mea-press",
            source_kind="official_statement",
            initiatives=("in-jp.sspg",),
            actors=("in.s-jaishankar", "jp.toshimitsu-motegi"),
            story_id="story-launch",
            candidates=(candidate(actors=("in.s-jaishankar", "jp.toshimitsu-motegi")),),
            commitments=(first_meeting,),
        ),
        classified(
            "d-news-en",
            published=at(2026, 3, 2, 12),
            title="India and Japan start a chip supply chain dialogue",
            source_id="news-a",
            initiatives=("in-jp.sspg",),
            actors=("in.s-jaishankar",),
            story_id="story-launch",
            candidates=(candidate(name="Japan-India Semiconductor Supply Chain Dialogue"),),
            commitments=(first_meeting,),
        ),
        classified(
            "d-news-ja",
            published=at(2026, 3, 3),
            date_source="text",
            title="日印、半導体サプライチェーン対話を開始",
            source_id="news-ja",
            language="ja",
            actors=("jp.toshimitsu-motegi",),
            story_id="story-launch",
            candidates=(
                candidate(
                    name="日印半導体サプライチェーン対話",
                    sentence="両政府は日印半導体サプライチェーン対話を立ち上げた。",
                ),
            ),
        ),
        classified(
            "d-undated",
            published=None,
            observed=at(2026, 5, 20),
            date_source="observed",
            title="Analysts weigh the new chip dialogue",
            source_id="news-b",
            initiatives=("in-jp.sspg",),
            story_id="story-launch",
            candidates=(candidate(),),
        ),
        classified(
            "d-first-meeting",
            published=at(2026, 4, 15),
            title="Semiconductor dialogue holds first meeting in New Delhi",
            source_id="news-b",
            story_id="story-meeting",
            candidates=(candidate(),),
            occurrences=(
                Occurrence(
                    candidate=DIALOGUE,
                    kind="meeting",
                    on=date(2026, 4, 14),
                    evidence=(
                        span("The dialogue met for the first time in New Delhi on Tuesday."),
                    ),
                ),
            ),
        ),
        classified(
            "d-quad-promise",
            published=at(2026, 1, 5),
            title="Quad to review maritime awareness programme",
            source_id="news-a",
            initiatives=("quad",),
            countries=("IN", "JP", "US", "AU"),
            story_id="story-quad",
            commitments=(quad_review,),
        ),
        classified(
            "d-quad-review-analysis",
            published=at(2026, 1, 7),
            title="What the Quad review could change",
            source_id="news-b",
            initiatives=("quad",),
            actors=("jp.toshimitsu-motegi",),
            countries=("IN", "JP", "US", "AU"),
            story_id="story-quad",
        ),
        classified(
            "d-quad-review-more",
            published=at(2026, 1, 8),
            title="Quad maritime review: ministers and officials weigh in",
            source_id="news-c",
            initiatives=("quad",),
            actors=("jp.toshimitsu-motegi", "in.s-jaishankar"),
            countries=("IN", "JP", "US", "AU"),
            story_id="story-quad",
        ),
        classified(
            "d-minerals-promise",
            published=at(2026, 1, 20),
            title="Minerals working group to meet in Tokyo",
            source_id="news-a",
            initiatives=("in-jp.critical-minerals-jwg",),
            commitments=(minerals_meeting, far_future),
        ),
        classified(
            "d-minerals-late",
            published=at(2026, 3, 20),
            title="Minerals working group finally meets",
            source_id="news-c",
            initiatives=("in-jp.critical-minerals-jwg",),
            occurrences=(
                Occurrence(
                    initiative="in-jp.critical-minerals-jwg",
                    kind="meeting",
                    on=date(2026, 3, 19),
                    evidence=(span("The working group met in Tokyo on Thursday."),),
                ),
            ),
        ),
    ]


def discovery_records() -> list[bytes]:
    return [encode(event) for event in discovery_events()]
