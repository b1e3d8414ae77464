"""The automaton a text is scanned with finds what one automaton of every key finds."""

from __future__ import annotations

from typing import Any

import ahocorasick
from hypothesis import given
from hypothesis import strategies as st

from streams.classify.by_script import ScriptAutomata

# Latin keys with their space pad, digits and CJK keys, some sharing characters
KEYS = [" india ", " japan ", " ai dialogue ", "2", "20", "年", "日印", "日本", "印", "対話", "本"]
# texts made of pieces of the keys and of characters no key starts with
PIECES = [*KEYS, " ", "a", "x", "0", "。", "の", "は", "-", "\u2019", "é"]


def _built(keys: list[str]) -> tuple[ScriptAutomata, Any]:
    split, plain = ScriptAutomata(), ahocorasick.Automaton()
    for number, key in enumerate(keys):
        split.add_word(key, number)
        plain.add_word(key, number)
    split.make_automaton()
    plain.make_automaton()
    return split, plain


@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_chosen_automaton_finds_every_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    split, plain = _built(KEYS)
    assert list(split.for_text(text).iter(text)) == list(plain.iter(text))


def test_a_text_without_a_cjk_first_character_gets_the_latin_keys_alone() -> None:
    split, _ = _built(KEYS)
    latin = split.for_text(" india and japan ")
    assert split.for_text("a curly \u2019quote\u2019 and é") is latin
    assert [value for _, value in latin.iter(" 日本 ")] == []  # no CJK key in it
    assert split.for_text("日本 and india") is not latin


def test_keys_of_one_script_share_one_automaton() -> None:
    for keys in ([" india ", "2"], ["日本", "対話"]):
        split, plain = _built(keys)
        for text in ("2 india", "日本の対話", ""):
            assert list(split.for_text(text).iter(text)) == list(plain.iter(text))
    assert " india " in _built(KEYS)[0] and len(_built(KEYS)[0]) == len(KEYS)
