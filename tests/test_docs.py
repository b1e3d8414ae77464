"""The README stays true: its set-up commands and every CLI command it shows exist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands_and_makefile_has_them() -> None:
    start = README.index("make demo")
    assert start < README.index("## How it fits together")
    assert "make test" in README[start : start + 200]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_in_the_readme_exists() -> None:
    blocks = "\n".join(re.findall(r"```bash\n(.*?)```", README, re.S))
    commands = set(re.findall(r"^policywatch ([a-z]+(?: [a-z]+)?)", blocks, re.M))
    assert {"up", "ingest", "sql", "config show", "schemas export"} <= commands
    for command in sorted(commands):
        words = command.split()
        result = subprocess.run(
            [sys.executable, "-m", "ops.cli", *words, "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, (command, result.stderr)


def test_the_readme_sources_example_is_a_valid_sources_file(tmp_path: Path) -> None:
    from producers.sources import load_sources

    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "sources:" in b]
    path = tmp_path / "sources.yaml"
    path.write_text(block, encoding="utf-8")
    loaded = load_sources(path)
    assert [s.id for s in loaded.sources] == ["mofa-press", "example-news"]


def test_every_cli_command_in_the_docs_exists() -> None:
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
    running = [
        (
            words,
            subprocess.Popen(
                [sys.executable, "-m", "ops.cli", *words, "--help"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for words in sorted(commands)
    ]
    failures = []
    for words, proc in running:
        _out, err = proc.communicate(timeout=120)
        if proc.returncode != 0 and "No such command" in err:
            failures.append(" ".join(words))
    assert not failures, f"docs show commands that do not exist: {failures}"
