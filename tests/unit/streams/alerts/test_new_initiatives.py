"""The new_initiative trigger: which candidates match, one alert id per candidate key."""

from __future__ import annotations

from datetime import timedelta

from schemas.alerts import AlertRaised
from schemas.classification import Evidence, InitiativeCandidate
from schemas.codec import decode, encode
from schemas.subscriptions import Filter, NewInitiativeTrigger
from sinks.delivery.messages import email_message, slack_payload, webhook_payload
from streams.alerts.candidates import CandidateIndex
from streams.alerts.new_initiatives import matching_candidates, new_initiative_alert
from tests.unit.streams.alerts.factories import PRODUCER, T0, classified, subscription

SENTENCE = "India and Japan launched the India–Japan Semiconductor Supply Chain Dialogue."
DIALOGUE = InitiativeCandidate(
    key="cand:india japan semiconductor supply chain dialogue",
    name="India–Japan Semiconductor Supply Chain Dialogue",
    parties=("IN", "JP"),
    actors=("jaishankar",),
    confidence=0.7,
    evidence=(Evidence(start=0, end=len(SENTENCE), text=SENTENCE),),
)
CORRIDOR = InitiativeCandidate(
    key="cand:pacific green corridor", name="Pacific Green Corridor", parties=("US",)
)
NEW = NewInitiativeTrigger()


def names(flt: Filter, **doc: object) -> list[str]:
    document = classified(candidates=(DIALOGUE, CORRIDOR), **doc)
    return [c.name for c, _ in matching_candidates(document, flt)]


def test_countries_and_actors_are_compared_with_the_candidates_parties() -> None:
    assert names(Filter()) == [DIALOGUE.name, CORRIDOR.name]
    assert names(Filter(countries=("jp",))) == [DIALOGUE.name]
    assert names(Filter(countries=("US",))) == [CORRIDOR.name]  # though the document is IN, JP
    assert names(Filter(actors=("jaishankar",))) == [DIALOGUE.name]
    assert names(Filter(actors=("someone-else",))) == []
    assert names(Filter(min_confidence=0.6)) == [DIALOGUE.name]  # the corridor has 0.5


def test_the_document_filters_still_apply() -> None:
    assert names(Filter(source_kinds=("official_statement",))) == []
    assert names(Filter(languages=("ja",))) == []
    assert names(Filter(languages=("en",))) == [DIALOGUE.name, CORRIDOR.name]
    assert names(Filter(keywords=("semiconductor",))) == []
    assert names(Filter(keywords=("semiconductor",)), keyword_hits=("semiconductor",))
    assert names(Filter(initiatives=("quad",))) == [DIALOGUE.name, CORRIDOR.name]
    assert names(Filter(initiatives=("ipef",))) == []
    assert matching_candidates(classified(), Filter()) == []  # no candidate, no match


def alert_for(document_id: str, later: timedelta = timedelta(0)) -> AlertRaised:
    sub = subscription(trigger=NEW)
    doc = classified(document_id, candidates=(DIALOGUE,), title=f"Report {document_id}")
    [(candidate, match)] = matching_candidates(doc, sub.filter)
    return new_initiative_alert(sub, doc, candidate, match, raised_at=T0 + later, producer=PRODUCER)


def test_one_alert_id_per_subscription_and_candidate_whichever_document_names_it() -> None:
    first, again = alert_for("d1"), alert_for("d2", timedelta(hours=3))
    assert first.alert_id == again.alert_id and first.event_id == again.event_id
    assert first.trigger == "new_initiative"
    assert first.title == f"Quad watch: new initiative: {DIALOGUE.name}"
    assert first.candidate is not None and first.candidate.parties == ("IN", "JP")
    assert first.candidate.evidence == (SENTENCE,)
    assert first.documents[0].document_id == "d1" and first.documents[0].snippets == (SENTENCE,)
    assert decode(encode(first), AlertRaised) == first
    other = subscription("sub_2", trigger=NEW)
    doc = classified("d1", candidates=(DIALOGUE,))
    [(candidate, match)] = matching_candidates(doc, other.filter)
    other_alert = new_initiative_alert(
        other, doc, candidate, match, raised_at=T0, producer=PRODUCER
    )
    assert other_alert.alert_id != first.alert_id


def test_every_channel_says_new_initiative_with_its_name_and_evidence() -> None:
    alert = alert_for("d1")
    payload = webhook_payload(alert)
    assert payload["trigger"] == "new_initiative"
    assert payload["candidate"]["name"] == DIALOGUE.name
    assert payload["candidate"]["evidence"] == [SENTENCE]
    slack = slack_payload(alert)
    text = " ".join(str(block) for block in slack["blocks"])
    assert f"New initiative: {DIALOGUE.name}" in text and "Semiconductor Supply Chain" in text
    assert "new initiative: " + DIALOGUE.name in slack["text"]
    mail = email_message(alert, ("desk@example.org",), "pw@example.org", "[pw]")
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and html is not None
    assert f"New initiative: {DIALOGUE.name}" in plain.get_content()
    assert SENTENCE in plain.get_content() and "parties: IN, JP" in plain.get_content()
    assert "<blockquote>" in html.get_content() and "Semiconductor" in html.get_content()


def test_the_index_offers_new_initiative_subscriptions_only_for_documents_with_candidates() -> None:
    by_party = subscription("sub_party", trigger=NEW, flt=Filter(countries=("US",)))
    by_initiative = subscription("sub_ini", trigger=NEW, flt=Filter(initiatives=("quad",)))
    document_sub = subscription("sub_doc", flt=Filter(countries=("US",)))
    index = CandidateIndex([by_party, by_initiative, document_sub])
    plain = classified()  # labelled quad, countries IN and JP, no candidate
    assert [s.subscription_id for s in index.candidates(plain)] == ["sub_ini"]
    naming = classified(candidates=(CORRIDOR,))
    # the US filter is about the corridor's parties, not the document's countries
    assert [s.subscription_id for s in index.candidates(naming)] == ["sub_party", "sub_ini"]
