"""Wire codec: every event round-trips; bad bytes raise InvalidEvent with a reason."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.classification import (
    ActorLabel,
    Commitment,
    DocumentClassified,
    Evidence,
    InitiativeLabel,
)
from schemas.codec import EVENT_MODELS, decode, decode_any, encode
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved, SourceKind, SourceRef, observe_document
from schemas.envelope import Producer
from schemas.errors import InvalidEvent
from schemas.export import JSON_DIR, render, schema_documents
from schemas.ids import document_id_for_url

PRODUCER = Producer(name="test", version="1")
FIXTURES = Path(__file__).parent / "fixtures"

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
_when = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(
    title=_text,
    body=_text,
    published=st.none() | _when,
    kind=st.sampled_from(list(SourceKind)),
    authors=st.lists(_text, max_size=3),
)
def test_document_observed_round_trips(
    title: str, body: str, published: datetime | None, kind: SourceKind, authors: list[str]
) -> None:
    event = observe_document(
        document_id=document_id_for_url("https://example.org/a"),
        source=SourceRef(id="src", kind=kind, name="Src", country="IN"),
        title=title,
        body=body,
        producer=PRODUCER,
        published_at=published,
        authors=tuple(authors),
    )
    assert decode(encode(event), DocumentObserved) == event


@given(
    start=st.integers(0, 10_000),
    length=st.integers(0, 200),
    conf=st.floats(0, 1),
    due=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    span=st.integers(0, 400),
)
def test_document_classified_round_trips(
    start: int, length: int, conf: float, due: date, span: int
) -> None:
    from datetime import timedelta

    ev = Evidence(start=start, end=start + length, text="x" * length)
    event = DocumentClassified(
        event_id="e1",
        occurred_at=datetime(2025, 12, 1, tzinfo=UTC),
        observed_at=datetime(2025, 12, 1, tzinfo=UTC),
        producer=PRODUCER,
        trace_id="t",
        document_id="d1",
        revision="r1",
        classifier_version="c1",
        taxonomy_version="t1",
        source_id="s",
        source_kind="news",
        relevant=True,
        initiatives=(InitiativeLabel(id="i", name="I", confidence=conf, evidence=(ev,)),),
        actors=(
            ActorLabel(
                id="a", name="A", role="Minister", country="JP", confidence=conf, evidence=(ev,)
            ),
        ),
        countries=("IN", "JP"),
        story_id="s1",
        commitments=(
            Commitment(
                initiative="i",
                action="meet",
                due_from=due,
                due_to=due + timedelta(days=span),
                due_text="early 2026",
                evidence=(ev,),
            ),
        ),
    )
    assert decode(encode(event), DocumentClassified) == event


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "not_json"),
        (b"[1, 2]", "not_json"),
        (b'{"event_type": "document.exploded"}', "unknown_event_type"),
        (b'{"event_type": "document.observed", "schema_version": 99}', "unknown_schema_version"),
        (b'{"event_type": "document.observed", "schema_version": 1}', "schema_violation"),
    ],
)
def test_bad_bytes_raise_invalid_event_with_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent) as info:
        decode_any(raw)
    assert info.value.reason == reason


def test_schema_violation_names_the_field() -> None:
    event = observe_document(
        document_id="d1",
        source=SourceRef(id="s", kind="news"),
        title="t",
        body="b",
        producer=PRODUCER,
    )
    data = json.loads(encode(event))
    data["source"]["kind"] = "blog"
    with pytest.raises(InvalidEvent, match=r"source\.kind"):
        decode_any(json.dumps(data))


def test_wrong_event_type_for_expected_model() -> None:
    dead = DeadLetter(
        event_id="e",
        occurred_at=datetime.now(UTC),
        observed_at=datetime.now(UTC),
        producer=PRODUCER,
        trace_id="t",
        stage="s",
        reason="r",
        error="x",
    )
    with pytest.raises(InvalidEvent) as info:
        decode(encode(dead), DocumentObserved)
    assert info.value.reason == "unexpected_event_type"


def test_exported_json_schemas_match_the_models() -> None:
    documents = schema_documents()
    assert set(documents) == {p.name for p in JSON_DIR.glob("*.json")}
    for name, schema in documents.items():
        assert (JSON_DIR / name).read_text(encoding="utf-8") == render(schema), (
            f"{name} is out of date: run `policywatch schemas export`"
        )


def test_every_released_version_has_a_fixture_that_still_parses() -> None:
    for (event_type, version), model in EVENT_MODELS.items():
        path = FIXTURES / f"{event_type}.v{version}.json"
        assert path.exists(), f"add a fixture for {event_type} v{version}: {path}"
        assert isinstance(decode_any(path.read_bytes()), model)
