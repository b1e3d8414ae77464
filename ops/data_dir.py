"""What a data directory looks like, so commands that walk the user's folders leave it alone.

The data directory holds the embedded warehouse, logs, the spool and run.json: none
of it is a document, and ingesting it would publish junk (`ingest .` in a project
root would walk into ./var). Pure apart from looking at the file system.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def is_data_directory(path: Path) -> bool:
    """A policywatch data directory, this stack's or another's: run.json, or warehouse and logs."""
    return (path / "run.json").is_file() or (
        (path / "warehouse").is_dir() and (path / "logs").is_dir()
    )


def data_directory_skipper(data_dir: Path) -> Callable[[Path], str | None]:
    """Why a folder is to be skipped (the data directory), or None to read it."""
    own = data_dir.resolve()

    def reason(path: Path) -> str | None:
        if path.resolve() == own:
            return "the data directory (warehouse, logs, spool), not documents"
        if is_data_directory(path):
            return "a policywatch data directory (warehouse, logs), not documents"
        return None

    return reason
