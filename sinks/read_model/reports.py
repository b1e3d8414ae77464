"""Report queries the demo prints (and `policywatch query` will grow from).

Every count is a distinct-document count, so duplicates never inflate it.
"""

from __future__ import annotations

from typing import Any

from sinks.warehouse.base import Warehouse

INITIATIVES_PER_WEEK = """
SELECT c.week AS week, c.initiative AS initiative, n.name AS name, c.documents AS documents
FROM (SELECT toMonday(day) AS week, label_id AS initiative, sum(sign) AS documents
      FROM label_changes WHERE label_type = 'initiative'
      GROUP BY week, initiative HAVING documents > 0) AS c
LEFT JOIN (SELECT label_id, any(label_name) AS name FROM mentions
           WHERE label_type = 'initiative' GROUP BY label_id) AS n ON n.label_id = c.initiative
ORDER BY week, documents DESC, initiative
"""

TOP_ACTORS = """
SELECT label_id AS actor, any(label_name) AS name, any(role) AS role, any(country) AS country,
       uniqExact(document_id) AS documents
FROM mentions
WHERE label_type = 'actor'
GROUP BY label_id
ORDER BY documents DESC, actor
LIMIT {limit:UInt32}
"""

DOCUMENTS_BY_SOURCE_KIND = """
SELECT d.source_kind AS source_kind, uniqExact(d.document_id) AS documents,
       uniqExactIf(d.document_id, c.relevant = 1) AS relevant
FROM documents AS d
LEFT JOIN (SELECT document_id, max(relevant) AS relevant FROM classifications
           GROUP BY document_id) AS c ON c.document_id = d.document_id
GROUP BY source_kind
ORDER BY source_kind
"""

DEAD_LETTERS = """
SELECT stage, reason, count() AS records, any(error) AS example
FROM (SELECT * FROM deadletter FINAL)
GROUP BY stage, reason
ORDER BY records DESC, stage, reason
"""

STORIES = """
SELECT title, sources, documents, arrayStringConcat(languages, ',') AS languages, first_seen
FROM story_summaries
ORDER BY sources DESC, documents DESC, first_seen, story_id
LIMIT {limit:UInt32}
"""

COMMITMENTS_BY_STATUS = """
SELECT status, count() AS commitments, groupArrayIf(3)(subject, status = 'met') AS met_examples
FROM commitment_status
GROUP BY status
ORDER BY indexOf(['open', 'met', 'overdue'], status)
"""

NEW_INITIATIVES = """
SELECT first_seen, name, arrayStringConcat(parties, ',') AS parties, documents
FROM new_initiatives
ORDER BY first_seen DESC, key
LIMIT {limit:UInt32}
"""

TOTALS = """
SELECT
    (SELECT uniqExact(document_id) FROM documents) AS documents,
    (SELECT uniqExact(document_id) FROM classifications) AS classified,
    (SELECT uniqExact((document_id, label_type, label_id)) FROM mentions) AS mentions,
    (SELECT uniqExact(event_id) FROM deadletter) AS dead_letters
"""


def demo_report(warehouse: Warehouse, top: int = 10) -> dict[str, list[dict[str, Any]]]:
    return {
        "totals": warehouse.query(TOTALS),
        "initiatives_per_week": warehouse.query(INITIATIVES_PER_WEEK),
        "top_actors": warehouse.query(TOP_ACTORS, params={"limit": top}),
        "documents_by_source_kind": warehouse.query(DOCUMENTS_BY_SOURCE_KIND),
        "dead_letters": warehouse.query(DEAD_LETTERS),
        "stories": warehouse.query(STORIES, params={"limit": top}),
        "commitments_by_status": warehouse.query(COMMITMENTS_BY_STATUS),
        "new_initiatives": warehouse.query(NEW_INITIATIVES, params={"limit": top}),
    }


def classified_count(warehouse: Warehouse, document_ids: list[str]) -> int:
    rows = warehouse.query(
        "SELECT uniqExact(document_id) AS n FROM classifications "
        "WHERE has({ids:Array(String)}, document_id)",
        params={"ids": document_ids},
    )
    return int(rows[0]["n"]) if rows else 0
