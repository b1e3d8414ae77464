"""Classified documents and subscriptions for the alert tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from schemas.classification import (
    ActorLabel,
    DocumentClassified,
    Evidence,
    InitiativeLabel,
    Snippet,
)
from schemas.envelope import Producer
from schemas.subscriptions import Filter, Subscription, WebhookChannel

T0 = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)
PRODUCER = Producer(name="test", version="1")


def classified(document_id: str = "d1", **changes: Any) -> DocumentClassified:
    values: dict[str, Any] = {
        "event_id": "e" + document_id,
        "occurred_at": T0,
        "observed_at": T0,
        "producer": PRODUCER,
        "trace_id": "t" + document_id,
        "document_id": document_id,
        "revision": "r1",
        "classifier_version": "c1",
        "taxonomy_version": "t1",
        "source_id": "wire",
        "source_kind": "news",
        "title": "Quad leaders meet",
        "published_at": T0,
        "relevant": True,
        "initiatives": (
            InitiativeLabel(
                id="quad",
                name="Quad",
                confidence=0.9,
                evidence=(Evidence(start=4, end=8, text="Quad"),),
            ),
        ),
        "actors": (
            ActorLabel(
                id="jaishankar",
                name="S. Jaishankar",
                confidence=0.6,
                evidence=(Evidence(start=20, end=30, text="Jaishankar"),),
            ),
        ),
        "countries": ("IN", "JP"),
        "language": "en",
        "url": "https://news.example/quad",
        "snippets": (
            Snippet(kind="initiative", about="quad", text="The Quad leaders met in Tokyo."),
            Snippet(kind="actor", about="jaishankar", text="Jaishankar spoke for India."),
        ),
    }
    values.update(changes)
    return DocumentClassified(**values)


def subscription(
    subscription_id: str = "sub_1", flt: Filter | None = None, **changes: Any
) -> Subscription:
    values: dict[str, Any] = {
        "subscription_id": subscription_id,
        "name": "Quad watch",
        "filter": flt or Filter(),
        "channel": WebhookChannel(url="https://hooks.example/x", secret="whsec_dGVzdA=="),
    }
    values.update(changes)
    return Subscription(**values)
