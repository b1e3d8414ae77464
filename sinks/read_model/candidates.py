"""Initiative candidates as the warehouse knows them: names, spellings, where first seen.

``new_initiatives`` has one row per candidate key; ``initiative_candidates`` the names
each document used, in its language (only documents' latest classifications count).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from schemas.errors import ConfigError
from sinks.read_model.latest_versions import latest_versions_of
from sinks.warehouse.base import Warehouse

_SUMMARY = """
SELECT key, name, variants, first_seen, documents, sources, parties, actors, evidence
FROM new_initiatives WHERE key = {key:String}
"""
_SPELLINGS = f"""
SELECT c.language AS language, c.name AS name, uniqExact(c.document_id) AS documents
FROM initiative_candidates AS c
INNER JOIN {latest_versions_of("initiative_candidates")} AS l
    ON l.document_id = c.document_id AND l.classifier_version = c.classifier_version
WHERE c.key = {{key:String}}
GROUP BY language, name
ORDER BY language, documents DESC, name
"""
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
