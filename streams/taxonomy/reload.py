"""Taxonomy hot reload: a changed file takes effect without a restart; a broken one never does.

The worker polls the user's taxonomy files. When one changes, the whole set is
loaded and validated again; a valid set replaces the classifier (its version
changes, so new classifications are distinguishable), an invalid one is reported
and the last good taxonomy stays in use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from schemas.errors import PolicywatchError
from streams.taxonomy.model import Taxonomy

log = logging.getLogger(__name__)

Stamp = tuple[tuple[str, float, int], ...]


def _stamp(paths: tuple[Path, ...]) -> Stamp:
    out = []
    for path in paths:
        try:
            stat = path.stat()
            out.append((str(path), stat.st_mtime, stat.st_size))
        except OSError:
            out.append((str(path), -1.0, -1))
    return tuple(out)


class TaxonomyWatcher:
    """Reloads ``paths`` when their modification time or size changes."""

    def __init__(self, paths: tuple[Path, ...], load: Callable[..., Taxonomy]) -> None:
        self.paths = paths
        self._load = load
        self._stamp = _stamp(paths)
        self.last_error: str | None = None

    def poll(self) -> Taxonomy | None:
        """A newly loaded taxonomy when the files changed and are valid, else None."""
        if not self.paths:
            return None
        stamp = _stamp(self.paths)
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        try:
            taxonomy = self._load(*self.paths)
        except (PolicywatchError, OSError) as exc:
            self.last_error = str(exc)
            log.error("taxonomy not reloaded, keeping the last good one: %s", exc)
            return None
        self.last_error = None
        return taxonomy
