"""Shared by the benchmarks: the machine line and sections of docs/BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
HEADER = (
    "# Benchmarks\n\nMeasured by `make bench`; each section is rewritten by its benchmark. "
    "Baselines are measured in the same run on the same machine, so compare ratios: "
    "absolute figures move with the machine's noise (2 shared cores).\n"
)


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()}"
    )


def replace_section(title: str, body: str) -> None:
    """Replace ``## title`` (up to the next ``## ``) with ``body``; other sections stay."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else HEADER
    block = f"## {title}\n\n{body.rstrip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else (text.rstrip() + "\n\n" + block)
    )
    DOC.write_text(text.rstrip() + "\n", encoding="utf-8")


def append_row(title: str, intro: str, row: str) -> None:
    """Rewrite section ``title`` as ``intro`` plus its earlier dated rows and ``row``."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    section = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    rows = [
        line
        for line in (section.group(1) if section else "").splitlines()
        if re.match(r"^\| \d{4}-", line)
    ]
    replace_section(title, "\n".join([intro, *rows, row]))
