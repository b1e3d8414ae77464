"""The story stage: one index for every partition, mirrored into a table it is rebuilt from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemas.classification import DocumentClassified
from schemas.codec import decode
from schemas.envelope import Producer
from schemas.errors import InvalidEvent
from streams.classify.stories import StoryIndex, story_features
from streams.story_stage import assign_story, decode_request, encode_request

T0 = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)
SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


def classified(document_id: str, published: datetime) -> DocumentClassified:
    return DocumentClassified(
        event_id="e" + document_id,
        occurred_at=published,
        observed_at=published,
        producer=Producer(name="test", version="1"),
        trace_id="t" + document_id,
        document_id=document_id,
        revision="r1",
        classifier_version="c1",
        taxonomy_version="t1",
        source_id="wire",
        source_kind="news",
        published_at=published,
        relevant=True,
    )


def seed_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.is_file()]
    assert len(texts) == 2
    return texts


def test_requests_round_trip_and_bad_ones_say_why() -> None:
    features = story_features(
        "Ministers met in Tokyo to review the dialogue.", {"quad"}, countries=["JP", "IN"]
    )
    assert features.countries == ("IN", "JP")
    request = decode_request(encode_request(classified("d1", T0), features))
    assert request.features == features
    assert request.published == T0
    assert request.document_id == "d1"
    with pytest.raises(InvalidEvent) as bad:
        decode_request(b'{"classified": {}, "published": 1}')
    assert bad.value.reason == "schema_violation"
    good = orjson.loads(encode_request(classified("d1", T0), features))
    for broken in (
        {"classified": [], "published": 1, "features": good["features"]},
        {**good, "classified": {**good["classified"], "event_type": "document.observed"}},
        {**good, "classified": {**good["classified"], "schema_version": 2}},
        {**good, "classified": {**good["classified"], "document_id": ""}},
        {**good, "classified": {**good["classified"], "document_id": 7}},
        {**good, "features": {**good["features"], "countries": 7}},
        {**good, "features": {**good["features"], "countries": "JP"}},
        {**good, "features": {**good["features"], "countries": ["JP", 81]}},
    ):
        with pytest.raises(InvalidEvent) as bad:
            decode_request(orjson.dumps(broken))
        assert bad.value.reason == "schema_violation", broken
    with pytest.raises(InvalidEvent):
        decode_request(b"not json")
    with pytest.raises(InvalidEvent):
        decode_request(None)


def test_the_published_classification_is_the_request_s_own_with_its_story() -> None:
    """The stage forwards the classify stage's encoding: the sink reads back the same event,
    only with its story set."""
    event = classified("d1", T0).model_copy(
        update={"title": "Ministers met in Tokyo", "countries": ("IN", "JP")}
    )
    features = story_features("Ministers met in Tokyo to review the dialogue.", {"quad"})
    result = assign_story(StoryIndex(), decode_request(encode_request(event, features)), _no_store)
    published = decode(result.value, DocumentClassified)
    assert published.story_id == result.story_id != ""
    assert result.document_id == "d1"
    assert published == event.model_copy(update={"story_id": result.story_id})


def _no_store(document_id: str, member: dict[str, Any] | None) -> None:
    return None


def test_two_reports_of_one_event_share_a_story_and_the_table_rebuilds_the_index() -> None:
    first, second = seed_texts()
    labels = {"in-jp-strategic-dialogue"}
    table: dict[str, Any] = {}

    def store(document_id: str, member: dict[str, Any] | None) -> None:
        if member is None:
            table.pop(document_id, None)
        else:
            table[document_id] = member

    index = StoryIndex()
    a = assign_story(
        index,
        decode_request(encode_request(classified("a", T0), story_features(first, labels))),
        store,
    )
    assert a.story_id is not None and set(table) == {"a"}

    # a restarted worker: a new, empty index rebuilt from the table alone
    rebuilt = StoryIndex()
    for member in table.values():
        rebuilt.load_member(member)
    later = T0 + timedelta(hours=5)
    request = encode_request(classified("b", later), story_features(second, labels))
    b = assign_story(rebuilt, decode_request(request), store)
    assert b.story_id == a.story_id
    unrelated = story_features("A cricket league announced its fixtures for the season.", set())
    c = assign_story(
        rebuilt, decode_request(encode_request(classified("c", later), unrelated)), store
    )
    assert c.story_id != a.story_id


def test_evicted_documents_leave_the_table() -> None:
    table: dict[str, Any] = {}

    def store(document_id: str, member: dict[str, Any] | None) -> None:
        if member is None:
            table.pop(document_id, None)
        else:
            table[document_id] = member

    index = StoryIndex(max_documents=3)
    for i in range(6):
        text = f"Report {i} on port logistics and shipping schedules number {i}"
        request = encode_request(classified(f"d{i}", T0), story_features(text, set()))
        assign_story(index, decode_request(request), store)
    assert set(table) == {"d3", "d4", "d5"}
