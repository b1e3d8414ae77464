"""`policywatch delivery` as the supervisor runs it: ready file, metrics, clean SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from producers.publish import Outgoing, Publisher
from schemas.alerts import AlertRaised
from schemas.codec import decode, encode
from schemas.envelope import Producer
from schemas.subscriptions import Subscription, WebhookChannel, subscription_changed
from schemas.topics import TopicNames
from tests.conftest import REPO, Broker
from tests.delivery_receivers import Route, WebhookReceiver
from tests.policywatch_cli import wait_until_ready

FIXTURE = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures" / "alert.raised.v1.json"
SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="


def test_the_delivery_role_delivers_serves_metrics_and_stops_on_sigterm(
    broker: Broker, topics: TopicNames, tmp_path: Path
) -> None:
    web = WebhookReceiver()
    web.routes["/hook"] = Route(secret=SECRET)
    alert = decode(FIXTURE.read_bytes(), AlertRaised)
    sub = Subscription(
        subscription_id=alert.subscription_id,
        name="role",
        channel=WebhookChannel(url=web.url("/hook"), secret=SecretStr(SECRET)),
    )
    created = subscription_changed(
        sub.subscription_id,
        "created",
        version=1,
        subscription=sub,
        producer=Producer(name="test", version="0"),
    )
    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:
        publisher.publish(
            [
                Outgoing(topics.subscriptions, sub.subscription_id.encode(), encode(created)),
                Outgoing(topics.alerts, alert.alert_id.encode(), encode(alert)),
            ]
        )
    finally:
        publisher.close()
    ready = tmp_path / "ready.json"
    env = {
        **os.environ,
        "POLICYWATCH_KAFKA__BOOTSTRAP": broker.bootstrap,
        "POLICYWATCH_DATA_DIR": str(tmp_path / "var"),
        "POLICYWATCH_TOPICS__SUBSCRIPTIONS": topics.subscriptions,
        "POLICYWATCH_TOPICS__ALERTS": topics.alerts,
        "POLICYWATCH_TOPICS__DELIVERIES": topics.deliveries,
        "POLICYWATCH_DELIVERY__ALLOW_NETWORKS": '["127.0.0.1"]',
        "POLICYWATCH_LOG_FORMAT": "json",
    }
    log_path = tmp_path / "delivery.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ops.cli", "delivery", "--ready-file", str(ready)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        metrics_url = wait_until_ready(proc, ready, log_path, "delivery")["metrics"]
        while not web.accepted("/hook"):
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "the webhook was not delivered"
            time.sleep(0.05)
        assert web.accepted("/hook")[0].signature_error is None
        delivered = 'policywatch_delivery_attempts_total{channel="webhook",status="delivered"} 1.0'
        while delivered not in httpx.get(metrics_url, timeout=10).text:
            assert time.monotonic() < deadline, "the attempt was not counted"
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log_path.read_text()
        assert SECRET not in log_path.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        web.close()
