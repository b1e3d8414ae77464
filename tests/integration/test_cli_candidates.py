"""`policywatch taxonomy candidates` on a real chDB warehouse holding sample candidates."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from ops.cli_taxonomy import check_files, register
from ops.roles import MIGRATIONS_DIR
from ops.settings import Settings, load_settings
from schemas.codec import encode
from schemas.errors import ConfigError
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.migrate import migrate
from tests.discovery_events import DIALOGUE, DIALOGUE_NAME, discovery_events

JAPANESE_NAME = "日印半導体サプライチェーン対話"


@pytest.fixture(scope="module")
def settings(chdb_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings pointing at a database with the sample events (chDB of this process)."""
    name = "cand_" + uuid.uuid4().hex[:10]
    warehouse = ChdbWarehouse(chdb_dir, database=name)
    migrate(warehouse, MIGRATIONS_DIR)
    rows = TableRows()
    for event in discovery_events():
        rows.add_record(encode(event))
    for table, table_rows in rows.tables.items():
        warehouse.insert_rows(table, table_rows)
    yield load_settings(
        data_dir=tmp_path_factory.mktemp("var"),
        warehouse={"url": f"chdb://{chdb_dir}", "database": name},
    )
    warehouse.command(f"DROP DATABASE IF EXISTS {name}")


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = settings

    register(app)
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_candidates_are_listed_with_their_variants_and_evidence(settings: Settings) -> None:
    code, out, _ = run(settings, "taxonomy", "candidates", "--format", "json")
    assert code == 0
    [row] = [json.loads(line) for line in out.splitlines()]
    assert (row["key"], row["name"]) == (DIALOGUE, DIALOGUE_NAME)
    assert JAPANESE_NAME in row["variants"] and row["documents"] == 5 and row["sources"] == 4
    assert row["parties"] == ["IN", "JP"] and row["evidence"]
    code, out, _ = run(settings, "taxonomy", "candidates", "--format", "csv")
    [header, *lines] = list(csv.reader(io.StringIO(out)))
    assert header[:3] == ["key", "name", "variants"] and lines[0][0] == DIALOGUE
    code, out, _ = run(settings, "taxonomy", "candidates")
    assert code == 0 and "Semiconductor" in out
    code, out, _ = run(settings, "taxonomy", "candidates", "--min-documents", "6")
    assert code == 0 and DIALOGUE not in out
    code, out, _ = run(settings, "taxonomy", "candidates", "--since", "2026-03-03")
    assert code == 0 and DIALOGUE not in out


def test_promote_writes_an_entry_that_the_taxonomy_check_accepts(
    settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "proposed.yaml"
    code, _, err = run(settings, "taxonomy", "candidates", "--promote", DIALOGUE, "--out", str(out))
    assert code == 0 and "taxonomy check" in err
    [report] = check_files([out])
    assert not report.errors and report.merged is not None
    [entry] = yaml.safe_load(out.read_text(encoding="utf-8"))["initiatives"]
    assert entry["id"] == "in-jp.semiconductor-supply-chain-dialogue"
    assert (entry["name"], entry["status"], entry["parties"]) == (
        DIALOGUE_NAME,
        "proposed",
        ["IN", "JP"],
    )
    assert entry["aliases"]["ja"] == [JAPANESE_NAME]
    assert entry["aliases"]["en"][0] == DIALOGUE_NAME
    assert "Japan-India Semiconductor Supply Chain Dialogue" in entry["aliases"]["en"]
    assert "first seen 2026-03-02" in entry["description"]
    merged = {i.id: i for i in report.merged.initiatives}
    assert merged[entry["id"]].status == "proposed"
    code, checked, _ = run(settings, "taxonomy", "check", str(out))
    assert code == 0 and "valid" in checked

    code, printed, _ = run(
        settings, "taxonomy", "candidates", "--promote", DIALOGUE, "--id", "in-jp.chips"
    )
    assert code == 0 and "id: in-jp.chips" in printed


def test_promote_errors_say_what_to_do(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no initiative candidate .*closest: cand:india japan"):
        run(settings, "taxonomy", "candidates", "--promote", "cand:india japan chip dialogue")
    with pytest.raises(ConfigError, match="already"):
        run(settings, "taxonomy", "candidates", "--promote", DIALOGUE, "--id", "quad")
    with pytest.raises(ConfigError, match="ids are lower case"):
        run(settings, "taxonomy", "candidates", "--promote", DIALOGUE, "--id", "Chips Dialogue")
    taken = tmp_path / "taken.yaml"
    taken.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="exists"):
        run(settings, "taxonomy", "candidates", "--promote", DIALOGUE, "--out", str(taken))
    code, _, err = run(settings, "taxonomy", "candidates", "--id", "x")
    assert code == 2 and "--promote" in err
