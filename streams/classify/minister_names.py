"""The Japanese "<surname>大臣" form of a minister's name ("茂木大臣", "木原大臣").

Japanese releases name their ministers so after the first mention ("冒頭、茂木大臣から"), and
an excerpt may hold only that. The form is derived from the aliases that write the surname
with a ministerial office the person held ("茂木外相", "木原防衛大臣"); a form two people
would share, or one the taxonomy already gives, is left out. Many ministers share a
surname, so the form names the person only while they hold a ministerial office, or where
the page names them in full (``streams.classify.actors``). Pure: no I/O.
"""

from __future__ import annotations

import re
from typing import Final

from streams.taxonomy.model import Taxonomy

__all__ = ["japanese_office_forms", "minister_forms", "ministerial_offices"]

_SURNAME: Final = re.compile(r"[\u4e00-\u9fff々]{1,4}")  # kanji: a Japanese surname
_MINISTER: Final = "大臣"


def japanese_office_forms(taxonomy: Taxonomy) -> dict[str, list[str]]:
    """Office id -> the Japanese names a name may be written with ("外相", "外務大臣")."""
    return {
        office.id: [*office.aliases.get("ja", ()), *office.titles.get("ja", ())]
        for office in taxonomy.offices
    }


def _ministerial(taxonomy: Taxonomy) -> dict[str, list[str]]:
    return {
        office: forms
        for office, forms in japanese_office_forms(taxonomy).items()
        if any(form.endswith(_MINISTER) for form in forms)
    }


def ministerial_offices(taxonomy: Taxonomy) -> frozenset[str]:
    """The offices whose Japanese name ends in 大臣 (外務大臣, 防衛大臣, 内閣総理大臣...)."""
    return frozenset(_ministerial(taxonomy))


def minister_forms(taxonomy: Taxonomy) -> dict[str, str]:
    """Derived form -> actor id, for every form only one person has."""
    ministerial = _ministerial(taxonomy)
    taken = {
        alias
        for actor in taxonomy.actors
        for aliases in (actor.aliases, actor.short_aliases)
        for alias in aliases.get("ja", ())
    }
    taken.update(a for office in taxonomy.offices for a in office.aliases.get("ja", ()))
    owners: dict[str, set[str]] = {}
    for actor in taxonomy.actors:
        if actor.kind != "person":
            continue
        held = {role.office for role in actor.roles if role.office in ministerial}
        for alias in actor.aliases.get("ja", ()):
            for office in held:
                for form in ministerial[office]:
                    surname = alias[: len(alias) - len(form)]
                    if alias.endswith(form) and _SURNAME.fullmatch(surname):
                        owners.setdefault(surname + _MINISTER, set()).add(actor.id)
    return {
        form: next(iter(ids))
        for form, ids in sorted(owners.items())
        if len(ids) == 1 and form not in taken
    }
