"""The classifier's value objects survive a pickle, compiled or not (a process pool
hands documents and results between processes)."""

from __future__ import annotations

import pickle
from datetime import date

from streams.classify.classifier import Classifier, DocumentText
from streams.classify.dates import find_due_windows
from streams.classify.dating import Dating
from streams.classify.published import read_publication_date
from streams.classify.report_features import report_features

TITLE = "Japan and India launch an AI Dialogue"
BODY = (
    "TOKYO, Jan 16 - Japan and India launched the Japan-India AI Dialogue on Friday. "
    "Foreign Minister Toshimitsu Motegi said the Joint Working Group on Critical Minerals "
    "will meet in early 2026, and the second Economic Security Dialogue is due by June 2026."
)


def _round_trip(value: object) -> None:
    copy = pickle.loads(pickle.dumps(value))
    assert copy == value and type(copy) is type(value)


def test_documents_results_and_their_parts_pickle(default: Classifier) -> None:
    doc = DocumentText("d1", TITLE, BODY, "en", date(2026, 1, 16), "record", date(2026, 1, 17))
    result = default.classify(doc)
    assert result.relevant and result.event is not None and result.commitments
    for value in (
        doc,
        result,
        result.event,
        report_features(TITLE, BODY, "en", result),
        *find_due_windows(BODY, date(2026, 1, 16)),
        Dating.of(None, None, date(2026, 1, 20), TITLE, BODY),
        read_publication_date(TITLE, BODY, date(2026, 1, 20)),
    ):
        _round_trip(value)
