"""``built`` makes the same objects as validated construction, for every class the
classifier builds that way, and pydantic reads them back the same way."""

from __future__ import annotations

import pickle
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from schemas.classification import ActorLabel, Commitment, Evidence, InitiativeLabel
from streams.classify.built import built

EVIDENCE = {"start": 3, "end": 9, "text": "Dialog"}
CASES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (Evidence, EVIDENCE),
    (
        InitiativeLabel,
        {"id": "in-jp-ai", "name": "AI Dialogue", "confidence": 0.93, "evidence": ()},
    ),
    (
        ActorLabel,
        {
            "id": "jp-motegi",
            "name": "Toshimitsu Motegi",
            "kind": "person",
            "role": "Minister for Foreign Affairs",
            "country": "JP",
            "confidence": 0.9,
            "evidence": (Evidence(**EVIDENCE),),
        },
    ),
    (
        Commitment,
        {
            "initiative": None,
            "candidate": "cand:india japan ai dialogue",
            "action": "will hold",
            "due_from": date(2026, 1, 1),
            "due_to": date(2026, 6, 30),
            "due_text": "in the first half of 2026",
            "evidence": (Evidence(**EVIDENCE), Evidence(start=0, end=20, text="x" * 20)),
        },
    ),
]


@pytest.mark.parametrize(("cls", "fields"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_built_equals_the_validated_object(cls: type[BaseModel], fields: dict[str, Any]) -> None:
    made = built(cls, dict(fields))
    checked = cls(**fields)
    assert made == checked
    assert made.model_dump() == checked.model_dump()
    assert made.model_dump_json() == checked.model_dump_json()
    assert made.model_fields_set == checked.model_fields_set
    assert hash(made) == hash(checked)  # frozen models: usable in sets and as keys
    assert pickle.loads(pickle.dumps(made)) == checked


@pytest.mark.parametrize(("cls", "fields"), CASES, ids=[c.__name__ for c, _ in CASES])
def test_every_field_is_given_at_each_call_site(
    cls: type[BaseModel], fields: dict[str, Any]
) -> None:
    """The call sites give every field (``built`` fills no defaults): the cases above are
    the call sites' field sets, so a field added to a model fails here first."""
    assert set(fields) == set(cls.model_fields)


def test_a_built_model_stays_frozen() -> None:
    made = built(Evidence, dict(EVIDENCE))
    with pytest.raises(ValueError, match="frozen"):
        made.start = 4  # type: ignore[misc]
