"""One attempt per channel against real local servers: verdicts, errors, no secrets in them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from ops.runtime.ports import free_port
from schemas.alerts import AlertRaised
from schemas.codec import decode
from schemas.subscriptions import EmailChannel, SlackChannel, Subscription, WebhookChannel
from sinks.delivery.channels import AttemptResult, Channels
from sinks.delivery.config import DeliveryConfig, SmtpConfig
from tests.delivery_receivers import HangingPort, Route, SmtpServer, WebhookReceiver

FIXTURE = Path(__file__).parents[2] / "schemas" / "fixtures" / "alert.raised.v1.json"
SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="
LOCAL = DeliveryConfig(allow_networks=("127.0.0.1",), timeout_s=1.0, version="test")


@pytest.fixture()
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


def _alert() -> AlertRaised:
    return decode(FIXTURE.read_bytes(), AlertRaised)


def _sub(channel: WebhookChannel | SlackChannel | EmailChannel) -> Subscription:
    return Subscription(subscription_id="sub_0a1b2c3d4e5f60718293", name="s", channel=channel)


def _send(sub: Subscription, config: DeliveryConfig = LOCAL) -> AttemptResult:
    async def main() -> AttemptResult:
        channels = Channels(config)
        try:
            return await channels.send(_alert(), sub)
        finally:
            await channels.aclose()

    return asyncio.run(main())


def _hook(url: str) -> Subscription:
    return _sub(WebhookChannel(url=url, secret=SecretStr(SECRET)))


def test_webhook_is_signed_and_delivered(receiver: WebhookReceiver) -> None:
    receiver.routes["/hook"] = Route(secret=SECRET)
    result = _send(_hook(receiver.url("/hook?tenant=1")))
    assert (result.verdict, result.http_status) == ("delivered", 200)
    assert result.endpoint == f"127.0.0.1:{receiver.port}"
    (request,) = receiver.all("/hook")
    assert request.signature_error is None
    assert request.headers["webhook-id"] == _alert().alert_id


def test_a_private_target_is_refused_with_a_clear_message_and_no_secrets(
    receiver: WebhookReceiver,
) -> None:
    receiver.routes["/hook"] = Route(secret=SECRET)
    result = _send(_hook(receiver.url("/hook/T0SECRETPATH?token=s3cr3t")), DeliveryConfig())
    assert result.verdict == "final"
    assert result.error == (
        f"webhook URL http://127.0.0.1:{receiver.port}/… resolves to 127.0.0.1, a loopback "
        "address; policywatch refuses private targets unless delivery.allow_networks lists them"
    )
    assert receiver.all("/hook/T0SECRETPATH") == []
    metadata = _send(_hook("http://169.254.169.254/latest/meta-data/?token=s3cr3t"))
    assert "169.254.169.254, a cloud metadata address" in metadata.error
    assert "s3cr3t" not in metadata.error and "meta-data" not in metadata.error


def test_slack_url_never_appears_in_an_error(receiver: WebhookReceiver) -> None:
    receiver.routes["/services/T0/B0/XYZ"] = Route(
        status=404, body=b"no_service /services/T0/B0/XYZ"
    )
    url = receiver.url("/services/T0/B0/XYZ")
    result = _send(_sub(SlackChannel(url=SecretStr(url))))
    assert (result.verdict, result.http_status) == ("final", 404)
    assert "XYZ" not in result.error and "/services" not in result.error
    assert result.error.startswith(
        f"slack URL http://127.0.0.1:{receiver.port}/… answered HTTP 404"
    )


def test_slack_message_is_delivered(receiver: WebhookReceiver) -> None:
    receiver.routes["/services/T0/B0/OK"] = Route()
    result = _send(_sub(SlackChannel(url=SecretStr(receiver.url("/services/T0/B0/OK")))))
    assert result.verdict == "delivered"
    assert b'"blocks"' in receiver.all("/services/T0/B0/OK")[0].body


def test_429_carries_retry_after_and_5xx_is_retried(receiver: WebhookReceiver) -> None:
    receiver.routes["/busy"] = Route(status=429, extra_headers={"Retry-After": "7"})
    receiver.routes["/broken"] = Route(status=502)
    busy = _send(_hook(receiver.url("/busy")))
    assert (busy.verdict, busy.retry_after, busy.blame) == ("retry", 7.0, "endpoint")
    broken = _send(_hook(receiver.url("/broken")))
    assert (broken.verdict, broken.retry_after) == ("retry", None)


def test_a_hanging_and_a_closed_endpoint_are_retried() -> None:
    hanging = HangingPort()
    try:
        slow = _send(_hook(f"http://127.0.0.1:{hanging.port}/hook"))
    finally:
        hanging.close()
    assert slow.verdict == "retry" and "did not answer within 1s" in slow.error
    closed = _send(_hook(f"http://127.0.0.1:{free_port()}/hook"))
    assert closed.verdict == "retry" and closed.blame == "endpoint"


def test_the_response_body_is_read_only_up_to_the_limit(receiver: WebhookReceiver) -> None:
    receiver.routes["/big"] = Route(body=b"x" * 1_000_000)

    async def main() -> int:
        channels = Channels(LOCAL)
        try:
            answer = await channels._client.post(receiver.url("/big"), b"{}", {}, 1024)
            return len(answer.body)
        finally:
            await channels.aclose()

    assert asyncio.run(main()) == 1024


def test_email_goes_through_smtp_with_both_parts() -> None:
    server = SmtpServer()
    try:
        config = replace(LOCAL, smtp=SmtpConfig(port=server.port, sender="pw@example.org"))
        channel = EmailChannel(to=("analyst@example.org",), subject_prefix="[pw]")
        result = _send(_sub(channel), config)
        assert result.verdict == "delivered"
        ((envelope, message),) = server.messages
        assert envelope.rcpt_tos == ["analyst@example.org"]
        assert message["Subject"].startswith("[pw] Joint Working Group")
        assert message.get_body(("html",)) is not None
    finally:
        server.close()
    down = _send(_sub(channel), replace(LOCAL, smtp=SmtpConfig(port=free_port())))
    assert down.verdict == "retry" and down.error.startswith("SMTP 127.0.0.1:")


def test_send_test_alert_sends_one_signed_sample_and_reports_the_outcome(
    receiver: WebhookReceiver,
) -> None:
    from sinks.delivery import send_test_alert

    receiver.routes["/hook"] = Route(secret=SECRET)
    sent = asyncio.run(send_test_alert(_hook(receiver.url("/hook")), LOCAL))
    assert (sent.status, sent.attempt, sent.http_status) == ("delivered", 1, 200)
    (request,) = receiver.accepted("/hook")
    assert request.signature_error is None
    assert request.headers["webhook-id"] == sent.alert_id
    assert b"Test alert for" in request.body
    refused = asyncio.run(send_test_alert(_hook(receiver.url("/hook")), DeliveryConfig()))
    assert refused.status == "failed" and "delivery.allow_networks" in refused.error
