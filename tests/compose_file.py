"""docker-compose.yml as data, for static checks (no Docker engine needed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from tests.conftest import REPO

COMPOSE = REPO / "docker-compose.yml"


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool

    @property
    def is_bind(self) -> bool:
        return self.source.startswith((".", "/"))


@dataclass(frozen=True)
class Port:
    host_ip: str | None
    host: int
    container: int


def load_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def mounts(service: dict[str, Any]) -> list[Mount]:
    """Short-syntax volumes: ``source:target[:ro]``."""
    found = []
    for spec in service.get("volumes", []):
        assert isinstance(spec, str), f"use the short volume syntax: {spec}"
        parts = spec.split(":")
        assert len(parts) in (2, 3), f"volume {spec!r}: expected source:target[:ro]"
        found.append(Mount(parts[0], parts[1], len(parts) == 3 and parts[2] == "ro"))
    return found


def ports(service: dict[str, Any]) -> list[Port]:
    """Short-syntax ports: ``[ip:]host:container``."""
    found = []
    for spec in service.get("ports", []):
        parts = str(spec).split(":")
        assert len(parts) in (2, 3), f"port {spec!r}: publish as [ip:]host:container"
        ip = parts[0] if len(parts) == 3 else None
        found.append(Port(ip, int(parts[-2]), int(parts[-1])))
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict), "use the mapping form of environment"
    return {str(k): str(v) for k, v in env.items()}


INTERPOLATION = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def interpolate(value: str) -> str:
    """Compose's ${VAR:?message} with a stand-in value, ${VAR:-default} with its default."""
    return INTERPOLATION.sub(lambda m: m[3] if m[2] == "-" else "secret", value)
