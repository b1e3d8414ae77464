"""The HTTP intake served by uvicorn, publishing to a real Tansu."""

from __future__ import annotations

import httpx

from producers.intake import IntakeConfig, build_intake_app
from producers.outlets import KafkaOutlet
from producers.publish import Publisher
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from schemas.topics import TopicNames
from tests.conftest import Broker
from tests.integration.test_producers_kafka import read_all
from tests.unit.producers.test_intake import serve


def test_posted_documents_are_on_the_topic_when_202_comes(
    broker: Broker, topics: TopicNames
) -> None:
    publisher = Publisher(broker.bootstrap, timeout_s=15)
    config = IntakeConfig(tokens=("t0ken",), producer=Producer(name="intake", version="1"))
    documents = [
        {
            "url": f"https://news.example/quad/{i}",
            "title": f"Quad note {i}",
            "text": f"The Quad partners discussed maritime item {i}.",
            "published_at": "2026-03-12T09:30:00+05:30",
        }
        for i in range(3)
    ]
    try:
        with serve(build_intake_app(config, KafkaOutlet(publisher, topics))) as url:
            response = httpx.post(
                url + "/documents",
                json={"documents": documents},
                headers={"Authorization": "Bearer t0ken"},
                timeout=30,
            )
            refused = httpx.post(url + "/documents", json=documents[0], timeout=30)
    finally:
        publisher.close()
    assert response.status_code == 202 and refused.status_code == 401
    ids = response.json()["document_ids"]
    on_topic = read_all(broker.bootstrap, topics.documents)
    assert sorted(k for k, _e in on_topic) == sorted(i.encode() for i in ids)
    assert all(isinstance(e, DocumentObserved) and e.source.id == "intake" for _k, e in on_topic)
