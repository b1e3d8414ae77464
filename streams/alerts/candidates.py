"""Which subscriptions could match a document, without testing every one. Pure: no I/O.

A filter's fields are ANDed, so a subscription that names keywords can only match
a document with one of those keyword hits; one that names initiatives, only a
document labelled with one of them; and so on. Each subscription is indexed under
its most selective non-empty field (keywords, initiatives, actors, countries); only
those with none of them are tried for every document. The evaluator then runs the
full filter on the candidates alone, so with thousands of subscriptions a document
costs a few dictionary lookups plus the subscriptions that concern it.

A new_initiative subscription's countries and actors are about the new initiative's
parties, not the document's labels, so it is indexed by keywords or initiatives only,
and otherwise tried for documents that name an initiative candidate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from schemas.classification import DocumentClassified
from schemas.subscriptions import NewInitiativeTrigger, Subscription
from streams.alerts.keywords import normalise_keyword

Entry = tuple[int, Subscription]  # (position in the book, for a stable order)


class CandidateIndex:
    """Subscriptions by the field that rules most documents out."""

    def __init__(self, subscriptions: Iterable[Subscription]) -> None:
        self._by_keyword: dict[str, list[Entry]] = defaultdict(list)
        self._by_initiative: dict[str, list[Entry]] = defaultdict(list)
        self._by_actor: dict[str, list[Entry]] = defaultdict(list)
        self._by_country: dict[str, list[Entry]] = defaultdict(list)
        self._always: list[Entry] = []
        self._naming_candidates: list[Entry] = []
        self.size = 0
        for entry in enumerate(subscriptions):
            self._add(entry)
            self.size += 1

    def _add(self, entry: Entry) -> None:
        f = entry[1].filter
        keywords = {k for k in (normalise_keyword(k) for k in f.keywords) if k}
        if keywords:
            for keyword in keywords:
                self._by_keyword[keyword].append(entry)
        elif f.initiatives:
            for initiative in set(f.initiatives):
                self._by_initiative[initiative].append(entry)
        elif isinstance(entry[1].trigger, NewInitiativeTrigger):
            self._naming_candidates.append(entry)
        elif f.actors:
            for actor in set(f.actors):
                self._by_actor[actor].append(entry)
        elif f.countries:
            for country in {c.upper() for c in f.countries}:
                self._by_country[country].append(entry)
        else:
            self._always.append(entry)

    def candidates(self, doc: DocumentClassified) -> list[Subscription]:
        """Every subscription that might match ``doc``, in book order, each once."""
        found: dict[int, Subscription] = dict(self._always)
        if doc.candidates:
            found.update(self._naming_candidates)
        for keyword in doc.keyword_hits:
            found.update(self._by_keyword.get(keyword, ()))
        for initiative in doc.initiatives:
            found.update(self._by_initiative.get(initiative.id, ()))
        for actor in doc.actors:
            found.update(self._by_actor.get(actor.id, ()))
        for country in doc.countries:
            found.update(self._by_country.get(country.upper(), ()))
        return [found[position] for position in sorted(found)]
