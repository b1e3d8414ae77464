"""A durable spool of accepted documents, kept until the warehouse holds them.

The embedded broker keeps topics in memory, so a document acknowledged by
``ingest`` would be lost if the whole stack died before the warehouse stored
it. Each accepted batch is first written to a segment file (fsync'd, then
renamed into place); the stack re-publishes on start what the warehouse does
not hold yet, and deletes segments once every document in them is stored.
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
_COUNTER = itertools.count()


@dataclass(frozen=True)
class SpooledRecord:
    key: bytes
    value: bytes


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """Segment files of length-prefixed (key, value) records under one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    def append(self, records: list[SpooledRecord]) -> Path | None:
        """Write one segment durably; returns its path (None for no records)."""
        if not records:
            return None
        name = f"seg-{time.time_ns():020d}-{os.getpid()}-{next(_COUNTER):06d}"
        tmp = self.directory / f".{name}.tmp"
        with open(tmp, "wb") as handle:
            for record in records:
                handle.write(len(record.key).to_bytes(4, "big") + record.key)
                handle.write(len(record.value).to_bytes(4, "big") + record.value)
            handle.flush()
            os.fsync(handle.fileno())
        final = self.directory / f"{name}.seg"
        os.replace(tmp, final)
        _fsync_dir(self.directory)
        return final

    def segments(self) -> list[Path]:
        return sorted(self.directory.glob("seg-*.seg"))

    @staticmethod
    def read(segment: Path) -> Iterator[SpooledRecord]:
        """Records of a segment; a damaged file is reported and read up to the damage."""
        data = segment.read_bytes()
        pos = 0
        while pos < len(data):
            fields = []
            for _ in range(2):
                size = int.from_bytes(data[pos : pos + 4], "big")
                chunk = data[pos + 4 : pos + 4 + size]
                if pos + 4 > len(data) or len(chunk) != size:
                    log.error(
                        "spool segment %s is damaged at byte %d; the rest is skipped", segment, pos
                    )
                    return
                fields.append(chunk)
                pos += 4 + size
            yield SpooledRecord(fields[0], fields[1])

    def remove(self, segment: Path) -> None:
        segment.unlink(missing_ok=True)
