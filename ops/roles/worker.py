"""`policywatch worker`: the Faust classify worker (blocks until stopped by a signal).

Ready (the ready file is written by the app) once its partitions are assigned.
"""

from __future__ import annotations

from pathlib import Path

import faust

from ops.runtime.access import resolve_bootstrap
from ops.runtime.fetch_wait import fetch_wait_ms
from ops.runtime.metrics_server import serve_metrics
from ops.settings import Settings
from ops.version import policywatch_version
from sinks.consumer import Record
from sinks.follow import TopicFollower
from streams.app import build_app
from streams.topics import WorkerConfig


def _unused(records: list[Record]) -> None:
    """The worker folds fetched records on its own loop, never through the follower."""


def run_worker(settings: Settings, ready_file: Path | None = None) -> None:
    """Build the app from Settings and run it under a Faust Worker (it reads ``sys.argv``)."""
    bootstrap = resolve_bootstrap(settings)
    wait_ms = fetch_wait_ms(settings)
    metrics_url = serve_metrics(settings.metrics_port, settings.metrics_host).url
    config = WorkerConfig(
        bootstrap=bootstrap,
        app_id=settings.streams.app_id,
        partitions=settings.kafka.partitions,
        topics=settings.topics,
        taxonomy_paths=tuple(settings.streams.taxonomy),
        data_dir=settings.data_dir,
        compression=settings.kafka.compression,
        version=policywatch_version(),
        ready_file=ready_file,
        session_timeout_s=settings.streams.session_timeout_s,
        taxonomy_reload_s=settings.streams.taxonomy_reload_s,
        fetch_max_wait_ms=wait_ms,
        ready_info=(("metrics", metrics_url),),
    )
    topic = settings.topics.subscriptions

    def open_subscriptions() -> TopicFollower:
        # the reader the API and the delivery role follow this topic with; the worker
        # folds what it fetches itself (streams.alert_agents)
        return TopicFollower(
            bootstrap,
            [topic],
            "policywatch-alert-subscriptions",
            _unused,
            fetch_wait_ms=wait_ms,
        )

    app = build_app(config, open_subscriptions)
    worker = faust.Worker(app, loglevel=settings.log_level, quiet=True, override_logging=False)
    worker.execute_from_commandline()
