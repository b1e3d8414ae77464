"""docker-compose.yml and the Dockerfile, checked statically (there is no Docker engine in CI).

Every image is pinned, every policywatch service runs a command the CLI accepts, ports,
volumes and dependencies agree with each other, the roles' settings validate, and every
policywatch role is a Prometheus scrape target with its role label.
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from ops.settings import Settings
from tests.compose_file import (
    INTERPOLATION,
    environment,
    interpolate,
    load_compose,
    mounts,
    ports,
)
from tests.conftest import REPO
from tests.grafana_dashboards import CLICKHOUSE_TYPE, load_dashboards, queries
from tests.policywatch_cli import policywatch

COMPOSE = load_compose()
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
POLICYWATCH = {n: s for n, s in SERVICES.items() if s.get("build")}
ROLES = {n: s for n, s in POLICYWATCH.items() if s.get("restart") != "no"}


def test_the_stack_has_its_services_and_the_roles_that_exist() -> None:
    assert {"kafka", "clickhouse", "init", "sink", "worker", "prometheus", "grafana"} <= set(
        SERVICES
    )
    assert set(ROLES) == {"producers", "intake", "worker", "sink", "api", "delivery"}
    images = {s["image"] for s in POLICYWATCH.values()}
    assert len(images) == 1, "every role runs the same policywatch image"
    assert all(s["build"]["context"] == "." for s in POLICYWATCH.values())


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_image_is_pinned(name: str) -> None:
    image = SERVICES[name]["image"]
    repository, _, tag = image.rpartition(":")
    assert repository and "/" not in tag, f"{name}: {image} has no tag"
    assert tag != "latest" and re.search(r"\d+\.\d+", tag), f"{name}: {image} is not pinned"
    if name == "kafka":
        assert repository == "apache/kafka"
    if name == "clickhouse":
        assert repository == "clickhouse/clickhouse-server"


def test_grafana_plugin_is_pinned_to_the_version_the_dashboards_were_written_for() -> None:
    plugins = environment(SERVICES["grafana"])["GF_PLUGINS_PREINSTALL_SYNC"]
    match = re.fullmatch(r"grafana-clickhouse-datasource@(\d+\.\d+\.\d+)", plugins)
    assert match, plugins
    versions = {q.target["pluginVersion"] for q in queries(load_dashboards(), CLICKHOUSE_TYPE)}
    assert versions == {match[1]}


def test_kafka_runs_in_kraft_mode_with_the_listener_the_roles_use() -> None:
    env = environment(SERVICES["kafka"])
    assert "controller" in env["KAFKA_PROCESS_ROLES"] and "broker" in env["KAFKA_PROCESS_ROLES"]
    assert not any("ZOOKEEPER" in k for k in env)
    advertised = {
        urlsplit(u).scheme.upper(): urlsplit(u).netloc
        for u in env["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    for name, service in POLICYWATCH.items():
        bootstrap = environment(service)["POLICYWATCH_KAFKA__BOOTSTRAP"]
        assert bootstrap == advertised["PLAINTEXT"], name


def run_help(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*policywatch(cluster_image=True), *args, "--help"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")},
    )


def test_every_policywatch_command_and_healthcheck_is_a_valid_invocation() -> None:
    invocations: list[tuple[str, list[str]]] = []
    for name, service in POLICYWATCH.items():
        assert isinstance(service["command"], list), f"{name}: command as a list"
        invocations.append((f"{name} command", service["command"]))
        check = service.get("healthcheck", {}).get("test")
        if check:
            assert check[:2] == ["CMD", "policywatch"], f"{name}: healthcheck uses the CLI"
            invocations.append((f"{name} healthcheck", check[2:]))
    running = [(what, args, run_help(args)) for what, args in invocations]  # in parallel
    finished = [(what, args, proc, *proc.communicate(timeout=60)) for what, args, proc in running]
    for what, args, proc, out, err in finished:
        assert proc.returncode == 0, f"{what}: policywatch {' '.join(args)} is invalid:\n{err}"
        assert "Usage:" in out


def test_policywatch_settings_validate_and_point_at_the_services() -> None:
    clickhouse = environment(SERVICES["clickhouse"])
    for name, service in POLICYWATCH.items():
        env = {k: interpolate(v) for k, v in environment(service).items()}
        assert all(k.startswith("POLICYWATCH_") for k in env), name
        saved = {k: v for k, v in os.environ.items() if k.startswith("POLICYWATCH_")}
        try:
            for key in saved:
                del os.environ[key]
            os.environ.update(env)
            settings = Settings()
        finally:
            for key in env:
                del os.environ[key]
            os.environ.update(saved)
        url = urlsplit(settings.warehouse_url)
        assert url.scheme == "clickhouse" and url.hostname == "clickhouse", name
        assert url.port == 8123 and url.path == f"/{clickhouse['CLICKHOUSE_DB']}", name
        assert url.username == clickhouse["CLICKHOUSE_USER"], name
        assert (
            INTERPOLATION.sub("", environment(service)["POLICYWATCH_WAREHOUSE__URL"])
            != (environment(service)["POLICYWATCH_WAREHOUSE__URL"])
        ), f"{name}: the password comes from the environment, not the file"
        assert settings.metrics_host == "0.0.0.0" and settings.log_format == "json", name


def test_published_ports_are_unique_and_served() -> None:
    kafka_listeners = {
        urlsplit(u).port for u in environment(SERVICES["kafka"])["KAFKA_LISTENERS"].split(",")
    }
    served: dict[str, set[int | None]] = {
        "kafka": kafka_listeners,
        "clickhouse": {8123, 9000},
        "grafana": {3000},
        "prometheus": {9090},
    }
    for name, service in POLICYWATCH.items():
        env = environment(service)
        keys = ("POLICYWATCH_METRICS_PORT", "POLICYWATCH_API__PORT", "POLICYWATCH_INTAKE__PORT")
        served[name] = {int(env[key]) for key in keys if key in env}
    host_ports: list[int] = []
    for name, service in SERVICES.items():
        for port in ports(service):
            assert port.container in served[name], f"{name} publishes {port.container}"
            host_ports.append(port.host)
    assert len(host_ports) == len(set(host_ports)), "a host port is published twice"
    for name, service in SERVICES.items():  # a LAN reaches nothing a host does not proxy
        for port in ports(service):
            assert port.host_ip == "127.0.0.1", f"{name} publishes {port.host} on all interfaces"
    for name in ROLES.keys() - {"api", "intake"}:  # the two HTTP services users call
        assert not ports(SERVICES[name]), f"{name}: scale-out roles publish no host port"


def test_volumes_are_declared_used_and_present() -> None:
    declared = set(COMPOSE.get("volumes") or {})
    used = set()
    for name, service in SERVICES.items():
        targets = [m.target for m in mounts(service)]
        assert len(targets) == len(set(targets)), f"{name}: two mounts on one path"
        for mount in mounts(service):
            if mount.is_bind:
                assert (REPO / mount.source).exists(), f"{name}: {mount.source} is missing"
                assert mount.read_only, f"{name}: configuration is mounted read-only"
            else:
                used.add(mount.source)
    assert used == declared, f"declared {sorted(declared)}, used {sorted(used)}"
    for name in ("kafka", "clickhouse", "prometheus", "grafana"):
        assert any(not m.is_bind for m in mounts(SERVICES[name])), f"{name} keeps no data"


def test_dependencies_wait_for_health_and_for_init() -> None:
    for name, service in SERVICES.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            if spec["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{dependency} has no healthcheck"
    for name in ROLES:
        assert SERVICES[name]["depends_on"]["init"]["condition"] == (
            "service_completed_successfully"
        )
        assert "healthcheck" in SERVICES[name], name
    assert SERVICES["init"]["command"] == ["init"]
    init_needs = SERVICES["init"]["depends_on"]
    assert (
        init_needs["kafka"]["condition"]
        == init_needs["clickhouse"]["condition"]
        == ("service_healthy")
    )


def scrape_targets() -> dict[str, tuple[str, int, str | None]]:
    """``{host: (job, port, role label)}`` from ops/prometheus/prometheus.yml."""
    config = yaml.safe_load((REPO / "ops/prometheus/prometheus.yml").read_text("utf-8"))
    found: dict[str, tuple[str, int, str | None]] = {}
    for job in config["scrape_configs"]:
        relabel = {r["target_label"]: r["replacement"] for r in job.get("relabel_configs", [])}
        for static in job.get("static_configs", []):
            role = static.get("labels", {}).get("role") or relabel.get("role")
            for target in static["targets"]:
                host, _, port = target.rpartition(":")
                found[host] = (job["job_name"], int(port), role)
        for dns in job.get("dns_sd_configs", []):
            for host in dns["names"]:
                found[host] = (job["job_name"], int(dns["port"]), relabel.get("role"))
    return found


def test_every_policywatch_role_is_a_prometheus_scrape_target() -> None:
    targets = scrape_targets()
    for name, service in ROLES.items():
        assert name in targets, f"Prometheus does not scrape {name}"
        _job, port, role = targets[name]
        assert port == int(environment(service)["POLICYWATCH_METRICS_PORT"]), name
        assert role == name, f"{name}: the role label names the service (alert rules use it)"
    prometheus = SERVICES["prometheus"]
    config_mount = {m.source: m.target for m in mounts(prometheus)}["./ops/prometheus"]
    assert f"--config.file={config_mount}/prometheus.yml" in prometheus["command"]


def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [ln.strip() for ln in joined.splitlines() if ln.strip()]


def test_dockerfile_is_slim_non_root_and_layers_dependencies_before_source() -> None:
    steps = dockerfile_instructions()

    def first(prefix: str) -> int:
        return next(i for i, step in enumerate(steps) if step.startswith(prefix))

    base = steps[first("ARG PYTHON_IMAGE=")].split("=", 1)[1]
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base), f"pinned slim base, not {base}"
    stages = [i for i, step in enumerate(steps) if step.startswith("FROM ")]
    assert [steps[i] for i in stages] == ["FROM ${PYTHON_IMAGE} AS build", "FROM ${PYTHON_IMAGE}"]
    deps = first("RUN python -c")
    assert "pip install -r requirements.txt" in steps[deps]
    assert first("COPY pyproject.toml") < deps < first("COPY ops"), "dependencies before source"
    final = steps[stages[-1] :]
    users = [step for step in final if step.startswith("USER ")]
    assert users and users[-1] not in ("USER root", "USER 0"), "the final stage runs non-root"
    assert final[-2:] == ['ENTRYPOINT ["policywatch"]', 'CMD ["--help"]']
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", "var", ".git", "tests"} <= set(ignored)
