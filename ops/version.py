"""The installed policywatch version (events carry it as producer.version)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def policywatch_version() -> str:
    try:
        return version("policywatch")
    except PackageNotFoundError:
        return "0+unknown"
