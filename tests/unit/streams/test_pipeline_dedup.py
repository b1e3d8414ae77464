"""The stream's de-duplication: a revision seen again is skipped, a record read again is not."""

from __future__ import annotations

import pytest

from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.ids import document_id_for_url
from streams.classify.classifier import Classifier
from streams.pipeline import Classified, Duplicate, RecordRef, dedup_marker, process_document
from streams.taxonomy import load_taxonomy

PRODUCER = Producer(name="test", version="1")


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(load_taxonomy())


def record() -> bytes:
    event = observe_document(
        document_id=document_id_for_url("https://news.example.org/quad"),
        source=SourceRef(id="wire", kind="news", name="Wire"),
        title="Quad ministers meet",
        body="The Quad foreign ministers met in Tokyo to discuss maritime security.",
        producer=PRODUCER,
    )
    return encode(event)


def outcome(classifier: Classifier, ref: RecordRef, marker: str | None) -> object:
    return process_document(
        record(), ref, classifier=classifier, seen_marker=marker, stories=None, producer=PRODUCER
    )


def test_the_same_revision_from_another_record_is_a_duplicate(classifier: Classifier) -> None:
    first = RecordRef("policy.documents", 0, 10, b"k")
    done = outcome(classifier, first, None)
    assert isinstance(done, Classified)
    marker = dedup_marker(done.event.revision, classifier.version, first)
    again = outcome(classifier, RecordRef("policy.documents", 0, 11, b"k"), marker)
    assert isinstance(again, Duplicate)


def test_the_same_record_read_again_after_a_crash_is_classified_again(
    classifier: Classifier,
) -> None:
    """The marker may outlive the lost output of its record: re-reading must redo the work."""
    ref = RecordRef("policy.documents", 1, 42, b"k")
    done = outcome(classifier, ref, None)
    assert isinstance(done, Classified)
    marker = dedup_marker(done.event.revision, classifier.version, ref)
    assert isinstance(outcome(classifier, ref, marker), Classified)


def test_a_new_classifier_version_is_not_a_duplicate(classifier: Classifier) -> None:
    ref = RecordRef("policy.documents", 0, 10, b"k")
    done = outcome(classifier, ref, None)
    assert isinstance(done, Classified)
    stale = dedup_marker(done.event.revision, "older-classifier", ref)
    later = RecordRef("policy.documents", 0, 99, b"k")
    assert isinstance(outcome(classifier, later, stale), Classified)
