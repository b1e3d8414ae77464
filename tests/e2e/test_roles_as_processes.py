"""The cluster's roles as separate processes, without Docker.

A real Tansu; the embedded warehouse standing in for the ClickHouse server (`policywatch
sink` with a chdb:// URL serves the ClickHouse HTTP protocol); then `init`, `sink` and
`worker`, each its own `policywatch` process configured by the environment its
docker-compose service gives it, with only addresses (and, for isolation, topic names)
replaced. chDB and the embedded broker cannot be imported in the role processes, as in
the Docker image.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from ops.runtime.access import endpoint_url
from ops.runtime.ports import free_port
from ops.runtime.process import stop_process
from ops.runtime.topics import ensure_topics
from producers.publish import Outgoing, Publisher
from schemas.codec import encode
from schemas.documents import SourceRef, observe_document
from schemas.envelope import Producer
from schemas.topics import TopicNames
from sinks.warehouse.clickhouse_driver import ClickhouseWarehouse
from streams.topics import WorkerConfig, story_changelog_topic
from tests.compose_file import environment, interpolate, load_compose
from tests.conftest import Broker
from tests.delivery_receivers import Route, WebhookReceiver
from tests.policywatch_cli import policywatch, wait_until_ready
from tests.prometheus_checks import declared_metrics, naming_problems
from tests.waiting import wait_for

#: What the test may change in a compose service's environment: addresses, and names that
#: keep this test's topics and consumer group apart from other tests on the shared broker.
ADDRESSES = {
    "POLICYWATCH_KAFKA__BOOTSTRAP",
    "POLICYWATCH_WAREHOUSE__URL",
    "POLICYWATCH_METRICS_HOST",
    "POLICYWATCH_METRICS_PORT",
    "POLICYWATCH_DATA_DIR",
}
WRITER_PASSWORD = "role-test-" + uuid.uuid4().hex[:8]


@dataclass
class Role:
    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> str:
        return str(self.info["metrics"])


def clean_env(values: dict[str, str]) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")}
    return {**base, **values}


def start_role(
    name: str, args: list[str], env: dict[str, str], tmp: Path, *, cluster_image: bool = True
) -> Role:
    ready = tmp / f"{name}.ready.json"
    log_path = tmp / f"{name}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*policywatch(cluster_image=cluster_image), *args, "--ready-file", str(ready)],
            env=clean_env(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    role = Role(name, proc, log_path)
    role.info = wait_until_ready(proc, ready, log_path, name, timeout=90)
    return role


def topic_env(prefix: str) -> dict[str, str]:
    names = TopicNames(**{k: f"{prefix}.{k}" for k in TopicNames.model_fields})
    return {f"POLICYWATCH_TOPICS__{k.upper()}": v for k, v in names.model_dump().items()}


@dataclass
class Cluster:
    topics: dict[str, str]
    sql: dict[str, Any]
    roles: dict[str, Role]
    env: dict[str, dict[str, str]]
    broker: Broker
    tmp: Path

    def reader(self) -> ClickhouseWarehouse:
        return ClickhouseWarehouse(endpoint_url(self.sql, write=False))

    def cli(self, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*policywatch(cluster_image=True), *args],
            env=clean_env(env),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def cluster(tansu: Broker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("roles")
    suffix = uuid.uuid4().hex[:8]
    started: list[Role] = []
    try:
        # The warehouse server: reads topics of its own, nobody writes them.
        idle = topic_env(f"idle{suffix}")
        idle_app = {"POLICYWATCH_STREAMS__APP_ID": f"idle{suffix}"}  # the sink keeps its story
        changelog = story_changelog_topic(WorkerConfig(bootstrap="", app_id=f"idle{suffix}"))
        ensure_topics(tansu.bootstrap, [*idle.values(), changelog], partitions=1)
        server = start_role(
            "warehouse",
            ["sink"],
            {
                **idle,
                **idle_app,
                "POLICYWATCH_KAFKA__BOOTSTRAP": tansu.bootstrap,
                "POLICYWATCH_DATA_DIR": str(tmp / "warehouse"),
                "POLICYWATCH_WAREHOUSE__URL": f"chdb://{tmp / 'warehouse' / 'chdb'}",
                "POLICYWATCH_WAREHOUSE__WRITER_PASSWORD": WRITER_PASSWORD,
                "POLICYWATCH_LOG_FORMAT": "json",
            },
            tmp,
            cluster_image=False,
        )
        started.append(server)
        sql = server.info["sql"]

        services = load_compose()["services"]
        topics = topic_env(f"roles{suffix}")
        isolation = {**topics, "POLICYWATCH_STREAMS__APP_ID": f"policywatch-{suffix}"}
        env: dict[str, dict[str, str]] = {}
        for name in ("init", "sink", "worker", "api", "delivery"):
            compose_env = {k: interpolate(v) for k, v in environment(services[name]).items()}
            addresses = {
                "POLICYWATCH_KAFKA__BOOTSTRAP": tansu.bootstrap,
                "POLICYWATCH_WAREHOUSE__URL": endpoint_url(sql, write=True),
                "POLICYWATCH_METRICS_HOST": "127.0.0.1",
                "POLICYWATCH_METRICS_PORT": str(free_port()),
                "POLICYWATCH_DATA_DIR": str(tmp / name),
            }
            assert set(addresses) == ADDRESSES and set(compose_env) >= ADDRESSES
            env[name] = {**compose_env, **addresses, **isolation}
        # the API's address, and the loopback receiver of this test allowed past the SSRF guard
        env["api"] |= {"POLICYWATCH_API__HOST": "127.0.0.1", "POLICYWATCH_API__PORT": "0"}
        for name in ("api", "delivery"):
            env[name]["POLICYWATCH_DELIVERY__ALLOW_NETWORKS"] = '["127.0.0.0/8"]'

        init = subprocess.run(
            [*policywatch(cluster_image=True), "init"],
            env=clean_env(env["init"]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert init.returncode == 0, init.stdout + init.stderr
        partitions = env["init"]["POLICYWATCH_KAFKA__PARTITIONS"]
        assert f"topic {topics['POLICYWATCH_TOPICS__DOCUMENTS']}: {partitions} partitions" in (
            init.stdout
        )

        roles = {}
        for name in ("sink", "worker", "api", "delivery"):
            roles[name] = start_role(name, [name], env[name], tmp)
            started.append(roles[name])
        yield Cluster(topics, sql, roles, env, tansu, tmp)
    finally:
        for role in reversed(started):
            stop_process(role.proc)


def test_a_published_document_flows_through_the_roles_to_the_warehouse(cluster: Cluster) -> None:
    document = observe_document(
        document_id=f"role-test-{uuid.uuid4().hex[:8]}",
        source=SourceRef(id="role-test", kind="official_statement"),
        title="Quad foreign ministers meet in Tokyo",
        body="The Quad foreign ministers met in Tokyo and reaffirmed a free and open "
        "Indo-Pacific. Japan's Foreign Minister Toshimitsu Motegi hosted the talks.",
        producer=Producer(name="test", version="1"),
    )
    publisher = Publisher(cluster.broker.bootstrap)
    try:
        report = publisher.publish(
            [
                Outgoing(
                    cluster.topics["POLICYWATCH_TOPICS__DOCUMENTS"],
                    document.document_id.encode(),
                    encode(document),
                )
            ]
        )
    finally:
        publisher.close()
    assert report.failed == 0
    warehouse = cluster.reader()
    params = {"id": document.document_id}

    def count(sql: str) -> int:
        return int(warehouse.query(sql, params=params)[0]["n"])

    wait_for(
        lambda: (
            count("SELECT count() AS n FROM classifications WHERE document_id = {id:String}") == 1
        ),
        timeout=60,
        what="the classification in the warehouse",
    )
    assert count("SELECT count() AS n FROM documents WHERE document_id = {id:String}") == 1
    labels = {
        r["label_id"]
        for r in warehouse.query(
            "SELECT DISTINCT label_id FROM mentions WHERE document_id = {id:String}",
            params=params,
        )
    }
    assert "quad" in labels, labels


def test_a_subscription_made_through_the_api_role_is_delivered_by_the_delivery_role(
    cluster: Cluster,
) -> None:
    secret = "whsec_cm9sZXMtYXMtcHJvY2Vzc2VzLXNpZ25pbmc="
    token = cluster.cli(
        ["tokens", "create", "--name", "roles", "--scope", "write"], cluster.env["api"]
    )
    assert token.returncode == 0, token.stderr
    receiver = WebhookReceiver()
    receiver.routes["/hook"] = Route(secret=secret)
    try:
        api = str(cluster.roles["api"].info["api"]["url"])
        created = httpx.post(
            f"{api}/subscriptions",
            headers={"Authorization": f"Bearer {token.stdout.strip()}"},
            json={
                "name": "Economic security",
                "filter": {"initiatives": ["in-jp.economic-security-dialogue"]},
                "channel": {"kind": "webhook", "url": receiver.url("/hook"), "secret": secret},
            },
            timeout=30,
        )
        assert created.status_code == 201, created.text
        worker_metrics = cluster.roles["worker"].metrics
        wait_for(
            lambda: "policywatch_alert_subscriptions 1.0" in scrape(worker_metrics),
            what="the worker folded the subscription",
        )
        document = observe_document(
            document_id=f"role-alert-{uuid.uuid4().hex[:8]}",
            source=SourceRef(id="role-test", kind="official_statement"),
            title="India and Japan hold their Economic Security Dialogue",
            body="India and Japan held the second round of the India-Japan Economic Security "
            "Dialogue in Tokyo, covering supply chains, critical technologies and minerals.",
            producer=Producer(name="test", version="1"),
        )
        publisher = Publisher(cluster.broker.bootstrap)
        try:
            topic = cluster.topics["POLICYWATCH_TOPICS__DOCUMENTS"]
            report = publisher.publish(
                [Outgoing(topic, document.document_id.encode(), encode(document))]
            )
        finally:
            publisher.close()
        assert report.failed == 0
        wait_for(lambda: bool(receiver.accepted("/hook")), timeout=90, what="the webhook")
        [hook] = receiver.accepted("/hook")
        assert hook.signature_error is None and document.document_id in hook.body.decode()
        alert_id = hook.headers["webhook-id"]
        warehouse = cluster.reader()
        wait_for(
            lambda: bool(
                warehouse.query(
                    "SELECT 1 FROM deliveries WHERE alert_id = {a:String} AND status = 'delivered'",
                    params={"a": alert_id},
                )
            ),
            what="the delivery recorded in the warehouse",
        )
    finally:
        receiver.close()


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        body: bytes = response.read()
    return body.decode()


def test_each_role_serves_conventionally_named_metrics(cluster: Cluster) -> None:
    expected = {
        "worker": {"policywatch_stream_events_in_total", "policywatch_classify_seconds"},
        "sink": {"policywatch_sink_events_total", "policywatch_consumer_lag_messages"},
        "api": {"policywatch_api_requests_total"},
        "delivery": {"policywatch_delivery_attempts_total"},
    }
    for name, role in cluster.roles.items():
        text = scrape(role.metrics)
        assert naming_problems(text) == [], name
        assert expected[name] <= set(declared_metrics(text)), name
    worker = scrape(cluster.roles["worker"].metrics)
    classified = re.search(r'policywatch_stream_events_in_total\{stage="classify"\} (\S+)', worker)
    assert classified and float(classified[1]) >= 1  # the documents the tests published


def status(cluster: Cluster, args: list[str], env: dict[str, str]) -> tuple[int, dict[str, Any]]:
    result = cluster.cli(["status", "--format", "json", *args], env)
    assert result.stdout.strip(), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_status_reports_roles_lag_and_warehouse_of_the_cluster(cluster: Cluster) -> None:
    targets = [f"--target={n}={r.metrics}" for n, r in cluster.roles.items()]
    env = {"POLICYWATCH_WAREHOUSE__URL": endpoint_url(cluster.sql, write=False)}
    documents = cluster.topics["POLICYWATCH_TOPICS__DOCUMENTS"]
    reports: list[tuple[int, dict[str, Any]]] = []

    def caught_up() -> bool:
        # The sink refreshes its lag gauge every few seconds, so a document published by an
        # earlier test may still show as lag for a moment; status must reach 0 once it is read.
        reports.append(status(cluster, targets, env))
        sink = next((r for r in reports[-1][1]["roles"] if r["name"] == "sink"), None)
        return sink is not None and sink["lag_messages"].get(f"warehouse-sink/{documents}") == 0

    wait_for(
        caught_up, timeout=60, what="the sink's lag on documents to reach 0 in status", interval=1
    )
    code, report = reports[-1]
    assert code == 0, report
    assert report["healthy"] is True
    roles = {r["name"]: r for r in report["roles"]}
    assert set(roles) == {"sink", "worker", "api", "delivery"}
    assert all(r["metrics_ok"] and r["alive"] is None for r in roles.values())
    assert roles["sink"]["lag_messages"].get(f"warehouse-sink/{documents}") == 0
    warehouse = report["warehouse"]
    assert warehouse["reachable"] and warehouse["documents"] >= 1
    assert warehouse["last_document_observed_at"] and warehouse["bytes_on_disk"] > 0


def test_status_of_a_run_file_checks_pids_and_exits_1_when_a_role_dies(cluster: Cluster) -> None:
    data_dir = cluster.tmp / "status"
    run = {
        "pid": os.getpid(),  # the "supervisor": this test process
        "broker": {"bootstrap": cluster.broker.bootstrap, "pid": cluster.broker.pid},
        "sql": cluster.sql,
        "metrics": None,
        "roles": {n: {"pid": r.proc.pid, "metrics": r.metrics} for n, r in cluster.roles.items()},
    }
    data_dir.mkdir()
    (data_dir / "run.json").write_text(json.dumps(run), encoding="utf-8")
    env = {"POLICYWATCH_DATA_DIR": str(data_dir)}
    code, report = status(cluster, [], env)
    assert code == 0, report
    assert {r["name"]: r["alive"] for r in report["roles"]} == {
        "broker": True,
        "supervisor": True,
        "sink": True,
        "worker": True,
        "api": True,
        "delivery": True,
    }
    assert report["warehouse"]["documents"] >= 1

    stop_process(cluster.roles["worker"].proc)
    code, report = status(cluster, [], env)
    assert code == 1
    worker = next(r for r in report["roles"] if r["name"] == "worker")
    assert worker["alive"] is False and worker["metrics_ok"] is False and not worker["healthy"]
