"""Keyword and phrase hits in a document's title and body. Pure: no I/O.

Subscriptions filter on keywords, but a classification does not carry the text,
so the classify stage (which has the body) looks up every subscribed keyword and
records the hits on ``DocumentClassified.keyword_hits``. Matching is
case-insensitive, after NFKC, with any whitespace between the words of a phrase;
a keyword that starts or ends with a letter or digit must not be part of a longer
word ("quad" does not hit "quadrant"), while scripts without spaces (Japanese)
match anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from schemas.classification import Snippet
from streams.alerts.snippets import snippet_around


def normalise_keyword(keyword: str) -> str:
    """The form keywords are compared in: NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", keyword).casefold().split())


def _spaced_script(char: str) -> bool:
    """Letters of scripts that separate words with spaces (Latin, Cyrillic, Devanagari...)."""
    return char.isalnum() and ord(char) < 0x2E80


def _pattern(keyword: str) -> re.Pattern[str]:
    words = keyword.split(" ")
    core = r"\s+".join(re.escape(word) for word in words)
    head = r"(?<!\w)" if _spaced_script(keyword[0]) else ""
    tail = r"(?!\w)" if _spaced_script(keyword[-1]) else ""
    return re.compile(head + core + tail, re.IGNORECASE)


@dataclass(frozen=True)
class KeywordHit:
    keyword: str
    snippet: str


class KeywordIndex:
    """The keywords of the current subscriptions, compiled once per set of keywords."""

    def __init__(self, keywords: Iterable[str]) -> None:
        normalised = {normalise_keyword(k) for k in keywords}
        self.keywords = frozenset(k for k in normalised if k)
        self._patterns = {k: (k.split(" ")[0], _pattern(k)) for k in sorted(self.keywords)}
        # one pass over the text finds which first words occur at all; only their
        # keywords are tried with the exact pattern (thousands of keywords, one scan)
        self._first_words = ahocorasick.Automaton()
        for keyword, first_word in ((k, v[0]) for k, v in self._patterns.items()):
            found = self._first_words.get(first_word, None)
            if found is None:
                self._first_words.add_word(first_word, [keyword])
            else:
                found.append(keyword)
        if self._patterns:
            self._first_words.make_automaton()

    def __len__(self) -> int:
        return len(self.keywords)

    def find(self, title: str, body: str) -> list[KeywordHit]:
        """Every keyword found, with the sentence of its first occurrence."""
        if not self._patterns:
            return []
        text = unicodedata.normalize("NFKC", f"{title}\n\n{body}")
        present: set[str] = set()
        for _end, keywords in self._first_words.iter(text.casefold()):
            present.update(keywords)
        hits = []
        for keyword in sorted(present):
            found = self._patterns[keyword][1].search(text)
            if found is not None:
                hits.append(KeywordHit(keyword, snippet_around(text, found.start(), found.end())))
        return hits

    def snippets(self, hits: list[KeywordHit]) -> tuple[Snippet, ...]:
        return tuple(Snippet(kind="keyword", about=h.keyword, text=h.snippet) for h in hits)
