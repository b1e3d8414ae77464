"""Pickling of the classifier's frozen value objects, compiled or not.

Python's dataclasses give a frozen, slotted class its own ``__setstate__``; compiled
by mypyc (streams.native) the class loses it, and unpickling fails on the frozen
``__setattr__``. Rebuilding by the constructor works in both forms: what a process
pool needs to hand documents and results between processes.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def by_fields(value: Any) -> tuple[Any, tuple[Any, ...]]:
    """``__reduce__`` of a dataclass whose fields are all constructor arguments."""
    return type(value), tuple(getattr(value, f.name) for f in dataclasses.fields(value))
