"""Does a classified document match a subscription's filter? Pure: no I/O.

Within a field any listed value matches (OR); across fields all non-empty fields
must match (AND); an empty field matches anything. Initiatives and actors match by
id, and only labels with ``confidence >= min_confidence`` count. Keywords match on
``DocumentClassified.keyword_hits``, which the classify stage computed from the
text against the keywords subscribed at that moment (a keyword added later applies
to documents classified after it). Countries, source kinds and languages compare
case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from schemas.alerts import AlertDocument, AlertLabel
from schemas.classification import ActorLabel, DocumentClassified, InitiativeLabel
from schemas.subscriptions import Filter
from streams.alerts.keywords import normalise_keyword
from streams.alerts.snippets import SNIPPET_CHARS

MAX_SNIPPETS = 5


@dataclass(frozen=True)
class Match:
    """Why a document matched: the labels and keywords, and evidence to show."""

    initiatives: tuple[AlertLabel, ...]
    actors: tuple[AlertLabel, ...]
    keywords: tuple[str, ...]
    snippets: tuple[str, ...]


@dataclass(frozen=True)
class _Prepared:
    initiatives: frozenset[str]
    actors: frozenset[str]
    countries: frozenset[str]
    source_kinds: frozenset[str]
    languages: frozenset[str]
    keywords: frozenset[str]
    min_confidence: float


@lru_cache(maxsize=4096)
def _prepare(f: Filter) -> _Prepared:
    """Filters are frozen and hashable: each is turned into sets once."""
    return _Prepared(
        initiatives=frozenset(f.initiatives),
        actors=frozenset(f.actors),
        countries=frozenset(c.upper() for c in f.countries),
        source_kinds=frozenset(f.source_kinds),
        languages=frozenset(lang.lower() for lang in f.languages),
        keywords=frozenset(k for k in (normalise_keyword(k) for k in f.keywords) if k),
        min_confidence=f.min_confidence,
    )


def _labels(
    labels: tuple[InitiativeLabel, ...] | tuple[ActorLabel, ...],
    wanted: frozenset[str],
    min_confidence: float,
) -> tuple[AlertLabel, ...] | None:
    """Labels that satisfy the filter field (None: the field rules the document out)."""
    strong = [lab for lab in labels if lab.confidence >= min_confidence]
    if wanted:
        strong = [lab for lab in strong if lab.id in wanted]
        if not strong:
            return None
    return tuple(AlertLabel(id=lab.id, name=lab.name, confidence=lab.confidence) for lab in strong)


def match_document(doc: DocumentClassified, flt: Filter) -> Match | None:
    """The match, or None when the document does not pass the filter."""
    f = _prepare(flt)
    if f.source_kinds and doc.source_kind not in f.source_kinds:
        return None
    if f.languages and (doc.language or "").lower() not in f.languages:
        return None
    if f.countries and not f.countries.intersection(c.upper() for c in doc.countries):
        return None
    keywords: tuple[str, ...] = ()
    if f.keywords:
        keywords = tuple(k for k in doc.keyword_hits if k in f.keywords)
        if not keywords:
            return None
    initiatives = _labels(doc.initiatives, f.initiatives, f.min_confidence)
    if initiatives is None:
        return None
    actors = _labels(doc.actors, f.actors, f.min_confidence)
    if actors is None:
        return None
    return Match(initiatives, actors, keywords, _snippets(doc, f, initiatives, actors, keywords))


def _snippets(
    doc: DocumentClassified,
    f: _Prepared,
    initiatives: tuple[AlertLabel, ...],
    actors: tuple[AlertLabel, ...],
    keywords: tuple[str, ...],
) -> tuple[str, ...]:
    """Evidence of what the filter asked for first, then of the other matched labels."""
    asked = {("initiative", i) for i in f.initiatives} | {("actor", a) for a in f.actors}
    asked |= {("keyword", k) for k in keywords}
    matched = {("initiative", lab.id) for lab in initiatives}
    matched |= {("actor", lab.id) for lab in actors}
    matched |= asked
    chosen = [s for s in doc.snippets if (s.kind, s.about) in asked]
    chosen += [s for s in doc.snippets if (s.kind, s.about) in matched - asked]
    out: list[str] = []
    for snippet in chosen:
        text = snippet.text[:SNIPPET_CHARS]
        if text and text not in out:
            out.append(text)
        if len(out) == MAX_SNIPPETS:
            break
    if not out:  # a classification from before snippets: the evidence spans themselves
        spans = [("initiative", lab.id, lab.evidence) for lab in doc.initiatives]
        spans += [("actor", lab.id, lab.evidence) for lab in doc.actors]
        for kind, label_id, evidence in spans:
            if (kind, label_id) in matched:
                out.extend(e.text[:SNIPPET_CHARS] for e in evidence[:1])
    return tuple(out[:MAX_SNIPPETS])


def alert_document(doc: DocumentClassified, match: Match) -> AlertDocument:
    """The document as an alert shows it."""
    return AlertDocument(
        document_id=doc.document_id,
        revision=doc.revision,
        title=doc.title,
        url=doc.url,
        source_id=doc.source_id,
        published_at=doc.published_at,
        initiatives=match.initiatives,
        actors=match.actors,
        snippets=match.snippets,
    )
