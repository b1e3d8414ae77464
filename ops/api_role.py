"""`policywatch api`: the subscriptions API as a role of the stack.

Ready (the ready file is written) only once the subscription book caught up
with the topic and the server listens, so the first answer is never a stale
list. SIGTERM/SIGINT stop uvicorn, then the store's clients are closed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

import uvicorn

from ops.alert_restore import SubscriptionJournal, journal_path
from ops.api import build_api_app
from ops.api_auth import ApiConfig, TestSender
from ops.known_labels import taxonomy_ids
from ops.metrics_server import serve_metrics
from ops.runfile import write_json_atomic
from ops.settings import Settings
from ops.subscription_store import SubscriptionStore
from ops.tokens import TokenStore, tokens_path
from ops.version import policywatch_version
from ops.webhook_targets import target_checker
from schemas.alerts import AlertDelivery
from schemas.envelope import Producer
from schemas.subscriptions import Subscription

log = logging.getLogger(__name__)


def channel_test_sender(settings: Settings) -> TestSender:
    """Sends sample alerts through the delivery package, with the delivery settings."""
    from ops.delivery_config import delivery_config
    from sinks.delivery import send_test_alert

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
    from ops.roles import resolve_bootstrap

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
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host or section.host,
                port=section.port if port is None else port,
                log_config=None,
                access_log=False,
            )
        )

        async def serve() -> None:
            task = asyncio.create_task(server.serve())
            while not server.started and not task.done():
                await asyncio.sleep(0.05)
            if server.started:
                bound = server.servers[0].sockets[0].getsockname()
                url = f"http://{bound[0]}:{bound[1]}"
                log.info("subscriptions API at %s (docs %s/docs)", url, url)
                if ready_file is not None:
                    info = {"api": {"url": url}, "url": url, "metrics": metrics.url}
                    write_json_atomic(ready_file, info)
            await task

        # uvicorn stops on SIGTERM/SIGINT, then raises the signal again for the handler it
        # found: a no-op one makes that a clean exit (code 0) instead of death by signal
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: None)
        asyncio.run(serve())
    finally:
        metrics.close()
        store.close()
