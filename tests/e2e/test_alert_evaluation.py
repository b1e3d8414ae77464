"""Alerts on a running stack: a subscription on the topic, documents in, AlertRaised out.

A document subscription raises one alert per matching document, with evidence; a
volume subscription fires once for its window; a forced replay of every document
raises no alert id that was not there before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from schemas.alerts import AlertRaised
from schemas.codec import decode, encode
from schemas.envelope import Producer
from schemas.ids import document_id_for_url
from schemas.subscriptions import (
    DocumentTrigger,
    Filter,
    Subscription,
    VolumeTrigger,
    WebhookChannel,
    subscription_changed,
)
from tests.e2e.test_crash_recovery import explain_stack, start_stack, stop
from tests.waiting import wait_for

QUAD = [
    "The Quad foreign ministers met in Tokyo and agreed on a maritime surveillance plan.",
    "Quad leaders pledged new funding for undersea cables across the Pacific islands.",
]
OTHER = "Wheat prices rose in Chicago as traders weighed rainfall in the plains."


def policywatch(data_dir: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", *args],
        env={**os.environ, "POLICYWATCH_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def write_corpus(path: Path) -> dict[str, str]:
    """Two documents about the Quad and one about wheat; returns url -> document id."""
    texts = [*QUAD, OTHER]
    urls = [f"https://alerts-news.example/story/{i}" for i in range(len(texts))]
    path.write_bytes(
        b"".join(
            orjson.dumps(
                {
                    "url": url,
                    "title": f"Story {i}",
                    "text": text,
                    "source": {"id": "alerts-news", "kind": "news", "name": "Alerts News"},
                }
            )
            + b"\n"
            for i, (url, text) in enumerate(zip(urls, texts, strict=True))
        )
    )
    return {url: document_id_for_url(url) for url in urls}


def subscribe(bootstrap: str, *subscriptions: Subscription) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap)
    try:
        for sub in subscriptions:
            event = subscription_changed(
                sub.subscription_id,
                "created",
                version=1,
                subscription=sub,
                producer=Producer(name="test", version="1"),
            )
            producer.send(
                "policy.subscriptions", key=sub.subscription_id.encode(), value=encode(event)
            )
        producer.flush(timeout=30)
    finally:
        producer.close()


def alert_reader(bootstrap: str) -> Callable[[], list[AlertRaised]]:
    """Every AlertRaised on the topic so far. Each call reads from the beginning with its
    own consumer and closes it: a consumer left open would go on reconnecting (and
    logging errors) after the test's broker is gone."""

    def read() -> list[AlertRaised]:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100
        )
        try:
            partitions = [
                TopicPartition("policy.alerts", p)
                for p in consumer.partitions_for_topic("policy.alerts") or ()
            ]
            consumer.assign(partitions)
            consumer.seek_to_beginning(*partitions)
            seen: list[AlertRaised] = []
            while batch := consumer.poll(timeout_ms=1500):  # until nothing more comes
                for records in batch.values():
                    seen.extend(decode(r.value, AlertRaised) for r in records)
            return seen
        finally:
            consumer.close()

    return read


def metric(url: str, name: str, **labels: str) -> float:
    with urllib.request.urlopen(url, timeout=5) as response:
        text = response.read().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


def webhook() -> WebhookChannel:
    return WebhookChannel(url="https://hooks.example/alerts", secret="whsec_dGVzdHNlY3JldA==")


@pytest.mark.timeout(240)
def test_document_and_volume_alerts_once_even_after_a_replay(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    ids = write_corpus(corpus)
    quad_ids = set(list(ids.values())[:2])
    proc, run = start_stack(tmp_path, "up.log")
    try:
        bootstrap = run["broker"]["bootstrap"]
        worker_metrics = run["roles"]["worker"]["metrics"]
        explain = explain_stack(tmp_path)
        each = Subscription(
            subscription_id="sub_each",
            name="Quad, each document",
            filter=Filter(initiatives=("quad",)),
            trigger=DocumentTrigger(),
            channel=webhook(),
        )
        volume = Subscription(
            subscription_id="sub_volume",
            name="Quad volume",
            filter=Filter(initiatives=("quad",)),
            trigger=VolumeTrigger(threshold=2, window_minutes=24 * 60),
            channel=webhook(),
        )
        subscribe(bootstrap, each, volume)
        wait_for(
            lambda: metric(worker_metrics, "policywatch_alert_subscriptions") == 2,
            what="the worker's subscription book holds both subscriptions",
            explain=explain,
        )
        read = alert_reader(bootstrap)
        policywatch(tmp_path, "ingest", str(corpus))

        def raised(trigger: str) -> list[AlertRaised]:
            return [a for a in read() if a.trigger == trigger]

        wait_for(
            lambda: len(raised("document")) >= 2 and len(raised("volume")) >= 1,
            timeout=90,
            what="two document alerts and a volume alert",
            explain=explain,
        )
        documents = raised("document")
        assert {a.subscription_id for a in documents} == {"sub_each"}
        assert {a.documents[0].document_id for a in documents} == quad_ids
        assert len({a.alert_id for a in documents}) == 2
        for alert in documents:
            shown = alert.documents[0]
            assert [lab.id for lab in shown.initiatives] == ["quad"]
            assert shown.snippets and any("Quad" in s for s in shown.snippets)
            assert shown.url and shown.url.startswith("https://alerts-news.example/")
        [vol] = raised("volume")
        assert (vol.subscription_id, vol.count) == ("sub_volume", 2)
        before = read()

        evaluated = metric(worker_metrics, "policywatch_stream_events_in_total", stage="alerts")
        policywatch(tmp_path, "replay", "--force")
        wait_for(
            lambda: (
                metric(worker_metrics, "policywatch_stream_events_in_total", stage="alerts")
                >= evaluated + 3
            ),
            timeout=90,
            what="the replayed documents evaluated again",
            explain=explain,
        )
        wait_for(
            lambda: (
                metric(
                    worker_metrics,
                    "policywatch_stream_events_out_total",
                    stage="alert-windows",
                    outcome="duplicate",
                )
                >= 2
            ),
            what="the replayed matches counted as duplicates in the volume window",
            explain=explain,
        )
        after = read()
        assert {a.alert_id for a in after} == {a.alert_id for a in before}
        assert len(after) == len(before)
    finally:
        stop(proc)
