"""A taxonomy entry proposed from an initiative candidate, for an analyst to review.

The warehouse knows what the news called a new initiative (``new_initiatives``, one row
per candidate key) and in which languages (``initiative_candidates``). The entry takes
the most frequent spelling as its name, every spelling as an alias under the language of
the documents that used it, the parties, and a description saying when it was first seen
and where; its status is ``proposed``. It is checked as an extension of the taxonomy in
use, with the same checker as ``policywatch taxonomy check``, before anyone sees it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from pydantic import ValidationError

from schemas.errors import ConfigError
from sinks.warehouse.base import Warehouse
from streams.taxonomy.check import check_taxonomy_text
from streams.taxonomy.model import Initiative, Taxonomy

_SUMMARY = """
SELECT key, name, variants, first_seen, documents, sources, parties, actors, evidence
FROM new_initiatives WHERE key = {key:String}
"""
_SPELLINGS = """
SELECT c.language AS language, c.name AS name, uniqExact(c.document_id) AS documents
FROM initiative_candidates AS c
INNER JOIN latest_classifications AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
WHERE c.key = {key:String}
GROUP BY language, name
ORDER BY language, documents DESC, name
"""
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")  # streams.taxonomy.model's id pattern
_KEYS = "SELECT key, name FROM new_initiatives ORDER BY documents DESC, key LIMIT 5000"


@dataclass(frozen=True)
class CandidateSummary:
    key: str
    name: str
    first_seen: str
    documents: int
    sources: int
    parties: tuple[str, ...]
    evidence: tuple[str, ...]
    spellings: dict[str, list[str]]  # language -> names, most used first


def candidate_summary(warehouse: Warehouse, key: str) -> CandidateSummary:
    """The candidate as the warehouse knows it; an unknown key names the closest ones."""
    rows = warehouse.query(_SUMMARY, params={"key": key})
    if not rows:
        raise ConfigError(
            f"no initiative candidate {key!r} in the warehouse; {_closest(warehouse, key)}"
        )
    row = rows[0]
    spellings: dict[str, list[str]] = {}
    for spelling in warehouse.query(_SPELLINGS, params={"key": key}):
        spellings.setdefault(str(spelling["language"]) or "en", []).append(str(spelling["name"]))
    return CandidateSummary(
        key=key,
        name=str(row["name"]),
        first_seen=str(row["first_seen"])[:10],
        documents=int(row["documents"]),
        sources=int(row["sources"]),
        parties=tuple(str(p) for p in row["parties"]),
        evidence=tuple(str(e) for e in row["evidence"]),
        spellings=spellings,
    )


def _closest(warehouse: Warehouse, key: str) -> str:
    rows = warehouse.query(_KEYS)
    by_text = {str(r["key"]): str(r["key"]) for r in rows}
    by_text.update({str(r["name"]).lower(): str(r["key"]) for r in rows})
    wanted = key.lower().removeprefix("cand:")
    near = difflib.get_close_matches(wanted, list(by_text), n=10, cutoff=0.4)
    near += difflib.get_close_matches(key.lower(), list(by_text), n=10, cutoff=0.4)
    keys = list(dict.fromkeys(by_text[text] for text in near))[:5]
    if keys:
        return "closest: " + ", ".join(keys)
    return "list them with `policywatch taxonomy candidates`"


def _ascii_words(text: str) -> list[str]:
    """Latin words of a name, accents folded ("India–Japan" is two words)."""
    spaced = re.sub(r"[\W_]+", " ", text)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", folded)


def proposed_id(summary: CandidateSummary, taxonomy: Taxonomy) -> str:
    """``<parties>.<name without the parties' names>``, e.g. ``in-jp.ai-dialogue``; a name
    with no Latin letters gets ``cand-<hash>``. Never an id the taxonomy already has."""
    countries = {c.code: c for c in taxonomy.countries}
    party_words: set[str] = set()
    for code in summary.parties:
        country = countries.get(code)
        names = [country.name, *(a for v in country.aliases.values() for a in v)] if country else []
        party_words.update(w for name in names for w in _ascii_words(name))
    words = [w for w in _ascii_words(summary.name) if w not in party_words]
    prefix = "-".join(p.lower() for p in summary.parties)
    if words:
        base = (f"{prefix}." if prefix else "") + "-".join(words)
    else:
        base = "cand-" + hashlib.blake2b(summary.key.encode(), digest_size=4).hexdigest()
    taken = {i.id for i in taxonomy.initiatives}
    chosen, n = base, 2
    while chosen in taken:
        chosen, n = f"{base}-{n}", n + 1
    return chosen


def proposed_entry(
    summary: CandidateSummary, initiative_id: str, taxonomy: Taxonomy, today: date
) -> str:
    """The entry as YAML (an extension file), checked against ``taxonomy``."""
    known = {c.code for c in taxonomy.countries}
    sample = f" “{summary.evidence[0]}”" if summary.evidence else ""
    description = (
        f"Proposed from initiative candidate {summary.key}: first seen {summary.first_seen}, "
        f"named in {summary.documents} document(s) from {summary.sources} source(s).{sample}"
    )
    initiative: dict[str, Any] = {
        "id": initiative_id,
        "name": summary.name,
        "description": description,
        "parties": [p for p in summary.parties if p in known],
        "status": "proposed",
        "aliases": summary.spellings or {"en": [summary.name]},
    }
    if not _ID.match(initiative_id):
        raise ConfigError(
            f"--id {initiative_id!r}: ids are lower case letters, digits and . _ - "
            "(e.g. in-jp.chips-dialogue)"
        )
    try:
        Initiative.model_validate(initiative)
    except ValidationError as exc:
        raise ConfigError(f"the proposed entry for {summary.key} is invalid: {exc}") from exc
    header = (
        f"# Proposed on {today.isoformat()} by `policywatch taxonomy candidates --promote "
        f"{summary.key}`.\n# Review the id, name, aliases (a generic one belongs under "
        "ambiguous_aliases with a context) and parties,\n"
        "# then check it with `policywatch taxonomy check FILE` and add it to "
        "POLICYWATCH_STREAMS__TAXONOMY.\n"
    )
    body = yaml.safe_dump(
        {"initiatives": [initiative]}, allow_unicode=True, sort_keys=False, width=100
    )
    text = header + body
    report = check_taxonomy_text(text, "proposed entry", taxonomy)
    if report.errors:
        problems = "; ".join(str(p) for p in report.errors[:5])
        raise ConfigError(f"the proposed entry for {summary.key} does not check: {problems}")
    return text
