"""`policywatch api`: the subscriptions API as a role of the stack.

Ready (the ready file is written) only once the subscription book caught up
with the topic and the server listens, so the first answer is never a stale
list. SIGTERM/SIGINT stop uvicorn, then the store's clients are closed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ops.api.app import build_api_app
from ops.api.auth import ApiConfig, TestSender
from ops.api.journal import SubscriptionJournal, journal_path
from ops.api.known_labels import taxonomy_ids
from ops.api.subscription_store import SubscriptionStore
from ops.api.tokens import TokenStore, tokens_path
from ops.api.webhook_targets import target_checker
from ops.roles.delivery_config import delivery_config
from ops.roles.serve import serve_http
from ops.runtime.access import resolve_bootstrap
from ops.runtime.fetch_wait import fetch_wait_ms
from ops.runtime.metrics_server import serve_metrics
from ops.settings import Settings
from ops.version import policywatch_version
from schemas.alerts import AlertDelivery
from schemas.envelope import Producer
from schemas.subscriptions import Subscription
from sinks.delivery import send_test_alert

log = logging.getLogger(__name__)


def channel_test_sender(settings: Settings) -> TestSender:
    """Sends sample alerts through the delivery package, with the delivery settings."""
    config = delivery_config(settings)

    async def send(subscription: Subscription) -> dict[str, Any]:
        return channel_test_answer(await send_test_alert(subscription, config))

    return send


def channel_test_answer(attempt: AlertDelivery) -> dict[str, Any]:
    """What a channel test answers: delivered or not, where (host only), and why."""
    return {
        "delivered": attempt.status == "delivered",
        "status": attempt.status,
        "endpoint": attempt.endpoint,
        "http_status": attempt.http_status,
        "error": attempt.error,
        "latency_ms": round(attempt.latency_ms, 1),
    }


def run_api(
    settings: Settings,
    ready_file: Path | None = None,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serve the API until SIGTERM/SIGINT (port 0 = a free port)."""
    section = settings.api
    tokens = TokenStore(tokens_path(settings))
    if not tokens.entries():
        log.warning(
            "no API tokens in %s: every request will be refused; create one with "
            "`policywatch tokens create --name NAME --scope admin`",
            tokens.path,
        )
    store = SubscriptionStore(
        resolve_bootstrap(settings),
        settings.topics.subscriptions,
        producer=Producer(name="policywatch-api", version=policywatch_version()),
        journal=SubscriptionJournal(journal_path(settings.data_dir)),
        compression=settings.kafka.compression,
        timeout_s=settings.kafka.request_timeout_s,
        fetch_wait_ms=fetch_wait_ms(settings),
    )
    store.start(timeout_s=max(60.0, settings.kafka.request_timeout_s))
    metrics = serve_metrics(settings.metrics_port, settings.metrics_host)
    try:
        app = build_api_app(
            store,
            tokens,
            ApiConfig(
                max_body_bytes=section.max_body_bytes,
                send_test=channel_test_sender(settings),
                check_target=target_checker(settings.delivery.allow_networks),
                known_ids=taxonomy_ids(settings),
            ),
        )
        serve_http(
            app,
            host or section.host,
            section.port if port is None else port,
            ready_file=ready_file,
            ready_info=lambda url: {"api": {"url": url}, "url": url, "metrics": metrics.url},
            announce=lambda url: log.info("subscriptions API at %s (docs %s/docs)", url, url),
        )
    finally:
        metrics.close()
        store.close()
