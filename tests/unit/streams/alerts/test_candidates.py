"""The candidate index never hides a subscription that matches (checked against trying all)."""

from __future__ import annotations

import random

import pytest

from schemas.classification import ActorLabel, DocumentClassified, InitiativeLabel
from schemas.subscriptions import Filter, Subscription, WebhookChannel
from streams.alerts.candidates import CandidateIndex
from streams.alerts.match import match_document
from tests.unit.streams.alerts.factories import classified

IDS = ["quad", "aid", "jwg", "esd"]
ACTORS = ["motegi", "jaishankar", "wong"]
COUNTRIES = ["IN", "JP", "AU", "us"]
WORDS = ["rare earths", "semiconductors", "Ports"]
CHANNEL = WebhookChannel(url="https://hooks.example.org/x", secret="whsec_c2VjcmV0")


def random_filter(rng: random.Random) -> Filter:
    def some(values: list[str]) -> tuple[str, ...]:
        return tuple(rng.sample(values, rng.randint(0, 2)))

    return Filter(
        initiatives=some(IDS),
        actors=some(ACTORS),
        countries=some(COUNTRIES),
        keywords=some(WORDS),
        min_confidence=rng.choice([0.0, 0.5, 0.8]),
    )


def random_document(rng: random.Random) -> DocumentClassified:
    def labels(values: list[str], most: int) -> list[tuple[str, float]]:
        return [(v, rng.choice([0.4, 0.9])) for v in rng.sample(values, rng.randint(0, most))]

    return classified(
        initiatives=tuple(InitiativeLabel(id=i, confidence=c) for i, c in labels(IDS, 3)),
        actors=tuple(ActorLabel(id=a, confidence=c) for a, c in labels(ACTORS, 2)),
        countries=tuple(c.upper() for c in rng.sample(COUNTRIES, rng.randint(0, 3))),
        keyword_hits=tuple(w.lower() for w in rng.sample(WORDS, rng.randint(0, 2))),
    )


@pytest.mark.parametrize("seed", range(300))
def test_candidates_hold_every_subscription_that_matches(seed: int) -> None:
    """Random filters and documents (seeded: the same cases every run)."""
    rng = random.Random(seed)
    subs = [
        Subscription(
            subscription_id=f"s{i}", name=f"s{i}", filter=random_filter(rng), channel=CHANNEL
        )
        for i in range(rng.randint(1, 12))
    ]
    doc = random_document(rng)
    candidates = CandidateIndex(subs).candidates(doc)
    brute = [s for s in subs if match_document(doc, s.filter) is not None]
    assert [s for s in candidates if match_document(doc, s.filter)] == brute
    assert len(candidates) == len({s.subscription_id for s in candidates})  # each once


def test_a_document_about_one_initiative_skips_subscriptions_about_others() -> None:
    subs = [
        Subscription(
            subscription_id=f"s{i}",
            name="x",
            filter=Filter(initiatives=(f"initiative-{i}",)),
            channel=CHANNEL,
        )
        for i in range(1000)
    ]
    doc = classified(initiatives=(InitiativeLabel(id="initiative-7", confidence=0.9),))
    assert [s.subscription_id for s in CandidateIndex(subs).candidates(doc)] == ["s7"]
