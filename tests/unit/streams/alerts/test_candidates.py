"""The candidate index never hides a subscription that matches (checked against trying all)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.classification import ActorLabel, InitiativeLabel
from schemas.subscriptions import Filter, Subscription, WebhookChannel
from streams.alerts.candidates import CandidateIndex
from streams.alerts.match import match_document
from tests.unit.streams.alerts.factories import classified

IDS = st.sampled_from(["quad", "aid", "jwg", "esd"])
ACTORS = st.sampled_from(["motegi", "jaishankar", "wong"])
COUNTRIES = st.sampled_from(["IN", "JP", "AU", "us"])
WORDS = st.sampled_from(["rare earths", "semiconductors", "Ports"])
CHANNEL = WebhookChannel(url="https://hooks.example.org/x", secret="whsec_c2VjcmV0")

filters = st.builds(
    Filter,
    initiatives=st.lists(IDS, max_size=2).map(tuple),
    actors=st.lists(ACTORS, max_size=2).map(tuple),
    countries=st.lists(COUNTRIES, max_size=2).map(tuple),
    keywords=st.lists(WORDS, max_size=2).map(tuple),
    min_confidence=st.sampled_from([0.0, 0.5, 0.8]),
)
documents = st.builds(
    lambda inis, actors, countries, hits: classified(
        initiatives=tuple(InitiativeLabel(id=i, confidence=c) for i, c in inis),
        actors=tuple(ActorLabel(id=a, confidence=c) for a, c in actors),
        countries=tuple(countries),
        keyword_hits=tuple(hits),
    ),
    st.lists(st.tuples(IDS, st.sampled_from([0.4, 0.9])), max_size=3, unique_by=lambda t: t[0]),
    st.lists(st.tuples(ACTORS, st.sampled_from([0.4, 0.9])), max_size=2, unique_by=lambda t: t[0]),
    st.lists(COUNTRIES.map(str.upper), max_size=3, unique=True),
    st.lists(WORDS.map(str.lower), max_size=2, unique=True),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(filters, min_size=1, max_size=12), documents)
def test_candidates_hold_every_subscription_that_matches(flts: list[Filter], doc: object) -> None:
    subs = [
        Subscription(subscription_id=f"s{i}", name=f"s{i}", filter=f, channel=CHANNEL)
        for i, f in enumerate(flts)
    ]
    index = CandidateIndex(subs)
    candidates = index.candidates(doc)  # type: ignore[arg-type]
    brute = [s for s in subs if match_document(doc, s.filter) is not None]  # type: ignore[arg-type]
    assert [s for s in candidates if match_document(doc, s.filter)] == brute  # type: ignore[arg-type]
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
