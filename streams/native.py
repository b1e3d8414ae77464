"""Compiled modules only while they match their sources.

The classifier's modules may be compiled to C extension modules (mypyc,
``make setup`` builds them; ``python -m ops.native_build``). An extension module
shadows its ``.py`` on import, so one built from older source would silently run
old rules after an edit. The build records a digest of each source it compiled;
on import of the package, :func:`use_compiled_if_fresh` compares them and, if any
source changed (or ``POLICYWATCH_NATIVE=0``), loads every module of the package
from its source instead. All or none: compiled modules call each other directly,
so a mix would run a stale copy of the one that changed.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = ["MANIFEST", "NativeState", "source_digest", "state_of", "use_compiled_if_fresh"]

log = logging.getLogger(__name__)

MANIFEST = "native-build.json"  # written beside the sources by the build
_OFF = frozenset({"0", "false", "no", "off"})
_states: dict[str, NativeState] = {}


@dataclass(frozen=True, slots=True)
class NativeState:
    """How a package's modules load: ``compiled``, ``source`` (none built) or
    ``source (…)`` with the reason compiled modules were passed over."""

    package: str
    mode: str
    modules: tuple[str, ...] = ()

    @property
    def compiled(self) -> bool:
        return self.mode == "compiled"


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _extension_modules(directory: Path) -> list[str]:
    names: set[str] = set()
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        names.update(p.name[: -len(suffix)] for p in directory.glob(f"*{suffix}"))
    return sorted(n for n in names if (directory / f"{n}.py").is_file())


def _stale(directory: Path, modules: Sequence[str]) -> str | None:
    """Why the compiled modules cannot be used, or None."""
    try:
        record = json.loads((directory / MANIFEST).read_text("utf-8"))
        recorded = record["sources"]
        runtime = record.get("runtime")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return "no build record"
    if runtime and importlib.util.find_spec(str(runtime)) is None:
        return f"their shared library {runtime} is not installed in this environment"
    for name in modules:
        if recorded.get(name) != source_digest(directory / f"{name}.py"):
            return f"{name}.py changed since it was compiled"
    return None


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds the named modules as source files, ahead of the extension modules."""

    def __init__(self, package: str, directory: Path, modules: Sequence[str]) -> None:
        self._paths = {f"{package}.{m}": directory / f"{m}.py" for m in modules}

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        source = self._paths.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def use_compiled_if_fresh(package: str, directory: Path) -> NativeState:
    """Call from the package's ``__init__``: keeps its compiled modules if every one
    matches its source, else loads them all from source (with a warning)."""
    modules = _extension_modules(directory)
    if not modules:
        state = NativeState(package, "source")
    else:
        why = None
        if os.environ.get("POLICYWATCH_NATIVE", "").strip().lower() in _OFF:
            why = "POLICYWATCH_NATIVE=0"
        else:
            why = _stale(directory, modules)
            if why is not None:
                log.warning(
                    "compiled %s modules are out of date (%s): running them from source, "
                    "slower; `make setup` rebuilds them",
                    package,
                    why,
                )
        if why is None:
            state = NativeState(package, "compiled", tuple(modules))
        else:
            sys.meta_path.insert(0, _FromSource(package, directory, modules))
            state = NativeState(package, f"source ({why})", tuple(modules))
    _states[package] = state
    return state


def state_of(package: str) -> NativeState:
    """How ``package`` was loaded (import it first)."""
    return _states.get(package, NativeState(package, "source"))
