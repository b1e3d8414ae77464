"""Which files `ingest DIR` reads: never the data directory, hidden folders or hidden files."""

from __future__ import annotations

from pathlib import Path

from ops.data_dir import data_directory_skipper
from producers.files import expand_paths, select_files


def touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Quad ministers met.", encoding="utf-8")


def test_a_project_root_yields_its_documents_and_says_what_it_skipped(tmp_path: Path) -> None:
    touch(
        tmp_path,
        "notes.txt",
        "articles/a.jsonl",
        "articles/b.html",
        "articles/.draft.txt",
        ".git/objects/x.txt",
        ".venv/lib/site.txt",
        "var/warehouse/store/data.jsonl",
        "var/logs/sink.log",
        "var/spool/0001.jsonl",
        "old-run/warehouse/x.csv",
        "old-run/logs/worker.txt",
        "image.png",
    )
    (tmp_path / "linked").symlink_to(tmp_path / "articles")
    selection = select_files([tmp_path], skip_dir=data_directory_skipper(tmp_path / "var"))
    assert [p.relative_to(tmp_path).as_posix() for p in selection.files] == [
        "articles/a.jsonl",
        "articles/b.html",
        "notes.txt",
    ]
    skipped = {p.relative_to(tmp_path).as_posix(): why for p, why in selection.skipped}
    assert skipped.keys() == {".git", ".venv", "var", "old-run", "linked", "articles/.draft.txt"}
    assert skipped["var"].startswith("the data directory")
    assert skipped["old-run"].startswith("a policywatch data directory")
    assert skipped[".git"] == "hidden folder" and skipped["articles/.draft.txt"] == "hidden file"


def test_what_is_named_explicitly_is_read_but_never_the_data_directory(tmp_path: Path) -> None:
    touch(tmp_path, ".hidden/a.txt", "var/logs/x.txt", "var/warehouse/y.txt")
    skip = data_directory_skipper(tmp_path / "var")
    named = select_files([tmp_path / ".hidden", tmp_path / ".hidden" / "a.txt"], skip_dir=skip)
    assert [p.name for p in named.files] == ["a.txt", "a.txt"] and not named.skipped
    data = select_files([tmp_path / "var"], skip_dir=skip)
    [(_path, why)] = data.skipped
    assert data.files == () and why.startswith("the data directory")


def test_without_a_data_directory_hidden_entries_are_still_left_out(tmp_path: Path) -> None:
    touch(tmp_path, "a.txt", ".cache/b.txt", "sub/.c.txt", "sub/d.jsonl")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.txt", "d.jsonl"]
