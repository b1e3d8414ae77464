"""Fetch an Apache Kafka broker from Maven Central into a cache folder, once per version.

No jar is kept in the repository: ``org.apache.kafka:kafka_2.13`` (the broker),
``kafka-tools`` (``kafka-consumer-groups``' command) and an SLF4J binding are
resolved by Maven from a pom written at install time, and their runtime jars are
copied to ``<cache>/<version>/libs``. The folder appears only when complete (it
is filled under another name and renamed), so an interrupted install is redone
and a second call does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.errors import ConfigError

log = logging.getLogger(__name__)

#: SLF4J 1.7 is what every Kafka 3.x and 4.x broker logs through; its simple binding
#: writes to stderr (the broker's log file) and needs no configuration file.
SLF4J_SIMPLE = ("org.slf4j", "slf4j-simple", "1.7.36")
MANIFEST = "install.json"
_POM = """<?xml version="1.0" encoding="UTF-8"?>
<!-- written by `policywatch broker install`: the runtime jars of one Kafka broker -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>policywatch.local</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEPENDENCY = (
    "    <dependency><groupId>{0}</groupId><artifactId>{1}</artifactId>"
    "<version>{2}</version>{3}</dependency>"
)
#: kafka-tools also carries Kafka Connect, and with it a second SLF4J binding (reload4j)
#: that would swallow the broker's log; none of it is needed to run a broker or its tools.
TOOLS_EXCLUSIONS = (
    ("org.apache.kafka", "connect-runtime"),
    ("org.slf4j", "slf4j-reload4j"),
    ("ch.qos.reload4j", "reload4j"),
)
JAVA_INSTALL_HINT = "install Java 17 (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless)"
MAVEN_INSTALL_HINT = "install Maven (Debian/Ubuntu: apt-get install -y maven)"


@dataclass(frozen=True)
class KafkaInstall:
    """One installed broker: ``home/libs`` holds every jar it runs with."""

    version: str
    home: Path

    @property
    def libs(self) -> Path:
        return self.home / "libs"

    @property
    def classpath(self) -> str:
        return str(self.libs / "*")

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


def artifacts(version: str) -> list[tuple[str, str, str]]:
    return [
        ("org.apache.kafka", "kafka_2.13", version),
        ("org.apache.kafka", "kafka-tools", version),
        SLF4J_SIMPLE,
    ]


def render_pom(version: str) -> str:
    exclusions = "".join(
        f"<exclusion><groupId>{g}</groupId><artifactId>{a}</artifactId></exclusion>"
        for g, a in TOOLS_EXCLUSIONS
    )
    dependencies = "\n".join(
        _DEPENDENCY.format(
            *a, f"<exclusions>{exclusions}</exclusions>" if a[1] == "kafka-tools" else ""
        )
        for a in artifacts(version)
    )
    return _POM.format(version=version, dependencies=dependencies)


def installed_kafka(version: str, cache_dir: Path) -> KafkaInstall | None:
    """The complete install of ``version``, or None."""
    home = cache_dir / version
    if (home / MANIFEST).is_file() and (home / "libs").is_dir():
        return KafkaInstall(version, home)
    return None


def find_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ConfigError(f"Java is missing: the Kafka broker runs on a JVM; {JAVA_INSTALL_HINT}")
    return java


def java_major(java: str) -> int:
    """The JVM's feature version (8, 11, 17, 21...) from ``java -version``."""
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise ConfigError(f"cannot run {java}: {exc}; {JAVA_INSTALL_HINT}") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', done.stderr + done.stdout)
    if match is None:
        raise ConfigError(f"cannot tell the version of {java}: {done.stderr.strip()[:200]}")
    first, second = int(match[1]), int(match[2] or 0)
    return second if first == 1 else first  # "1.8.0_392" is Java 8


def require_java_for(install: KafkaInstall) -> str:
    """The java to run ``install`` with; Kafka 4 needs Java 17, Kafka 3 Java 11."""
    java = find_java()
    needed = 17 if install.major >= 4 else 11
    found = java_major(java)
    if found < needed:
        raise ConfigError(
            f"Kafka {install.version} needs Java {needed} or newer, {java} is Java {found}; "
            f"{JAVA_INSTALL_HINT}"
        )
    return java


@contextlib.contextmanager
def _install_lock(cache_dir: Path) -> Iterator[None]:
    """One install at a time per cache folder (two test runs may start together)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / ".install.lock", "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def install_kafka(
    version: str, cache_dir: Path, timeout_s: float = 900.0
) -> tuple[KafkaInstall, bool]:
    """The install of ``version``, fetching it first if needed; True when fetched now."""
    found = installed_kafka(version, cache_dir)
    if found is not None:
        return found, False
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigError(
            "Maven is missing: it fetches the Kafka broker from Maven Central; "
            + MAVEN_INSTALL_HINT
        )
    find_java()  # Maven runs on it, and so will the broker
    with _install_lock(cache_dir):
        found = installed_kafka(version, cache_dir)  # another process may have finished it
        if found is not None:
            return found, False
        staging = cache_dir / f".{version}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        (staging / "pom.xml").write_text(render_pom(version), encoding="utf-8")
        started = time.monotonic()
        _run_maven(mvn, staging, version, timeout_s)
        jars = sorted(p.name for p in (staging / "libs").glob("*.jar"))
        if not any(j.startswith(f"kafka_2.13-{version}") for j in jars):
            raise ConfigError(f"Maven finished, but no kafka_2.13-{version} jar is in {staging}")
        manifest = {
            "version": version,
            "artifacts": [":".join(a) for a in artifacts(version)],
            "jars": jars,
            "fetch_seconds": round(time.monotonic() - started, 1),
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        home = cache_dir / version
        shutil.rmtree(home, ignore_errors=True)
        staging.rename(home)
        log.info("installed Kafka %s in %s (%d jars)", version, home, len(jars))
        return KafkaInstall(version, home), True


def _run_maven(mvn: str, staging: Path, version: str, timeout_s: float) -> None:
    log_path = staging / "maven.log"
    command = [
        mvn,
        "--batch-mode",
        "--no-transfer-progress",
        "-f",
        str(staging / "pom.xml"),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={staging / 'libs'}",
    ]
    try:
        with open(log_path, "wb") as out:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout_s, check=False
            )
    except subprocess.TimeoutExpired as exc:
        raise ConfigError(
            f"fetching Kafka {version} with Maven took over {timeout_s:.0f}s; is Maven Central "
            f"reachable? See {log_path}"
        ) from exc
    if done.returncode != 0:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        errors = [line for line in text.splitlines() if line.startswith("[ERROR]")][:4]
        hint = (
            f"is {version} a released Kafka version (org.apache.kafka:kafka_2.13 on Maven "
            "Central)? "
            if "Could not resolve dependencies" in text or "could not be resolved" in text
            else ""
        )
        raise ConfigError(
            f"Maven could not fetch Kafka {version} (exit {done.returncode}); {hint}"
            f"{' '.join(errors)[:600]} (full log: {log_path})"
        )
