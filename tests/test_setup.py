"""`make setup` on a fresh machine: it says what it is doing, and the package metadata builds."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import REPO


def test_setup_announces_each_step_and_lets_pip_show_its_progress(tmp_path: Path) -> None:
    planned = subprocess.run(
        ["make", "-n", f"VENV={tmp_path / 'venv'}", "setup"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    installs = [line for line in planned if "pip install" in line and "-e " in line]
    assert installs and not any("--quiet" in line or " -q" in line for line in installs)
    install = planned.index(installs[0])
    announced = [line for line in planned[:install] if line.lstrip().startswith(("echo", "test"))]
    assert any("installing policywatch" in line for line in announced), planned


def test_the_license_is_an_spdx_expression_and_the_build_backend_reads_it() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"  # not the deprecated {text = ...} table
    [setuptools] = [
        Requirement(r) for r in project["build-system"]["requires"] if r.startswith("setuptools")
    ]
    # PEP 639 license expressions need setuptools 77; an older one rejects the string
    assert not setuptools.specifier.contains(Version("76.1.0"))
    assert setuptools.specifier.contains(Version("77.0.3"))
