"""One attempt to deliver one alert over its subscription's channel.

``Channels.send`` never raises for a delivery problem: it returns an
:class:`AttemptResult` whose verdict says delivered, retry or final, and whose
error names the endpoint by host only. Secrets (webhook secrets, Slack URLs,
paths and query strings, the SMTP password) are scrubbed from every message.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Literal
from urllib.parse import urlsplit

from schemas.alerts import AlertRaised, ChannelKind
from schemas.errors import DeliveryError
from schemas.retry_after import retry_after_seconds
from schemas.subscriptions import EmailChannel, SlackChannel, Subscription, WebhookChannel
from sinks.delivery.config import DeliveryConfig, SmtpConfig
from sinks.delivery.http_transport import Answer, HttpFailure, HttpTimeout, guarded_client
from sinks.delivery.messages import email_message, slack_body, webhook_body
from sinks.delivery.retry import RETRY_AFTER_STATUSES, Verdict, http_verdict
from sinks.delivery.signing import InvalidSignature, signed_headers
from sinks.delivery.ssrf import (
    AddressPolicy,
    RefusedForm,
    RefusedTarget,
    Resolver,
    check_url_form,
    redact_url,
    system_resolve,
)

log = logging.getLogger(__name__)

#: Who is to blame for a failed attempt: the endpoint (counts for its circuit) or us.
Blame = Literal["endpoint", "sender", "none"]


@dataclass(frozen=True)
class AttemptResult:
    verdict: Verdict
    endpoint: str
    http_status: int | None = None
    error: str = ""
    retry_after: float | None = None
    blame: Blame = "none"


def endpoint_of(url: str) -> str:
    """``host`` or ``host:port`` when the URL names a port; never path, query or user info."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return ""


def channel_endpoint(subscription: Subscription, smtp: SmtpConfig) -> str:
    channel = subscription.channel
    if isinstance(channel, WebhookChannel):
        return endpoint_of(channel.url)
    if isinstance(channel, SlackChannel):
        return endpoint_of(channel.url.get_secret_value())
    return f"{smtp.host}:{smtp.port}"


def scrub(text: str, secrets: list[str]) -> str:
    """Remove secrets and URL paths/queries from a message that may echo them."""
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "…")
    return text


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    query = parts.query
    userinfo = parts.netloc.rpartition("@")[0]
    return [url, parts.path + ("?" + query if query else ""), parts.path, query, userinfo]


def _snippet(body: bytes) -> str:
    text = body[:200].decode("utf-8", "replace")
    return " ".join(text.split())[:120]


class Channels:
    """Sends over webhook, Slack and SMTP; holds the guarded HTTP client."""

    def __init__(self, config: DeliveryConfig, resolve: Resolver = system_resolve) -> None:
        self._config = config
        self._client = guarded_client(
            AddressPolicy.from_entries(config.allow_networks),
            timeout_s=config.timeout_s,
            connections_per_host=config.endpoint_concurrency,
            user_agent=f"policywatch/{config.version} (+alerts)",
            resolve=resolve,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def endpoint(self, subscription: Subscription) -> str:
        return channel_endpoint(subscription, self._config.smtp)

    async def send(self, alert: AlertRaised, subscription: Subscription) -> AttemptResult:
        channel = subscription.channel
        try:
            async with asyncio.timeout(self._config.timeout_s * 2):
                if isinstance(channel, WebhookChannel):
                    return await self._webhook(alert, channel)
                if isinstance(channel, SlackChannel):
                    return await self._slack(alert, channel)
                return await self._email(alert, channel)
        except TimeoutError:
            return AttemptResult(
                "retry",
                self.endpoint(subscription),
                error=f"{self.endpoint(subscription)} did not answer within "
                f"{self._config.timeout_s * 2:g}s",
                blame="endpoint",
            )

    async def _webhook(self, alert: AlertRaised, channel: WebhookChannel) -> AttemptResult:
        secret = channel.secret.get_secret_value()
        body = webhook_body(alert)
        try:
            headers = signed_headers(secret, alert.alert_id, body)
        except InvalidSignature as exc:
            return AttemptResult("final", endpoint_of(channel.url), error=str(exc), blame="sender")
        return await self._post("webhook", channel.url, body, headers, [secret])

    async def _slack(self, alert: AlertRaised, channel: SlackChannel) -> AttemptResult:
        url = channel.url.get_secret_value()
        return await self._post("slack", url, slack_body(alert), {}, [])

    async def _post(
        self,
        kind: ChannelKind,
        url: str,
        body: bytes,
        headers: dict[str, str],
        secrets: list[str],
    ) -> AttemptResult:
        endpoint = endpoint_of(url)
        shown = redact_url(url)
        hidden = secrets + _url_secrets(url)
        try:
            check_url_form(url, f"{kind} URL")
        except RefusedForm as exc:
            return AttemptResult("final", endpoint, error=str(exc), blame="sender")
        all_headers = {
            "content-type": "application/json",
            "accept-encoding": "identity",
            **headers,
        }
        try:
            answer = await self._client.post(
                url, body, all_headers, self._config.max_response_bytes
            )
        except RefusedTarget as exc:
            error = (
                f"{kind} URL {shown} resolves to {exc.address}, {exc.category}; policywatch "
                "refuses private targets unless delivery.allow_networks lists them"
            )
            return AttemptResult("final", endpoint, error=error, blame="sender")
        except DeliveryError as exc:  # DNS failures and the like: may heal
            return AttemptResult("retry", endpoint, error=scrub(str(exc), hidden), blame="endpoint")
        except HttpTimeout:
            return AttemptResult(
                "retry",
                endpoint,
                error=f"{kind} URL {shown} did not answer within {self._config.timeout_s:g}s",
                blame="endpoint",
            )
        except HttpFailure as exc:
            reason = scrub(str(exc) or type(exc).__name__, hidden)
            return AttemptResult(
                "retry", endpoint, error=f"{kind} URL {shown}: {reason}", blame="endpoint"
            )
        return self._judge(kind, shown, endpoint, answer, hidden)

    def _judge(
        self, kind: str, shown: str, endpoint: str, answer: Answer, hidden: list[str]
    ) -> AttemptResult:
        verdict = http_verdict(answer.status)
        if verdict == "delivered":
            return AttemptResult("delivered", endpoint, answer.status)
        retry_after = None
        if answer.status in RETRY_AFTER_STATUSES:
            retry_after = retry_after_seconds(answer.retry_after, datetime.now(UTC))
        detail = scrub(_snippet(answer.body), hidden)
        what = "redirects are not followed; " if 300 <= answer.status < 400 else ""
        error = f"{kind} URL {shown} answered HTTP {answer.status}" + (
            f": {detail}" if detail else ""
        )
        if verdict == "final":
            error += f" ({what}not retried: fix the receiver or the subscription)"
        return AttemptResult(
            verdict,
            endpoint,
            answer.status,
            error=error,
            retry_after=retry_after,
            blame="endpoint" if verdict == "retry" else "none",
        )

    async def _email(self, alert: AlertRaised, channel: EmailChannel) -> AttemptResult:
        smtp = self._config.smtp
        endpoint = f"{smtp.host}:{smtp.port}"
        message = email_message(alert, channel.to, smtp.sender, channel.subject_prefix)
        try:
            await asyncio.to_thread(send_mail, smtp, message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            return AttemptResult(
                "final", endpoint, error=f"SMTP {endpoint} refused every recipient ({codes})"
            )
        except smtplib.SMTPResponseException as exc:
            raw = exc.smtp_error
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
            text = scrub(" ".join(text.split())[:120], [smtp.password.get_secret_value()])
            verdict: Verdict = "final" if exc.smtp_code >= 500 else "retry"
            return AttemptResult(
                verdict,
                endpoint,
                error=f"SMTP {endpoint} answered {exc.smtp_code} {text}",
                blame="endpoint" if verdict == "retry" else "none",
            )
        except (smtplib.SMTPException, OSError) as exc:
            reason = scrub(str(exc) or type(exc).__name__, [smtp.password.get_secret_value()])
            return AttemptResult(
                "retry", endpoint, error=f"SMTP {endpoint}: {reason}", blame="endpoint"
            )
        return AttemptResult("delivered", endpoint)


def send_mail(smtp: SmtpConfig, message: EmailMessage) -> None:
    """Blocking SMTP send (run in a thread): STARTTLS and login only when configured."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as client:
        client.ehlo()
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if smtp.username:
            client.login(smtp.username, smtp.password.get_secret_value())
        client.send_message(message)
