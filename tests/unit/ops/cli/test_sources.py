"""`policywatch sources check` and `policywatch fetch --dry-run --once` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from ops.cli.sources import register
from ops.settings import load_settings
from schemas.codec import decode
from schemas.documents import DocumentObserved
from schemas.errors import ConfigError
from tests.conftest import REPO
from tests.fixtures.web.server import FixtureServer


def cli(data_dir: Path) -> typer.Typer:
    """The main app's shape: settings in ctx.obj, then the commands `register` adds."""
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = load_settings(
            data_dir=data_dir, fetch={"host_rate_per_s": 0, "retries": 0, "read_timeout_s": 2}
        )

    register(app)
    return app


def sources_file(tmp_path: Path, web: FixtureServer) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""sources:
  - id: enn
    kind: news
    feed: {web.url("/news/atom.xml")}
  - id: mofa
    kind: official_statement
    country: JP
    listing:
      url: {web.url("/mofa/press/index.html")}
      link_selector: "td.title a"
  - id: broken
    kind: news
    feed: {web.url("/broken/xxe.xml")}
""",
        encoding="utf-8",
    )
    return path


def test_sources_check_lists_a_valid_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli(tmp_path), ["sources", "check", str(REPO / "ops" / "sources.example.yaml")]
    )
    assert result.exit_code == 0, result.output
    assert "4 sources, valid" in result.output and "mea-press" in result.output


def test_sources_check_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - id: x\n    kind: news\n", encoding="utf-8")
    result = CliRunner().invoke(cli(tmp_path), ["sources", "check", str(bad)])
    assert isinstance(result.exception, ConfigError)  # main() prints it and exits 1
    assert f"{bad}:2: sources[0] (x): give exactly one of 'feed'" in str(result.exception)


def test_dry_run_prints_events_and_touches_no_checkpoint(
    tmp_path: Path, web: FixtureServer
) -> None:
    path = sources_file(tmp_path, web)
    args = ["fetch", "--sources", str(path), "--once", "--dry-run"]
    result = CliRunner().invoke(cli(tmp_path / "var"), args)
    assert result.exit_code == 1, result.output  # one source is broken: that is reported
    events = [
        decode(line, DocumentObserved)
        for line in result.stdout.splitlines()
        if line.startswith("{")
    ]
    assert {e.source.id for e in events} == {"enn", "mofa"} and len(events) == 3
    assert {e.document_type for e in events if e.source.id == "mofa"} == {"speech", "statement"}
    assert "xml_entities_forbidden" in result.stderr and "broken" in result.stderr
    assert not (tmp_path / "var" / "checkpoints").exists()
    only = CliRunner().invoke(cli(tmp_path / "var"), [*args, "--source", "enn"])
    assert only.exit_code == 0
    [line] = [x for x in only.stdout.splitlines() if x.startswith("{")]
    assert orjson.loads(line)["source"]["id"] == "enn"


def test_fetch_without_a_sources_file_says_how_to_give_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli(tmp_path), ["fetch", "--once", "--dry-run"])
    assert isinstance(result.exception, ConfigError)
    assert "POLICYWATCH_FETCH__SOURCES" in str(result.exception)


@pytest.mark.parametrize("command", ["fetch", "intake", "producers", "sources"])
def test_help_of_every_command(tmp_path: Path, command: str) -> None:
    assert CliRunner().invoke(cli(tmp_path), [command, "--help"]).exit_code == 0
