"""Text normalisation for alias matching, with a map back to the original text.

Aliases and documents go through the same :func:`normalise`, so they match
consistently: NFKC, casefold, Latin accents folded ("Tô Lâm" == "To Lam"),
punctuation, symbols, quotes, dashes and control characters become a space
("Japan's" -> "japan s", "India–Japan" -> "india japan"), format characters
(soft hyphen, zero-width space, BOM) vanish, whitespace runs collapse to one
space and both ends are stripped; British spellings take the American form of the same
length ("defence" -> "defense"). CJK text is kept as is, and a space is put
where CJK meets other letters or digits ("日印AI対話" -> "日印 ai 対話"), so
Latin aliases get word boundaries inside Japanese text too.

The map is kept as linear segments rather than one integer per character:
ASCII text (most news) is translated in C and stays one segment per
whitespace collapse, which keeps normalisation far above 10 MB/s and the map
small. Invariant: for a normalised span ``[i, j)`` that starts and ends on a
non-space character, ``original[start:end]`` with ``(start, end) = span(i, j)``
is the original text the span came from. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Final

__all__ = ["Normalised", "american_spelling", "is_cjk", "normalise"]

_ASCII_TABLE: Final = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32
    for c in range(128)
) + bytes(128)
_RUNS: Final = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
_SPACES: Final = re.compile(r"  +")
# CJK characters that NFKC and casefold leave unchanged: copied as one segment.
_PLAIN_CJK: Final = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u3005\u4e00-\u9fff]+")
_CJK_RANGES: Final = (
    (0x3005, 0x3007),
    (0x3041, 0x309F),
    (0x30A0, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FFFF),
)
_FOLDED_MARKS: Final = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
_KANA_VOICING: Final = frozenset("\u3099\u309a")

_SPACE, _CJK, _OTHER = 0, 1, 2


def has_cjk(text: str) -> bool:
    """Whether any character of ``text`` is CJK (fast path: ASCII text has none)."""
    return not text.isascii() and any(is_cjk(c) for c in text)


def is_cjk(char: str) -> bool:
    """Whether ``char`` belongs to a script written without spaces (CJK, kana, Hangul)."""
    code = ord(char)
    return code >= 0x3005 and any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def _class_of(char: str) -> int:
    if char == " ":
        return _SPACE
    return _CJK if is_cjk(char) else _OTHER


@lru_cache(maxsize=65536)
def _fold(char: str) -> str:
    """Normalised form of one non-ASCII character (may be empty or several chars)."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if code < 128:
            out.append(chr(_ASCII_TABLE[code]))
            continue
        category = unicodedata.category(ch)
        if category == "Cf" or any(lo <= code <= hi for lo, hi in _FOLDED_MARKS):
            continue
        if category[0] in "PSZC":
            out.append(" ")
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            out.append(decomposed[0])  # accent folding for Latin letters
            continue
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Normalised text plus its segment map to the original.

    Segment ``k`` covers normalised ``[norm_starts[k], norm_starts[k+1])``. A
    linear segment maps char ``i`` to original ``orig_starts[k] + i - norm_starts[k]``;
    an opaque one (a character whose normalised form has another length) maps
    every char to the whole original range ``[orig_starts[k], orig_ends[k])``.
    """

    text: str
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    orig_ends: tuple[int, ...]
    linear: tuple[bool, ...]

    def _segment(self, index: int) -> int:
        return bisect_right(self.norm_starts, index) - 1

    def original_start(self, index: int) -> int:
        """Original index of the first character behind normalised char ``index``."""
        k = self._segment(index)
        if self.linear[k]:
            return self.orig_starts[k] + index - self.norm_starts[k]
        return self.orig_starts[k]

    def original_end(self, index: int) -> int:
        """Original index just after the characters behind normalised char ``index``."""
        k = self._segment(index)
        if self.linear[k]:
            return self.orig_starts[k] + index - self.norm_starts[k] + 1
        return self.orig_ends[k]

    def index_at(self, original: int) -> int:
        """Normalised index of the first character at or after ``original`` (an approximation
        inside opaque segments: their start)."""
        k = bisect_right(self.orig_starts, original) - 1
        if k < 0:
            return 0
        start = self.norm_starts[k]
        if not self.linear[k]:
            return start
        stop = self.norm_starts[k + 1] if k + 1 < len(self.norm_starts) else len(self.text)
        return min(start + original - self.orig_starts[k], stop)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised span ``[start, end)`` (``end > start``).

        The same as ``(original_start(start), original_end(end - 1))``, with one
        segment look-up when both ends lie in one segment (nearly always).
        """
        norm_starts = self.norm_starts
        k = bisect_right(norm_starts, start) - 1
        if k + 1 < len(norm_starts) and norm_starts[k + 1] < end:  # ends in a later segment
            return self.original_start(start), self.original_end(end - 1)
        if self.linear[k]:
            shift = self.orig_starts[k] - norm_starts[k]
            return start + shift, end + shift
        return self.orig_starts[k], self.orig_ends[k]

    @property
    def offsets(self) -> list[int]:
        """``offsets[i]`` = original index of normalised char ``i`` (O(n); for tests and tools)."""
        return [self.original_start(i) for i in range(len(self.text))]


class _Builder:
    """Accumulates normalised pieces, collapsing spaces and marking script changes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.last = _SPACE  # treat the start as a space: leading spaces are stripped
        self.norm_starts: list[int] = []
        self.orig_starts: list[int] = []
        self.orig_ends: list[int] = []
        self.linear: list[bool] = []

    def _emit(self, text: str, orig_start: int, orig_end: int, linear: bool) -> None:
        if (
            linear
            and self.linear
            and self.linear[-1]
            and self.orig_ends[-1] == orig_start
            and self.norm_starts[-1] + (self.orig_ends[-1] - self.orig_starts[-1]) == self.length
        ):
            self.orig_ends[-1] = orig_end
        else:
            self.norm_starts.append(self.length)
            self.orig_starts.append(orig_start)
            self.orig_ends.append(orig_end)
            self.linear.append(linear)
        self.parts.append(text)
        self.length += len(text)

    def _boundary(self, first: int, orig: int) -> None:
        if _SPACE not in (first, self.last) and first != self.last:
            self._emit(" ", orig, orig, False)

    def add_linear(self, text: str, orig: int, klass: int) -> None:
        """Add text whose chars map one-to-one to ``original[orig:orig+len]``; one script class."""
        stripped = text.lstrip(" ") if self.last == _SPACE else text
        orig += len(text) - len(stripped)
        if not stripped:
            return
        self._boundary(_SPACE if stripped[0] == " " else klass, orig)
        pos = 0
        for run in _SPACES.finditer(stripped):
            self._emit(stripped[pos : run.start() + 1], orig + pos, orig + run.start() + 1, True)
            pos = run.end()
        if pos < len(stripped):
            self._emit(stripped[pos:], orig + pos, orig + len(stripped), True)
        self.last = _SPACE if stripped[-1] == " " else klass

    def add_folded(self, text: str, orig_start: int, orig_end: int) -> None:
        """Add the normalised form of ``original[orig_start:orig_end]`` (any length)."""
        linear = len(text) == 1 and orig_end - orig_start == 1
        for ch in text:
            klass = _class_of(ch)
            if klass == _SPACE:
                if self.last == _SPACE:
                    continue
            else:
                self._boundary(klass, orig_start)
            self._emit(ch, orig_start, orig_end, linear)
            self.last = klass

    def compose_voicing(self, mark: str, orig_end: int) -> bool:
        """Join a kana voicing mark to the previous character ("ｶﾞ" -> "ガ")."""
        if self.last != _CJK:
            return False
        composed = unicodedata.normalize("NFC", self.parts[-1][-1] + mark)
        if len(composed) != 1:
            return False
        k = len(self.norm_starts) - 1
        start = self.orig_starts[k]
        if self.linear[k]:
            start += self.length - 1 - self.norm_starts[k]
        self.parts[-1] = self.parts[-1][:-1]
        if not self.parts[-1]:
            self.parts.pop()
        self.length -= 1
        self._trim_segments()
        self._emit(composed, start, orig_end, False)
        return True

    def _trim_segments(self) -> None:
        """Drop segment tails beyond ``self.length`` after removing a char."""
        k = len(self.norm_starts) - 1
        if self.norm_starts[k] >= self.length:
            for seq in (self.norm_starts, self.orig_starts, self.orig_ends, self.linear):
                seq.pop()
        elif self.linear[k]:
            self.orig_ends[k] = self.orig_starts[k] + self.length - self.norm_starts[k]

    def finish(self) -> Normalised:
        if self.length and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
            self._trim_segments()
        return Normalised(
            text="".join(self.parts),
            norm_starts=tuple(self.norm_starts),
            orig_starts=tuple(self.orig_starts),
            orig_ends=tuple(self.orig_ends),
            linear=tuple(self.linear),
        )


def _add_unicode(builder: _Builder, text: str, start: int, end: int) -> None:
    pos = start
    while pos < end:
        plain = _PLAIN_CJK.match(text, pos, end)
        if plain is not None:
            builder.add_linear(plain.group(), pos, _CJK)
            pos = plain.end()
            continue
        folded = _fold(text[pos])
        if folded in _KANA_VOICING and builder.compose_voicing(folded, pos + 1):
            pos += 1
            continue
        builder.add_folded(folded, pos, pos + 1)
        pos += 1


def _normalise_ascii(translated: str) -> Normalised:
    """What :class:`_Builder` makes of one translated ASCII text, built in bulk.

    Each run of spaces keeps its first space; every kept piece is one linear
    segment (pieces are never contiguous in the original, so none merge).
    """
    body = translated.strip(" ")
    if not body:
        return Normalised("", (), (), (), ())
    lead = len(translated) - len(translated.lstrip(" "))
    runs = [m.span() for m in _SPACES.finditer(body)]
    begins = [0, *(end for _, end in runs)]  # pieces, in ``body`` offsets
    stops = [*(start + 1 for start, _ in runs), len(body)]
    lengths = [stop - begin for begin, stop in zip(begins, stops, strict=True)]
    return Normalised(
        text=_SPACES.sub(" ", body),
        norm_starts=(0, *accumulate(lengths[:-1])),
        orig_starts=tuple(lead + begin for begin in begins),
        orig_ends=tuple(lead + stop for stop in stops),
        linear=(True,) * len(begins),
    )


def _simple_chars() -> dict[str, str]:
    """Non-ASCII characters of Latin text that normalise to one ASCII character, one for
    one ("’" -> " ", "–" -> " ", "é" -> "e", "Ａ" -> "a"): Latin-1, Latin Extended-A/B,
    general punctuation, fullwidth ASCII."""
    out: dict[str, str] = {}
    for lo, hi in ((0x80, 0x24F), (0x2000, 0x206F), (0xFF01, 0xFF5E)):
        for code in range(lo, hi + 1):
            char = chr(code)
            folded = _fold(char)
            if len(folded) == 1 and folded.isascii():
                out[char] = folded
    return out


_SIMPLE: Final = _simple_chars()
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_NOT_SIMPLE: Final = re.compile("[^\x00-\x7f" + "".join(map(re.escape, _SIMPLE)) + "]")


# British and American spellings of one word, of the same length (the map stays valid):
# an alias written either way matches both ("Self-Defence Force", "Defense Ministerial
# Dialogue", "Centre", "modernisation")
_SPELLINGS: Final = (("defence", "defense"), ("centre", "center"), ("isation", "ization"))


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching and keep the map back to it (see module docstring)."""
    result = _normalised(text)
    folded = american_spelling(result.text)
    if folded is result.text:
        return result
    return Normalised(
        folded, result.norm_starts, result.orig_starts, result.orig_ends, result.linear
    )


def american_spelling(folded: str) -> str:
    """``folded`` (lower case) with the British spellings of ``_SPELLINGS`` made American;
    the same object when it has none."""
    for british, american in _SPELLINGS:
        if british in folded:
            folded = folded.replace(british, american)
    return folded


def _normalised(text: str) -> Normalised:
    if text.isascii():
        return _normalise_ascii(text.encode("ascii").translate(_ASCII_TABLE).decode("ascii"))
    if _NOT_SIMPLE.search(text) is None:
        # Latin text with curly quotes, dashes, accents: each such character is one ASCII
        # character once normalised, so the text is normalised as ASCII (the same map)
        return _normalised(_NON_ASCII.sub(lambda m: _SIMPLE[m.group()], text))
    return _normalise_any(text)


def _normalise_any(text: str) -> Normalised:
    """Normalise any text, character by character outside ASCII runs."""
    builder = _Builder()
    for run in _RUNS.finditer(text):
        chunk = run.group()
        if chunk.isascii():
            translated = chunk.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
            builder.add_linear(translated, run.start(), _OTHER)
        else:
            _add_unicode(builder, text, run.start(), run.end())
    return builder.finish()
