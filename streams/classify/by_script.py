"""Aho-Corasick automata that let a text without CJK keys scan a root with few children.

pyahocorasick finds a node's child by a linear search over its children. The root of an
automaton with many CJK keys has a child per distinct first character (about 200 for the
default taxonomy's aliases), and that whole search is made at every character of a text
that starts no key. Latin keys start with their space pad (or a digit), so an automaton
of those alone has a root of one child or a few. A text holding none of the CJK keys'
first characters is scanned with that one: it finds the same matches, as a key cannot
match a text that lacks its first character. Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Any

import ahocorasick

from streams.classify.normalise import is_cjk

__all__ = ["ScriptAutomata"]


class ScriptAutomata:
    """An automaton of every key, and one of the keys that do not start with a CJK
    character: :meth:`for_text` picks the one to scan a text with."""

    def __init__(self) -> None:
        self._whole: Any = ahocorasick.Automaton()
        self._latin: Any = ahocorasick.Automaton()
        self._firsts: set[str] = set()
        self._starts: re.Pattern[str] | None = None  # where a CJK key can start

    def __len__(self) -> int:
        return len(self._whole)

    def __contains__(self, key: str) -> bool:
        return key in self._whole

    def add_word(self, key: str, value: object) -> None:
        self._whole.add_word(key, value)
        if is_cjk(key[0]):
            self._firsts.add(key[0])
        else:
            self._latin.add_word(key, value)

    def make_automaton(self) -> None:
        """Build both (after the last :meth:`add_word`)."""
        if not len(self._whole):
            return
        self._whole.make_automaton()
        if not self._firsts or not len(self._latin):
            self._latin = self._whole  # one script only: nothing to leave out
            return
        self._latin.make_automaton()
        self._starts = re.compile(f"[{re.escape(''.join(sorted(self._firsts)))}]")

    def for_text(self, text: str) -> Any:
        """The automaton to scan ``text``, or any part of it, with: the one without CJK
        keys when no CJK key can start in it."""
        starts = self._starts
        if starts is None or text.isascii() or starts.search(text) is None:
            return self._latin
        return self._whole
