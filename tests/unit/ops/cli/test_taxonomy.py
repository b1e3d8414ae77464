"""`policywatch taxonomy check|show` and `policywatch classify` on real files."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ops.cli.taxonomy import register
from ops.settings import load_settings
from schemas.errors import ConfigError, TaxonomyError
from streams.taxonomy.load import load_taxonomy
from tests.conftest import REPO


def cli(data_dir: Path) -> typer.Typer:
    """The main app's shape: settings in ctx.obj, then the commands `register` adds."""
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = load_settings(data_dir=data_dir)

    register(app)
    return app


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli(tmp_path / "var"), list(args), input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def line_of(text: str, marker: str) -> int:
    """1-based line of the only line containing ``marker``."""
    [number] = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    return number


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


STRUCTURE_ERRORS = """\
version: "user-1"
initiatives:
  - id: in-jp.hydrogen-partnership
    name: India-Japan Hydrogen Partnership
    colour: green
    aliases:
      en: ["India-Japan Hydrogen Partnership"]
  - id: In-Jp Green Shipping
    name: Green shipping corridor
    status: dormant
actors:
  - id: jp.example-minister
    kind: person
    roles:
      - title: Minister for Foreign Affairs
        office: jp.foreign-minister
        from: 2026-05-01
        to: 2026-02-01
      - title: Envoy
        from: 1 April 2026
"""

REFERENCE_ERRORS = """\
version: "user-2"
initiatives:
  - id: in-jp.hydrogen-partnership
    name: India-Japan Hydrogen Partnership
    parent: in-jp.no-such-partnership
    parties: [IN, JP, ZZ]
    aliases:
      en: ["India-Japan Hydrogen Partnership"]
  - id: in-jp.ammonia-corridor
    name: India-Japan Ammonia Corridor
  - id: in-jp.ammonia-corridor
    name: the same id again
actors:
  - id: in.example-envoy
    name: Example Envoy
    country: IN
    roles:
      - title: Special Envoy
        office: in.special-envoy
"""


def test_check_reports_each_structural_error_on_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "user.yaml", STRUCTURE_ERRORS)
    code, out, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 1, out + err
    text = STRUCTURE_ERRORS
    expected = {
        line_of(text, "colour: green"): "unknown field 'colour'",
        line_of(text, "id: In-Jp Green"): "ids are lower case",
        line_of(text, "status: dormant"): "'proposed', 'active', 'concluded' or 'suspended'",
        line_of(text, "id: jp.example-minister"): "name: Field required",
        line_of(text, "- title: Minister for"): "ends (2026-02-01) before it starts",
        line_of(text, "from: 1 April 2026"): "YYYY-MM-DD",
    }
    for line, message in expected.items():
        found = [row for row in err.splitlines() if row.startswith(f"error {path}:{line}: ")]
        assert found and message in found[0], (line, message, err)
    assert "worker would keep its last good taxonomy" in err


def test_check_reports_references_and_duplicates_on_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "user.yaml", REFERENCE_ERRORS)
    code, _, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 1
    text = REFERENCE_ERRORS
    assert f"{path}:{line_of(text, 'parent: in-jp.no')}: initiatives[0]" in err
    assert "parent 'in-jp.no-such-partnership' is not an initiative" in err
    assert f"{path}:{line_of(text, 'parties: [IN, JP, ZZ]')}: " in err
    assert "party 'ZZ' is not a country code" in err
    assert (
        f"{path}:{line_of(text, 'office: in.special-envoy')}: actors[0] (in.example-envoy)" in err
    )
    second = [n for n, row in enumerate(text.splitlines(), 1) if "id: in-jp.ammonia" in row][1]
    assert f"{path}:{second}: initiatives[2]" in err and "defined twice" in err


IMPOSSIBLE_DATES = """\
actors:
  - id: jp.example-envoy
    name: Example Envoy
    roles:
      - title: Special Envoy
        from: 2025-13-01
        to: 2025-02-30
"""


def test_impossible_dates_are_errors_on_their_lines_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "dates.yaml", IMPOSSIBLE_DATES)
    code, out, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 1, out + err
    month = line_of(IMPOSSIBLE_DATES, "from: 2025-13-01")
    day = line_of(IMPOSSIBLE_DATES, "to: 2025-02-30")
    assert f"error {path}:{month}: actors[0] (jp.example-envoy).roles[0].from: 2025-13-01" in err
    assert f"error {path}:{day}: actors[0] (jp.example-envoy).roles[0].to: 2025-02-30" in err
    assert err.count("is not a day of the calendar") == 2 and "fix the month" in err
    with pytest.raises(TaxonomyError, match=r"dates\.yaml:\d+: actors\.0\.roles\.0\.from"):
        load_taxonomy(path)  # what the worker and its hot reload run: the same refusal


def test_check_reports_yaml_syntax_and_repeated_keys(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.yaml", 'version: "x"\ninitiatives:\n  - id: a\n   name: b\n')
    code, _, err = run(tmp_path, "taxonomy", "check", str(broken))
    assert code == 1 and f"{broken}:4: not valid YAML" in err
    repeated = write(
        tmp_path,
        "repeated.yaml",
        "initiatives:\n  - id: in-jp.x\n    name: X\n    name: Y\n",
    )
    code, _, err = run(tmp_path, "taxonomy", "check", str(repeated))
    assert code == 1 and f"{repeated}:4: name: key 'name' repeats line 3" in err


def test_a_valid_extension_prints_the_summary_and_its_warnings(tmp_path: Path) -> None:
    text = """\
version: "user-3"
initiatives:
  - id: in-jp.hydrogen-partnership
    name: India-Japan Hydrogen Partnership
    parties: [IN, JP]
    parent: in-jp.special-strategic-global-partnership
    aliases:
      en: ["India-Japan Hydrogen Partnership", "Japan-India Hydrogen Partnership"]
      ja: ["日印水素パートナーシップ"]
  - id: quad
    name: Quad
    parties: [AU, IN, JP, US]
    aliases:
      en: ["Quadrilateral Security Dialogue"]
actors:
  - id: jp.next-foreign-minister
    name: Hanako Example
    country: JP
    aliases:
      en: ["Hanako Example"]
    roles:
      - title: Minister for Foreign Affairs
        office: jp.foreign-minister
        from: 2026-09-01
"""
    path = write(tmp_path, "user.yaml", text)
    code, out, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 0, err
    assert "adds 1 initiatives, 1 actors; replaces 1 initiatives" in out
    default_count = len(load_taxonomy().initiatives)
    assert f"{default_count + 1} initiatives" in out and "version 2026.11+user-3" in out
    assert f"warning {path}:{line_of(text, 'id: quad')}: initiatives[1] (quad): replaces" in err
    assert (
        f"{path}:{line_of(text, '- title: Minister')}: actors[0]" in err
        and "two holders from 2026-09-01" in err
    )
    code, _, _ = run(tmp_path, "taxonomy", "check", "--strict", str(path))
    assert code == 1


SHARED_PARTIAL_NAME = """\
version: "user-4"
initiatives:
  - id: in-jp.example-pact
    name: India-Japan Example Pact
    parties: [IN, JP]
    ambiguous_aliases: {en: ["the example pact"]}
    context: {requires_parties: true, window: 400}
  - id: in-us.example-pact
    name: India-US Example Pact
    parties: [IN, US]
    ambiguous_aliases: {en: ["the example pact"]}
    context: {requires_parties: true, window: 400}
  - id: in-jp.example-accord
    name: India-Japan Example Accord
    parties: [IN, JP]
    ambiguous_aliases: {en: ["the example accord"]}
    context: {requires_parties: true, window: 400}
  - id: in-jp.example-accord-2
    name: India-Japan Example Accord (second)
    parties: [IN, JP]
    ambiguous_aliases: {en: ["the example accord"]}
    context: {requires_parties: true, window: 400}
"""


def test_a_partial_name_the_parties_decide_is_no_shared_alias(tmp_path: Path) -> None:
    """The 2+2 of each pair: the parties named near it decide, so no document gets both
    labels. Two owners with the same parties would: that is still a warning."""
    path = write(tmp_path, "shared.yaml", SHARED_PARTIAL_NAME)
    code, _, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 0, err
    assert "'the example pact' is also an alias" not in err
    assert "'the example accord' is also an alias of in-jp.example-accord-2" in err


def test_show_prints_an_actor_with_its_roles(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "taxonomy", "show", "--actor", "jp.toshimitsu-motegi")
    assert code == 0 and "jp.foreign-minister" in out and "2025-10-21" in out
    try:
        run(tmp_path, "taxonomy", "show", "--actor", "motegi")
    except ConfigError as exc:
        assert "did you mean jp.toshimitsu-motegi" in str(exc)
    else:
        raise AssertionError("an unknown actor must be an error")


ARTICLE = """\
Foreign ministers review India-Japan AI Dialogue
Tokyo, 14 January 2026

Japan's Foreign Minister met External Affairs Minister S. Jaishankar in Tokyo on Wednesday.
The two sides said the next round of the India-Japan AI Dialogue will be held in early 2026.
Separately, a quad bike rally was held in the hills.
"""


def test_classify_resolves_offices_by_date_with_evidence(tmp_path: Path) -> None:
    path = write(tmp_path, "article.txt", ARTICLE)
    for on_date, minister in (
        ("2026-01-14", "jp.toshimitsu-motegi"),
        ("2025-03-01", "jp.takeshi-iwaya"),
    ):
        code, out, _ = run(tmp_path, "classify", str(path), "--format", "json", "--date", on_date)
        assert code == 0
        [record] = [json.loads(line) for line in out.splitlines()]
        actors = {a["id"]: a for a in record["actors"]}
        assert minister in actors and actors[minister]["role"] == "Minister for Foreign Affairs"
        assert actors[minister]["evidence"][0]["text"] == "Japan's Foreign Minister"
    body = ARTICLE.split("\n\n", 1)[1].strip()
    assert record["relevant"] is True
    [initiative] = [i for i in record["initiatives"] if i["id"] == "in-jp.ai-dialogue"]
    for span in initiative["evidence"]:
        assert body[span["start"] : span["end"]] == span["text"]
    assert "quad" not in {i["id"] for i in record["initiatives"]}
    [commitment] = record["commitments"]
    assert (
        commitment["initiative"] == "in-jp.ai-dialogue" and commitment["due_text"] == "early 2026"
    )


def test_classify_reads_stdin_json_with_a_user_taxonomy_and_explains(tmp_path: Path) -> None:
    taxonomy = write(
        tmp_path,
        "user.yaml",
        'version: "u"\ninitiatives:\n  - id: in-jp.hydrogen\n    name: Hydrogen\n'
        '    aliases: {en: ["India-Japan Hydrogen Partnership"]}\n',
    )
    record = {
        "id": "doc-1",
        "published": "2026-02-02",
        "text": "The India-Japan Hydrogen Partnership met. The Quad bikes were red.",
    }
    code, out, _ = run(
        tmp_path,
        "classify",
        "-",
        "--taxonomy",
        str(taxonomy),
        "--format",
        "json",
        "--explain",
        stdin=json.dumps(record),
    )
    assert code == 0
    [result] = [json.loads(line) for line in out.splitlines()]
    assert result["id"] == "doc-1" and result["date"] == "2026-02-02"
    assert [i["id"] for i in result["initiatives"]] == ["in-jp.hydrogen"]
    assert result["taxonomy_version"].startswith("2026.11+u@")
    [ignored] = result["ignored"]
    assert ignored["text"] == "Quad" and ignored["kind"] == "ambiguous"


def test_classify_table_and_unreadable_inputs(tmp_path: Path) -> None:
    path = write(tmp_path, "article.txt", ARTICLE)
    code, out, err = run(tmp_path, "classify", str(path), str(tmp_path / "missing.txt"))
    assert code == 1 and "missing.txt: cannot read" in err
    assert "in-jp.ai-dialogue" in out and "relevant" in out and "classifier c" in out


def test_the_docs_example_is_a_valid_extension(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "TAXONOMY.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "version:" in b]
    path = write(tmp_path, "my-taxonomy.yaml", textwrap.dedent(block))
    code, out, err = run(tmp_path, "taxonomy", "check", "--strict", str(path))
    assert code == 0, err
    assert "adds 1 initiatives, 1 actors; replaces nothing" in out


def test_a_capital_written_as_a_bare_name_is_an_error_on_its_line(tmp_path: Path) -> None:
    """`capitals` takes names per language, like `aliases`: a bare string is a user's
    mistake, told on its line, not a traceback."""
    text = "countries:\n  - code: XX\n    name: Xland\n    capitals: Xcity\n"
    path = write(tmp_path, "user.yaml", text)
    code, out, err = run(tmp_path, "taxonomy", "check", str(path))
    assert code == 1, out + err
    assert f"error {path}:4: " in err and "capitals" in err and "Traceback" not in err
