"""Lower-cased copies of a text with the same offsets, for faster case-insensitive regexes.

Python's regex engine matches case-insensitive patterns much more slowly than
case-sensitive ones. A pattern written in lower case with ``re.IGNORECASE``
finds exactly the same spans on ``text`` as its case-sensitive twin
(:func:`case_sensitive`) on ``lowered(text)``: lower-casing keeps every
character's class (word, space, digit), and the only non-ASCII characters the
engine takes for an ASCII letter (İ, ı, ſ and the Kelvin sign) are folded to
that letter. tests/unit/classify/test_lowercase.py checks both claims over
every code point. Groups must still be read from the original text. Pure: no I/O.
"""

from __future__ import annotations

import re

__all__ = ["ASCII_LOOKALIKES", "case_sensitive", "lowered"]

_LOOKALIKES = "\u0130\u0131\u017f\u212a"  # İ ı ſ K (Kelvin)
ASCII_LOOKALIKES = str.maketrans(dict(zip(_LOOKALIKES, "iisk", strict=True)))


def lowered(text: str) -> str | None:
    """``text`` lower-cased with the same offsets, look-alikes folded; None if offsets
    would move (no character does that today, but the caller must not rely on it)."""
    if not text.isascii() and any(c in text for c in _LOOKALIKES):
        text = text.translate(ASCII_LOOKALIKES)  # slow: a dict look-up per character
    folded = text.lower()
    return folded if len(folded) == len(text) else None


def case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The twin of a lower-case ``re.IGNORECASE`` pattern, to run on :func:`lowered` text."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
