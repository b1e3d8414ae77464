"""The README stays true: its set-up commands and every CLI command it shows exist.

Commands are checked in this process with typer's CliRunner against the real
application (``ops.cli.main.app``): one ``--help`` each, without a Python start-up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ops.cli.main import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture()
def help_of(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner of the real CLI; the logging it configures is put back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    monkeypatch.setenv("COLUMNS", "200")
    yield CliRunner()
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def run_help(runner: CliRunner, words: tuple[str, ...] | list[str]) -> tuple[int, str]:
    result = runner.invoke(app, [*words, "--help"])
    return result.exit_code, result.output


def test_readme_starts_with_the_two_commands_and_makefile_has_them() -> None:
    start = README.index("make demo")
    assert start < README.index("## How it fits together")
    assert "make test" in README[start : start + 200]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_in_the_readme_exists(help_of: CliRunner) -> None:
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", README, re.S))
    commands = set(re.findall(r"^policywatch ([a-z]+(?: [a-z]+)?)", blocks, re.M))
    assert {"up", "ingest", "sql", "config show", "schemas export"} <= commands
    for command in sorted(commands):
        code, output = run_help(help_of, command.split())
        assert code == 0, (command, output)


def test_the_readme_sources_example_is_a_valid_sources_file(tmp_path: Path) -> None:
    from producers.sources import load_sources

    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "sources:" in b]
    path = tmp_path / "sources.yaml"
    path.write_text(block, encoding="utf-8")
    loaded = load_sources(path)
    assert [s.id for s in loaded.sources] == ["mofa-press", "example-news"]


def test_every_cli_command_in_the_docs_exists(help_of: CliRunner) -> None:
    """Commands shown in docs/*.md (``policywatch <command> [<subcommand>]``) are real."""
    commands: set[tuple[str, ...]] = set()
    for doc in sorted((REPO / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for block in re.findall(r"```(?:bash|sh)\n(.*?)```", text, re.S):
            for line in block.splitlines():
                found = re.search(
                    r"(?:^|\s|\$\(|exec \w+ |run --rm [^p]*)policywatch ([a-z-]+)((?: [a-z-]+)?)",
                    line,
                )
                if found:
                    words = (found[1], *found[2].split())
                    commands.add(words)
    assert {("subscriptions", "add"), ("tokens", "create"), ("taxonomy", "check")} <= commands
    failures = []
    for words in sorted(commands):
        code, output = run_help(help_of, words)
        if code != 0 and "No such command" in output:
            failures.append(" ".join(words))
    assert not failures, f"docs show commands that do not exist: {failures}"
