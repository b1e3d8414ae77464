"""Sentence breaks, undertaking cue prefilter and the ASCII normalisation fast path."""

from __future__ import annotations

import random
import re

from streams.classify import normalise as normalisation
from streams.classify import undertakings
from streams.classify.lowercase import lowered
from streams.classify.normalise import normalise
from streams.classify.sentences import Sentences, _after_abbreviation
from streams.classify.undertakings import cue_in, cue_positions
from tests.unit.streams.classify.own_texts import own_texts


def test_sentences_do_not_break_after_abbreviations_or_initials() -> None:
    body = 'Mr. Motegi met the U.S. envoy on Jan. 5. "It went well!" he said.\nNext line'
    sentences = Sentences(body)
    assert sentences.around(body.index("envoy")) == (0, body.index(' "It'))
    assert body[slice(*sentences.around(body.index("went")))] == '"It went well!"'
    assert body[slice(*sentences.around(body.index("Next")))] == "Next line"


def test_an_ellipsis_ends_a_sentence_before_a_capital_or_a_space() -> None:
    """Transcribed speech runs sentences together with an ellipsis ("...Then there is");
    an ellipsis inside a sentence, before a lower-case word, ends none."""
    body = "We launched the forum...Then there is the dialogue… It meets in May...or June."
    sentences = Sentences(body)
    spans = [body[slice(*sentences.around(body.index(word)))] for word in ("forum", "Then", "It")]
    assert spans == ["We launched the forum...", "Then there is the dialogue…", body[52:]]


def test_paragraph_start() -> None:
    body = "First paragraph. Still first.\n\nSecond one here.\nSame paragraph."
    sentences = Sentences(body)
    assert sentences.paragraph_start(body.index("Still")) == 0
    assert sentences.paragraph_start(body.index("Same")) == body.index("Second")
    assert sentences.paragraph(body.index("Still")) == (0, body.index("Second"))
    assert sentences.paragraph(body.index("Same")) == (body.index("Second"), len(body))


def test_cue_positions_find_a_hit_in_every_sentence_with_a_cue() -> None:
    body = (
        "The talks WILL resume. Japan is set to host them. The upcoming round is due to open. "
        "Both are going to sign it. They agreed on Monday to meet. Nothing here. "
        "会合を開催する予定だ。"
    )
    sentences = Sentences(body)
    hits = cue_positions(normalise(body))
    with_cue = 0
    for end in sentences.ends:
        start, stop = sentences.around(end - 1)
        if cue_in(body, start, stop) is not None:
            with_cue += 1
            assert any(start <= hit < stop for hit in hits), body[start:stop]
    assert with_cue == 6


def test_the_ascii_fast_path_builds_the_same_map_as_the_general_one() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(" a.,\n-Zq'") for _ in range(rng.randint(0, 16)))
        builder = normalisation._Builder()
        translated = text.encode("ascii").translate(normalisation._ASCII_TABLE).decode("ascii")
        builder.add_linear(translated, 0, normalisation._OTHER)
        assert normalise(text) == builder.finish(), repr(text)


# The pattern the abbreviation check replaced, searched in the 8 characters before a stop
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|Prof|St|Jr|Sr|No|Gen|Lt|Col|Sen|Rep|Gov|vs|etc|Inc|Ltd|Co|"
    r"approx|e\.g|i\.e|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))$"
)
# abbreviations, capitals, other word characters (digits, "_", accented, CJK, title case,
# numerals) and breaks
_PIECES = [
    *"Mr Mrs Sept Sep approx e.g i.e etc Jan Dr Inc No U S a x Q _ 7 é 日 ǅ Ⅻ".split(),  # noqa: SIM905
    *(" ", "\n", ".", "-", "("),
]


def test_the_abbreviation_check_agrees_with_the_pattern_it_replaced() -> None:
    rng = random.Random(11)
    checked = 0
    for _ in range(20_000):
        body = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 7))) + "."
        for at, char in enumerate(body):
            if char == ".":
                expected = _ABBREVIATION.search(body, max(0, at - 8), at) is not None
                assert _after_abbreviation(body, at) == expected, (body, at)
                checked += 1
    assert checked > 20_000


def _cue_in_by_search(text: str, start: int, end: int) -> int | None:
    """cue_in on lowered text as it was: the cue pattern searched over the whole sentence."""
    cue, before_cue, after_cue = undertakings._FOLDED
    for match in cue.finditer(text, start, end):
        if undertakings._negated(text, match, start, end, (before_cue, after_cue)):
            continue
        return match.start()
    return None


def _cue_texts() -> list[str]:
    rng = random.Random(3)
    words = [*undertakings._ENGLISH, *undertakings._JAPANESE, "not", "was", "the", "meet", "to"]
    acts = ("訪問", "出席", "開催", "実施", "参加", "会談", "署名", "派遣")
    words += [f"{act}します" for act in acts]
    fillers = ["x", "Tokyo", "(", "-", "_", "2026", ".", ",", "\n", "é", "会合を", "しますか"]
    made = [
        " ".join(rng.choice(words + fillers) for _ in range(rng.randint(1, 14))).upper()
        if rng.random() < 0.2
        else "".join(rng.choice(words + fillers) + rng.choice(["", " ", "  "]) for _ in range(14))
        for _ in range(3000)
    ]
    return [*made, *own_texts()]


def test_cues_tried_at_their_starts_are_those_the_search_finds() -> None:
    found = 0
    for text in _cue_texts():
        folded = lowered(text)
        assert folded is not None
        sentences = Sentences(text)
        for end in [*sentences.ends, len(text)]:
            start, stop = sentences.around(max(0, end - 1))
            expected = _cue_in_by_search(folded, start, stop)
            assert cue_in(text, start, stop, folded) == expected, text[start:stop]
            found += expected is not None
    assert found > 1000
