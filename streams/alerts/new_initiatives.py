"""The new_initiative trigger: a document names an initiative the taxonomy does not have.
Pure: no I/O.

The filter applies as for documents, except that ``countries`` and ``actors`` are
compared with the candidate's parties and actors (who is party to the new initiative,
not who else the document mentions), and ``min_confidence`` with the candidate's
confidence. ``initiatives`` still ask for documents labelled with one of them (new
initiatives reported alongside the Quad). The alert id derives from the subscription
and the candidate's key, so a subscription hears of each new initiative once, whichever
document names it first and however often it is named again.
"""

from __future__ import annotations

from datetime import datetime

from schemas.alerts import AlertCandidate, AlertRaised
from schemas.classification import DocumentClassified, InitiativeCandidate
from schemas.envelope import Producer
from schemas.subscriptions import Filter, Subscription
from streams.alerts.match import Match, alert_document, match_document
from streams.alerts.raising import build_alert
from streams.alerts.snippets import SNIPPET_CHARS


def new_initiative_subject(candidate: InitiativeCandidate) -> str:
    return candidate.key


def _document_filter(flt: Filter) -> Filter:
    """The fields that apply to the document itself."""
    return flt.model_copy(update={"countries": (), "actors": ()})


def _passes(candidate: InitiativeCandidate, flt: Filter) -> bool:
    if candidate.confidence < flt.min_confidence:
        return False
    if flt.countries and not {c.upper() for c in flt.countries}.intersection(
        p.upper() for p in candidate.parties
    ):
        return False
    return not (flt.actors and not set(flt.actors).intersection(candidate.actors))


def matching_candidates(
    doc: DocumentClassified, flt: Filter
) -> list[tuple[InitiativeCandidate, Match]]:
    """The document's candidates that pass the filter, with the document's match."""
    if not doc.candidates:
        return []
    match = match_document(doc, _document_filter(flt))
    if match is None:
        return []
    return [(c, match) for c in doc.candidates if _passes(c, flt)]


def _evidence(candidate: InitiativeCandidate) -> tuple[str, ...]:
    texts = dict.fromkeys(e.text[:SNIPPET_CHARS] for e in candidate.evidence if e.text)
    return tuple(texts)[:3]


def new_initiative_alert(
    subscription: Subscription,
    doc: DocumentClassified,
    candidate: InitiativeCandidate,
    match: Match,
    *,
    raised_at: datetime,
    producer: Producer,
) -> AlertRaised:
    """ "new initiative: <name>", with the sentences that name it and the document."""
    evidence = _evidence(candidate)
    document = alert_document(doc, match).model_copy(
        update={"snippets": evidence or alert_document(doc, match).snippets}
    )
    parties = ", ".join(candidate.parties)
    summary = f"New initiative: {candidate.name}" + (f" ({parties})" if parties else "")
    summary += f", named in “{doc.title or doc.document_id}”."
    if evidence:
        summary += f"\n“{evidence[0]}”"
    return build_alert(
        subscription,
        "new_initiative",
        new_initiative_subject(candidate),
        title=f"{subscription.name}: new initiative: {candidate.name}",
        summary=summary,
        occurred_at=doc.occurred_at,
        raised_at=raised_at,
        producer=producer,
        trace_id=doc.trace_id,
        documents=(document,),
        candidate=AlertCandidate(
            key=candidate.key,
            name=candidate.name,
            parties=candidate.parties,
            actors=candidate.actors,
            confidence=candidate.confidence,
            evidence=evidence,
        ),
    )
