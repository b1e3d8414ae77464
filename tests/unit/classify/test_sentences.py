"""Sentence breaks, undertaking cue prefilter and the ASCII normalisation fast path."""

from __future__ import annotations

import random

from streams.classify import normalise as normalisation
from streams.classify.normalise import normalise
from streams.classify.sentences import Sentences
from streams.classify.undertakings import CUE, cue_positions


def test_sentences_do_not_break_after_abbreviations_or_initials() -> None:
    body = 'Mr. Motegi met the U.S. envoy on Jan. 5. "It went well!" he said.\nNext line'
    sentences = Sentences(body)
    assert sentences.around(body.index("envoy")) == (0, body.index(' "It'))
    assert body[slice(*sentences.around(body.index("went")))] == '"It went well!"'
    assert body[slice(*sentences.around(body.index("Next")))] == "Next line"


def test_paragraph_start() -> None:
    body = "First paragraph. Still first.\n\nSecond one here.\nSame paragraph."
    sentences = Sentences(body)
    assert sentences.paragraph_start(body.index("Still")) == 0
    assert sentences.paragraph_start(body.index("Same")) == body.index("Second")


def test_cue_positions_find_every_cue_the_rule_finds() -> None:
    body = (
        "The talks WILL resume; Japan is set to host them, and the upcoming round "
        "is due to open. 会合を開催する予定だ。"
    )
    found = set(cue_positions(normalise(body)))
    for match in CUE.finditer(body):
        assert match.start() in found, match.group()


def test_the_ascii_fast_path_builds_the_same_map_as_the_general_one() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(" a.,\n-Zq'") for _ in range(rng.randint(0, 16)))
        builder = normalisation._Builder()
        translated = text.encode("ascii").translate(normalisation._ASCII_TABLE).decode("ascii")
        builder.add_linear(translated, 0, normalisation._OTHER)
        assert normalise(text) == builder.finish(), repr(text)
