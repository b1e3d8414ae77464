"""Results on stdout keep their full width when piped, and show data as data."""

from __future__ import annotations

import pytest

from ops.output import OutputFormat, print_rows


def test_a_piped_table_is_not_cut_at_eighty_columns(capsys: pytest.CaptureFixture[str]) -> None:
    error = "Code: 60. DB::Exception: Unknown table expression identifier " + "x" * 150
    rows = [{"stage": "classify", "reason": "invalid_event", "latest_error": error}]
    print_rows(rows, title="Dead letters")
    out, err = capsys.readouterr()
    assert err == ""
    [line] = [line for line in out.splitlines() if "classify" in line]
    assert error in line and len(line) > 200


def test_cell_values_are_shown_verbatim_not_read_as_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_rows([{"labels": "['quad', 'ipmda']", "note": "[/] [bold]x[/bold]"}])
    out = capsys.readouterr().out
    assert "['quad', 'ipmda']" in out and "[/] [bold]x[/bold]" in out


def test_json_and_csv_rows(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"a": 1, "b": "x,y"}]
    print_rows(rows, fmt=OutputFormat.json)
    print_rows(rows, fmt=OutputFormat.csv)
    assert capsys.readouterr().out == '{"a": 1, "b": "x,y"}\na,b\r\n1,"x,y"\r\n'
