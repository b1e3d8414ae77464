"""The embedded runtime: the broker (Kafka or Tansu) and every role as child processes.

Start order: broker (ready = a metadata round trip), topics (created
explicitly; existing ones are kept), sink (ready = its ready file: migrations
applied, SQL endpoint up), then, when the broker started without topics (Tansu
always, Kafka on a new data directory), journaled subscriptions, undelivered
alerts and the story index are re-published, worker(s) (ready = partitions
assigned), producers (when sources are set), the subscriptions API and the
delivery worker. Then ``run.json`` is written. A child that dies is reported with
its exit code and log tail and restarted (a few times); so is a dead Kafka broker,
on its ports and with its data, while a dead Tansu stops the stack, since its
topics lived in its memory. Children die with the supervisor (PDEATHSIG), and
``stop()`` terminates them in reverse order.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ops import metrics
from ops.api.journal import SubscriptionJournal, journal_path
from ops.api.tokens import ensure_admin_token
from ops.features.alert_restore import restore_alerting
from ops.features.story_restore import restore_story_members
from ops.roles.sink import story_members_topic
from ops.runtime.access import endpoint_url
from ops.runtime.broker import EmbeddedBroker, start_broker
from ops.runtime.fetch_wait import fetch_wait_for
from ops.runtime.metrics_server import MetricsEndpoint, serve_metrics
from ops.runtime.ports import free_port
from ops.runtime.process import spawn, stop_process, tail
from ops.runtime.provision import ensure_all_topics
from ops.runtime.runfile import read_run_file, write_json_atomic
from ops.runtime.spool_keeper import sweep_spool
from ops.settings import Settings
from producers.publish import Publisher
from producers.spool import Spool
from schemas.errors import ConfigError, PolicywatchError
from sinks.warehouse import connect_warehouse

log = logging.getLogger(__name__)

RESTARTS_PER_WINDOW = 3
RESTART_WINDOW_S = 60.0
SPOOL_SWEEP_S = 10.0


class StackError(PolicywatchError):
    reason = "stack_failed"


@dataclass
class Child:
    name: str
    command: list[str]
    log_path: Path
    ready_file: Path | None
    env: dict[str, str]
    restartable: bool
    proc: subprocess.Popen[bytes] | None = None
    info: dict[str, Any] = field(default_factory=dict)
    restarts: deque[float] = field(default_factory=deque)

    def start(self, timeout_s: float) -> None:
        if self.ready_file is not None:
            self.ready_file.unlink(missing_ok=True)
        self.proc = spawn(self.command, self.log_path, self.env)
        if self.ready_file is None:
            return
        deadline = time.monotonic() + timeout_s
        while not self.ready_file.exists():
            if self.proc.poll() is not None:
                raise StackError(
                    self.failure(f"exited with code {self.proc.returncode} while starting")
                )
            if time.monotonic() > deadline:
                raise StackError(self.failure(f"not ready after {timeout_s:.0f}s"))
            time.sleep(0.05)
        self.info = json.loads(self.ready_file.read_text(encoding="utf-8"))

    def failure(self, what: str) -> str:
        return f"{self.name} {what}; last log lines ({self.log_path}):\n{tail(self.log_path)}"


class Stack:
    """The embedded stack of one data directory."""

    def __init__(self, settings: Settings, start_timeout_s: float = 90.0) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir.resolve()
        self.logs = self.data_dir / "logs"
        self.start_timeout_s = start_timeout_s
        self.children: list[Child] = []
        self.broker: EmbeddedBroker | None = None
        self.broker_restarts: deque[float] = deque()
        self.bootstrap = ""
        self.failed = threading.Event()
        self.failure = ""
        self.metrics_url = ""
        self._metrics: MetricsEndpoint | None = None
        self._stopping = threading.Event()
        #: spooled documents still to re-publish (the start's sweep did not get through)
        self._republish_pending = True
        self._monitor: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- start ---------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        existing = read_run_file(self.settings.run_file)
        if existing is not None:
            raise ConfigError(
                f"a stack already runs on {self.data_dir} (pid {existing['pid']}); stop it, "
                "or use another data directory (POLICYWATCH_DATA_DIR)"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._metrics = serve_metrics(self.settings.metrics_port, self.settings.metrics_host)
        self.metrics_url = self._metrics.url
        try:
            self._start_broker()
            self._start_roles()
        except BaseException:
            self.stop()
            raise
        run = self.run_info()
        write_json_atomic(self.settings.run_file, run)
        self._sweep_or_retry()
        self._monitor = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._monitor.start()
        return run

    def _start_broker(self) -> None:
        self.broker = start_broker(self.settings, self.data_dir, self.logs)
        self.bootstrap = self.broker.bootstrap

        ensure_all_topics(self.bootstrap, self.settings)
        log.info(
            "broker %s %s ready at %s (pid %s, %s)",
            self.broker.kind,
            self.broker.version,
            self.bootstrap,
            self.broker.proc.pid,
            "durable" if self.broker.durable else "in memory",
        )

    def _role(self, name: str, command_name: str | None = None, restartable: bool = True) -> Child:
        env = {
            "POLICYWATCH_KAFKA__BOOTSTRAP": self.bootstrap,
            "POLICYWATCH_DATA_DIR": str(self.data_dir),
            "POLICYWATCH_LOG_FORMAT": "json",
            "POLICYWATCH_METRICS_PORT": "0",
        }
        if self.settings.kafka.fetch_wait_ms is None and self.broker is not None:
            env["POLICYWATCH_KAFKA__FETCH_WAIT_MS"] = str(fetch_wait_for(self.broker.kind))
        ready = self.data_dir / "roles" / f"{name}.json"
        ready.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "ops.cli",
            command_name or name,
            "--ready-file",
            str(ready),
        ]
        return Child(name, command, self.logs / f"{name}.log", ready, env, restartable)

    def _start_roles(self) -> None:
        sink = self._role("sink")
        if self.settings.warehouse.writer_password is None:
            sink.env["POLICYWATCH_WAREHOUSE__WRITER_PASSWORD"] = secrets.token_urlsafe(18)
        workers = [
            self._role("worker" if i == 0 else f"worker-{i + 1}", "worker")
            for i in range(self.settings.streams.workers)
        ]
        if self.settings.warehouse.http_port == 0:
            # one port for the stack's life, so a restarted sink serves the same URL
            # (Grafana, `policywatch sql` and the producers keep working)
            sink.env["POLICYWATCH_WAREHOUSE__HTTP_PORT"] = str(free_port())
        self._start_children([sink])
        if self.broker is not None and self.broker.fresh:
            # a durable broker that kept its topics still has all of this
            self._restore_state(sink)
        self._start_children(workers)
        producers = self._producers_role(sink)
        if producers is not None:
            self._start_children([producers])
        self._start_children(self._alerting_roles(sink))

    def _restore_state(self, sink: Child) -> None:
        """Re-publish what the in-memory broker forgot and the workers need: journaled
        subscriptions and undelivered alerts (ops.features.alert_restore), and the story index
        (ops.features.story_restore)."""

        if "sql" not in sink.info:
            return
        warehouse = connect_warehouse(endpoint_url(sink.info["sql"], write=False))
        publisher = Publisher(self.bootstrap, timeout_s=30)
        try:
            restore_alerting(
                SubscriptionJournal(journal_path(self.data_dir)),
                warehouse,
                publisher,
                self.settings.topics,
            )
            restore_story_members(warehouse, publisher, story_members_topic(self.settings))
        finally:
            publisher.close()
            warehouse.close()

    def _alerting_roles(self, sink: Child) -> list[Child]:
        """The subscriptions API and the delivery worker."""

        ensure_admin_token(self.settings)
        api = self._role("api")
        if "port" not in self.settings.api.model_fields_set:
            # the embedded stack takes a free port, pinned for its life (restarts keep the URL)
            api.env["POLICYWATCH_API__PORT"] = str(free_port())
        delivery = self._role("delivery")
        if "sql" in sink.info:
            delivery.env["POLICYWATCH_WAREHOUSE__URL"] = endpoint_url(sink.info["sql"], write=False)
        return [api, delivery]

    def _start_children(self, children: list[Child]) -> None:
        for child in children:
            child.start(self.start_timeout_s)
            self.children.append(child)
            metrics.ROLE_UP.labels(child.name).set(1)
            log.info("%s ready (pid %s)", child.name, child.proc.pid if child.proc else "?")

    def _producers_role(self, sink: Child) -> Child | None:
        """The scheduled producers, when a sources file is configured."""
        sources = self.settings.fetch.sources
        if sources is None:
            return None

        child = self._role("producers")
        child.env["POLICYWATCH_FETCH__SOURCES"] = str(sources.resolve())
        # an in-memory broker: what producers emit is spooled until stored
        durable = self.broker is not None and self.broker.durable
        child.env["POLICYWATCH_INGEST__SPOOL"] = "off" if durable else "on"
        if "sql" in sink.info:
            child.env["POLICYWATCH_WAREHOUSE__URL"] = endpoint_url(sink.info["sql"], write=True)
        return child

    def run_info(self) -> dict[str, Any]:
        roles = {
            c.name: {
                "pid": c.proc.pid if c.proc else None,
                **{k: v for k, v in c.info.items() if k != "sql"},
            }
            for c in self.children
        }
        sql = next((c.info["sql"] for c in self.children if "sql" in c.info), None)
        return {
            "pid": os.getpid(),
            "started_at": time.time(),
            "data_dir": str(self.data_dir),
            "broker": self.broker.describe() if self.broker else {"bootstrap": self.bootstrap},
            "sql": sql,
            "api": next((c.info["api"] for c in self.children if "api" in c.info), None),
            "metrics": self.metrics_url,
            "roles": roles,
        }

    def _sweep_spool(self, republish: bool) -> None:
        """Re-publish (on start) or drop (later) spooled documents; see ops.runtime.spool_keeper."""

        sql = self.run_info().get("sql")
        if not sql:
            return
        spool = Spool(self.data_dir / "spool")
        if not spool.segments():
            return
        warehouse = connect_warehouse(endpoint_url(sql, write=False))
        publisher = Publisher(self.bootstrap) if republish else None
        try:
            sweep_spool(spool, warehouse, publisher, self.settings.topics.documents)
        finally:
            warehouse.close()
            if publisher is not None:
                publisher.close()

    # -- watch ---------------------------------------------------------------
    def _watch(self) -> None:
        last_sweep = time.monotonic()
        while not self._stopping.wait(0.5):
            with self._lock:
                if self._stopping.is_set():
                    return
                self._check_children()
            if time.monotonic() - last_sweep > SPOOL_SWEEP_S and not self.failed.is_set():
                last_sweep = time.monotonic()
                self._sweep_or_retry()

    def _sweep_or_retry(self) -> None:
        """Sweep the spool; re-publish until one re-publishing sweep got through. A sweep
        that fails (the warehouse restarting: a sink killed just as the stack came up)
        is retried by the watch, and never stops the stack."""
        try:
            self._sweep_spool(republish=self._republish_pending)
            self._republish_pending = False
        except PolicywatchError as exc:
            log.warning("spool sweep failed, will retry: %s", exc)

    def _check_children(self) -> None:
        broker = self.broker
        broker_died = broker is not None and broker.proc.poll() is not None
        if broker_died and broker is not None and not self._restart_broker(broker):
            return
        for child in self.children:
            proc = child.proc
            if proc is None or proc.poll() is None:
                continue
            metrics.ROLE_UP.labels(child.name).set(0)
            log.error("%s", child.failure(f"(pid {proc.pid}) exited with code {proc.returncode}"))
            now = time.monotonic()
            while child.restarts and now - child.restarts[0] > RESTART_WINDOW_S:
                child.restarts.popleft()
            if not child.restartable or len(child.restarts) >= RESTARTS_PER_WINDOW:
                self._fail(
                    f"{child.name} keeps failing ({len(child.restarts)} restarts in "
                    f"{RESTART_WINDOW_S:.0f}s); stopping the stack. See {child.log_path}"
                )
                return
            child.restarts.append(now)
            metrics.ROLE_RESTARTS.labels(child.name).inc()
            log.warning("restarting %s", child.name)
            try:
                child.start(self.start_timeout_s)
                metrics.ROLE_UP.labels(child.name).set(1)
                write_json_atomic(self.settings.run_file, self.run_info())
            except StackError as exc:
                self._fail(str(exc))
                return

    def _restart_broker(self, broker: EmbeddedBroker) -> bool:
        """A durable broker is started again with its data; False when the stack must stop."""
        code = broker.proc.returncode
        if not broker.durable:
            self._fail(
                f"broker exited with code {code}; its topics were in memory, stopping the "
                f"stack. Last log lines:\n{tail(broker.log_path)}"
            )
            return False
        now = time.monotonic()
        while self.broker_restarts and now - self.broker_restarts[0] > RESTART_WINDOW_S:
            self.broker_restarts.popleft()
        if len(self.broker_restarts) >= RESTARTS_PER_WINDOW:
            self._fail(f"broker keeps failing; stopping the stack. See {broker.log_path}")
            return False
        self.broker_restarts.append(now)
        log.error("broker exited with code %s; starting it again with its data", code)
        try:
            broker.restart(self.start_timeout_s)
        except PolicywatchError as exc:
            self._fail(str(exc))
            return False
        write_json_atomic(self.settings.run_file, self.run_info())
        return True

    def _fail(self, message: str) -> None:
        log.error("%s", message)
        self.failure = message
        self.failed.set()

    # -- stop ----------------------------------------------------------------
    def stop(self) -> None:
        """Stop every child in reverse start order; idempotent."""
        self._stopping.set()
        if self._monitor is not None and self._monitor is not threading.current_thread():
            self._monitor.join(timeout=5)
        with self._lock:
            for child in reversed(self.children):
                if child.proc is not None:
                    code = stop_process(child.proc)
                    log.info("%s stopped (exit %s)", child.name, code)
            if self.broker is not None:
                self.broker.stop()
                log.info("broker stopped")
            run = read_run_file(self.settings.run_file)
            if run is not None and run.get("pid") == os.getpid():
                self.settings.run_file.unlink(missing_ok=True)
            if self._metrics is not None:
                self._metrics.close()
                self._metrics = None
