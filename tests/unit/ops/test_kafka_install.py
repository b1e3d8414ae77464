"""Installing and choosing the broker: the pom, the cache, the choice, the errors a user sees."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ops.broker import choose_kind
from ops.kafka_broker import ClusterLayout, NodePorts, server_properties
from ops.kafka_install import (
    MANIFEST,
    KafkaInstall,
    install_kafka,
    installed_kafka,
    java_major,
    render_pom,
)
from ops.settings import DEFAULT_KAFKA_VERSION, load_settings
from schemas.errors import ConfigError
from tests.compose_file import load_compose


def fake_tool(folder: Path, name: str, stderr: str = "") -> Path:
    """An executable that prints ``stderr`` the way ``java -version`` does."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{stderr}' >&2\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def complete_install(cache: Path, version: str) -> Path:
    home = cache / version
    (home / "libs").mkdir(parents=True, exist_ok=True)
    (home / "libs" / f"kafka_2.13-{version}.jar").write_bytes(b"")
    (home / MANIFEST).write_text("{}", encoding="utf-8")
    return home


def test_the_default_version_is_the_one_docker_compose_runs() -> None:
    image = load_compose()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{DEFAULT_KAFKA_VERSION}"
    assert load_settings().broker.kafka_version == DEFAULT_KAFKA_VERSION


def test_the_pom_asks_for_the_broker_its_tools_and_one_log_binding() -> None:
    pom = render_pom("4.4.0")
    deps = re.findall(r"<artifactId>([^<]+)</artifactId><version>([^<]+)</version>", pom)
    assert ("kafka_2.13", "4.4.0") in deps and ("kafka-tools", "4.4.0") in deps
    assert ("slf4j-simple", "1.7.36") in deps
    # Kafka Connect (and its reload4j binding, which would swallow the log) stays out
    assert "<artifactId>connect-runtime</artifactId></exclusion>" in pom
    assert "<artifactId>slf4j-reload4j</artifactId></exclusion>" in pom


def test_a_half_finished_install_is_not_an_install(tmp_path: Path) -> None:
    (tmp_path / "3.9.1" / "libs").mkdir(parents=True)  # interrupted: no manifest
    assert installed_kafka("3.9.1", tmp_path) is None
    complete_install(tmp_path, "3.9.1")
    found = installed_kafka("3.9.1", tmp_path)
    assert found == KafkaInstall("3.9.1", tmp_path / "3.9.1") and found.major == 3


def test_a_second_install_does_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    complete_install(tmp_path / "cache", "3.9.1")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no mvn, no java: not needed
    found, fetched = install_kafka("3.9.1", tmp_path / "cache")
    assert (found.home, fetched) == (tmp_path / "cache" / "3.9.1", False)


def test_missing_maven_or_java_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(ConfigError, match=r"Maven is missing.*apt-get install -y maven"):
        install_kafka("3.9.1", tmp_path / "cache")
    fake_tool(tmp_path / "bin", "mvn")
    with pytest.raises(ConfigError, match=r"Java is missing.*openjdk-17"):
        install_kafka("3.9.1", tmp_path / "cache")


@pytest.mark.parametrize(
    ("banner", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_392"', 8),
    ],
)
def test_java_major_reads_the_version_banner(tmp_path: Path, banner: str, major: int) -> None:
    java = fake_tool(tmp_path, "java", banner.replace('"', '\\"').replace("\\", ""))
    assert java_major(str(java)) == major


def test_auto_takes_kafka_only_when_java_and_the_broker_are_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYWATCH_BROKER__CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert choose_kind(load_settings()) == "tansu"  # nothing installed
    complete_install(tmp_path / "cache", DEFAULT_KAFKA_VERSION)
    assert choose_kind(load_settings()) == "tansu"  # installed, but no java
    fake_tool(tmp_path / "bin", "java")
    assert choose_kind(load_settings()) == "kafka"
    monkeypatch.setenv("POLICYWATCH_BROKER__KIND", "tansu")
    assert choose_kind(load_settings()) == "tansu"  # a choice is never second-guessed


def test_up_on_a_kafka_that_is_not_installed_fails_with_the_command_to_run(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "POLICYWATCH_DATA_DIR": str(tmp_path / "var"),
        "POLICYWATCH_BROKER__CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "ops.cli", "up", "--broker", "kafka"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "policywatch broker install --version 3.9.1" in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


def test_three_voters_replicate_every_internal_topic_three_times(tmp_path: Path) -> None:
    layout = ClusterLayout(
        {1: NodePorts(9001, 9101), 2: NodePorts(9002, 9102), 3: NodePorts(9003, 9103)},
        replication_factor=3,
        min_insync_replicas=2,
    )
    props = server_properties(KafkaInstall("3.9.1", tmp_path), 2, layout, tmp_path / "log")
    assert props["controller.quorum.voters"] == (
        "1@127.0.0.1:9101,2@127.0.0.1:9102,3@127.0.0.1:9103"
    )
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9002,CONTROLLER://127.0.0.1:9102"
    assert props["offsets.topic.replication.factor"] == "3"
    assert props["min.insync.replicas"] == "2"
    assert props["auto.create.topics.enable"] == "false"
    assert "share.coordinator.state.topic.replication.factor" not in props  # Kafka 4 only
    assert layout.bootstrap == "127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003"
