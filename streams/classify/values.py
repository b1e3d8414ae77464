"""Value equality for the classifier's per-hit records.

Match, ActorMention, InitiativeMention, Anchor and DueWindow are plain classes, not
NamedTuples or dataclasses: compiled, one is built in a C call, where a NamedTuple's
``__new__`` or a dataclass's ``__init__`` runs interpreted (the scan builds one per hit).
They still compare and hash by value, as the tuples they replaced did. Pure: no I/O.
"""

from __future__ import annotations

__all__ = ["ByValue"]


class ByValue:
    """Equal (and hashed) by ``_fields()``, to records of the same class only."""

    __slots__ = ()

    def _fields(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, ByValue)
        return self._fields() == other._fields()

    def __ne__(self, other: object) -> bool:  # (mypyc derives none for a subclass)
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, ByValue)
        return self._fields() != other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())
