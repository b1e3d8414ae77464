"""The delivery worker on real Tansu topics, real HTTP and SMTP servers on loopback.

One scenario, in the order an operator would see it: subscriptions and alerts on
the topics; a worker delivers signed webhooks, a Slack message and an e-mail,
retries an endpoint that answers 500 once, keeps retrying a hanging endpoint
without holding the others up, refuses an SSRF URL, skips a paused subscription;
then a restarted worker delivers new alerts and none of the old ones again.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from kafka import KafkaProducer
from pydantic import SecretStr

from ops.ports import wait_until
from producers.publish import Outgoing, Publisher
from schemas.alerts import AlertDelivery, AlertRaised
from schemas.codec import decode, encode
from schemas.deadletter import DeadLetter
from schemas.envelope import Producer
from schemas.ids import alert_id_for
from schemas.subscriptions import (
    EmailChannel,
    SlackChannel,
    Subscription,
    WebhookChannel,
    subscription_changed,
)
from schemas.topics import TopicNames
from sinks.delivery import DeliveryConfig, DeliveryWorker, SmtpConfig
from tests.conftest import Broker
from tests.delivery_receivers import HangingPort, Route, SmtpServer, WebhookReceiver
from tests.integration.test_producers_kafka import read_all

FIXTURE = Path(__file__).parents[1] / "unit" / "schemas" / "fixtures" / "alert.raised.v1.json"
PRODUCER = Producer(name="test", version="0")
SECRET_OK = "whsec_b2stcmVjZWl2ZXItc2VjcmV0LTAx"
SECRET_FLAKY = "whsec_Zmxha3ktcmVjZWl2ZXItc2VjcmV0"
SLACK_PATH = "/services/T000/B000/XXXXSECRET"


class RunningWorker:
    """A DeliveryWorker on its own event loop in a thread, as `policywatch delivery` runs it."""

    def __init__(self, config: DeliveryConfig, bootstrap: str) -> None:
        self.worker = DeliveryWorker(config, bootstrap)
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not wait_until(lambda: self.ready.is_set() or self.error is not None, 60):
            pytest.fail("the delivery worker did not get ready within 60 s")
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            asyncio.run(self.worker.run(self.ready.set))
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        self.worker.stop()
        self._thread.join(60)
        assert not self._thread.is_alive(), "the delivery worker did not stop"
        if self.error is not None:
            raise self.error


@pytest.fixture()
def servers() -> Iterator[tuple[WebhookReceiver, SmtpServer, HangingPort]]:
    web, smtp, hanging = WebhookReceiver(), SmtpServer(), HangingPort()
    yield web, smtp, hanging
    web.close()
    smtp.close()
    hanging.close()


def _alert(subscription_id: str, subject: str, channel: str) -> AlertRaised:
    alert_id = alert_id_for(subscription_id, "document", subject)
    return decode(FIXTURE.read_bytes(), AlertRaised).model_copy(
        update={
            "alert_id": alert_id,
            "event_id": "e" + alert_id,
            "subscription_id": subscription_id,
            "channel": channel,
        }
    )


def _deliveries(bootstrap: str, topic: str) -> list[AlertDelivery]:
    return [e for _, e in read_all(bootstrap, topic) if isinstance(e, AlertDelivery)]


def _final(records: list[AlertDelivery], alert_id: str) -> AlertDelivery | None:
    done = [r for r in records if r.alert_id == alert_id and r.status != "retrying"]
    return done[-1] if done else None


def test_delivery_end_to_end_with_retries_failures_ssrf_and_restart(
    broker: Broker, topics: TopicNames, servers: tuple[WebhookReceiver, SmtpServer, HangingPort]
) -> None:
    web, smtp, hanging = servers
    web.routes["/ok"] = Route(secret=SECRET_OK)
    web.routes["/flaky"] = Route(secret=SECRET_FLAKY, fail_first=1)
    web.routes[SLACK_PATH] = Route()
    channels = {
        "sub_ok": WebhookChannel(url=web.url("/ok"), secret=SecretStr(SECRET_OK)),
        "sub_flaky": WebhookChannel(url=web.url("/flaky"), secret=SecretStr(SECRET_FLAKY)),
        "sub_slack": SlackChannel(url=SecretStr(web.url(SLACK_PATH))),
        "sub_mail": EmailChannel(to=("analyst@example.org",), subject_prefix="[pw]"),
        "sub_dead": WebhookChannel(
            url=f"http://127.0.0.1:{hanging.port}/hook", secret=SecretStr(SECRET_OK)
        ),
        "sub_ssrf": WebhookChannel(
            url="http://169.254.169.254/latest/meta-data/?token=s3cr3t",
            secret=SecretStr(SECRET_OK),
        ),
        "sub_paused": WebhookChannel(url=web.url("/ok"), secret=SecretStr(SECRET_OK)),
    }
    changes = []
    for sub_id, channel in channels.items():
        sub = Subscription(subscription_id=sub_id, name=sub_id, channel=channel)
        changes.append(
            subscription_changed(sub_id, "created", version=1, subscription=sub, producer=PRODUCER)
        )
    paused = changes[-1].subscription
    assert paused is not None
    changes.append(
        subscription_changed(
            "sub_paused",
            "paused",
            version=2,
            subscription=paused.model_copy(update={"active": False}),
            producer=PRODUCER,
        )
    )
    # the hanging endpoint's alert goes first: it must not hold up the ones behind it
    order = ["sub_dead", "sub_ok", "sub_flaky", "sub_slack", "sub_mail", "sub_ssrf", "sub_paused"]
    alerts = {s: _alert(s, "doc-1", channels[s].kind) for s in order}
    alerts["sub_gone"] = _alert("sub_gone", "doc-1", "webhook")
    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:
        report = publisher.publish(
            [Outgoing(topics.subscriptions, c.subscription_id.encode(), encode(c)) for c in changes]
            + [Outgoing(topics.alerts, a.alert_id.encode(), encode(a)) for a in alerts.values()]
        )
        assert report.failed == 0
    finally:
        publisher.close()

    config = DeliveryConfig(
        allow_networks=("127.0.0.1",),
        timeout_s=1.0,
        max_attempts=3,
        backoff_base_s=0.05,
        backoff_max_s=0.2,
        smtp=SmtpConfig(port=smtp.port, sender="alerts@example.org"),
        topics=topics,
        version="test",
    )
    first = RunningWorker(config, broker.bootstrap)
    try:
        healthy = lambda: (  # noqa: E731
            len(web.accepted("/ok")) == 1
            and len(web.accepted("/flaky")) == 1
            and len(web.accepted(SLACK_PATH)) == 1
            and len(smtp.messages) == 1
        )
        assert wait_until(healthy, 60), "healthy endpoints did not all receive their alert"
        # ordering, not speed: the hanging endpoint is still being retried at this point
        assert (
            _final(_deliveries(broker.bootstrap, topics.deliveries), alerts["sub_dead"].alert_id)
            is None
        )

        def all_final() -> bool:
            records = _deliveries(broker.bootstrap, topics.deliveries)
            return all(_final(records, a.alert_id) for a in alerts.values())

        assert wait_until(all_final, 60), "not every alert reached a final status"
    finally:
        first.stop()

    records = _deliveries(broker.bootstrap, topics.deliveries)
    by_alert = {s: [r for r in records if r.alert_id == a.alert_id] for s, a in alerts.items()}

    # signed webhook, verified by the receiver; webhook-id is the alert id
    (ok,) = web.accepted("/ok")
    assert ok.signature_error is None
    assert ok.headers["webhook-id"] == alerts["sub_ok"].alert_id
    body = orjson.loads(ok.body)
    assert body["alert_id"] == alerts["sub_ok"].alert_id
    assert body["documents"][0]["evidence"]
    assert [(r.attempt, r.status) for r in by_alert["sub_ok"]] == [(1, "delivered")]

    # 500 then 200: retried, received once, both attempts on the topic
    assert [r.status for r in web.all("/flaky")] == [500, 200]
    assert all(r.signature_error is None for r in web.all("/flaky"))
    flaky = [(r.attempt, r.status, r.http_status) for r in by_alert["sub_flaky"]]
    assert flaky == [(1, "retrying", 500), (2, "delivered", 200)]
    assert by_alert["sub_flaky"][0].next_attempt_at is not None

    assert b'"blocks"' in web.accepted(SLACK_PATH)[0].body
    ((envelope, mail),) = smtp.messages
    assert envelope.rcpt_tos == ["analyst@example.org"]
    assert mail["Subject"].startswith("[pw] ") and mail.get_body(("html",)) is not None

    # the hanging endpoint: every attempt timed out, the last one is final
    dead = [(r.attempt, r.status) for r in by_alert["sub_dead"]]
    assert dead == [(1, "retrying"), (2, "retrying"), (3, "failed")]
    assert "did not answer within" in by_alert["sub_dead"][-1].error

    # SSRF refused at once, with a clear reason and no secret
    (refused,) = by_alert["sub_ssrf"]
    assert (refused.attempt, refused.status, refused.endpoint) == (1, "failed", "169.254.169.254")
    assert refused.error == (
        "webhook URL http://169.254.169.254/… resolves to 169.254.169.254, a cloud metadata "
        "address; policywatch refuses private targets unless delivery.allow_networks lists them"
    )
    (skipped,) = by_alert["sub_paused"]
    assert (skipped.status, skipped.error) == ("skipped", "subscription sub_paused is paused")
    assert by_alert["sub_gone"][0].error == "subscription sub_gone is unknown"

    # endpoints are hosts, never paths; no secret anywhere in the records
    wire = b"".join(encode(r) for r in records)
    for secret in (b"s3cr3t", b"XXXXSECRET", SECRET_OK.encode(), SECRET_FLAKY.encode()):
        assert secret not in wire
    assert all("/" not in r.endpoint for r in records)

    # a restarted worker delivers new alerts and none of the delivered ones again
    before = Counter(r.alert_id for r in records)
    second = RunningWorker(config, broker.bootstrap)
    try:
        fresh = [_alert("sub_ok", f"doc-new-{p}", "webhook") for p in (0, 1)]
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all")
        try:
            for partition, alert in enumerate(fresh):  # one on each partition: behind the old
                producer.send(
                    topics.alerts,
                    key=alert.alert_id.encode(),
                    value=encode(alert),
                    partition=partition,
                ).get(timeout=15)
        finally:
            producer.close()
        assert wait_until(lambda: len(web.accepted("/ok")) >= 3, 60)
    finally:
        second.stop()
    ids = Counter(r.headers["webhook-id"] for r in web.accepted("/ok"))
    assert ids == Counter(
        {alerts["sub_ok"].alert_id: 1, fresh[0].alert_id: 1, fresh[1].alert_id: 1}
    )
    assert len(web.all("/flaky")) == 2 and len(smtp.messages) == 1
    assert len(web.accepted(SLACK_PATH)) == 1
    after = Counter(r.alert_id for r in _deliveries(broker.bootstrap, topics.deliveries))
    assert {k: after[k] for k in before} == dict(before)


def test_unreadable_records_become_dead_letters_and_the_worker_goes_on(
    broker: Broker, topics: TopicNames, servers: tuple[WebhookReceiver, SmtpServer, HangingPort]
) -> None:
    web, _smtp, _hanging = servers
    web.routes["/ok"] = Route(secret=SECRET_OK)
    sub = Subscription(
        subscription_id="sub_after",
        name="after the garbage",
        channel=WebhookChannel(url=web.url("/ok"), secret=SecretStr(SECRET_OK)),
    )
    change = subscription_changed(
        "sub_after",
        "created",
        version=1,
        subscription=sub,
        producer=Producer(name="t", version="1"),
    )
    alert = _alert("sub_after", "doc-after-garbage", "webhook")
    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:
        report = publisher.publish(
            [
                Outgoing(topics.subscriptions, b"bad-sub", b"{not json"),
                Outgoing(topics.subscriptions, b"sub_after", encode(change)),
                Outgoing(topics.alerts, b"bad-alert", b'{"event_type": "alert.raised"}'),
                Outgoing(topics.alerts, alert.alert_id.encode(), encode(alert)),
            ]
        )
        assert report.failed == 0
    finally:
        publisher.close()
    config = DeliveryConfig(allow_networks=("127.0.0.1",), topics=topics, version="test")
    worker = RunningWorker(config, broker.bootstrap)
    try:
        assert wait_until(lambda: len(web.accepted("/ok")) == 1, 60), "the good alert"
        assert wait_until(lambda: len(read_all(broker.bootstrap, topics.deadletter)) == 2, 30), (
            "two dead letters"
        )
    finally:
        worker.stop()
    dead = [e for _, e in read_all(broker.bootstrap, topics.deadletter)]
    assert all(isinstance(d, DeadLetter) and d.stage == "delivery" for d in dead)
    assert {d.topic for d in dead if isinstance(d, DeadLetter)} == {
        topics.subscriptions,
        topics.alerts,
    }
    assert all(d.reason and d.error for d in dead if isinstance(d, DeadLetter))
