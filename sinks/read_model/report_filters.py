"""What an analyst report is narrowed to, and the SQL a report is built as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

Interval = Literal["hour", "day", "week", "month"]
CommitmentStatus = Literal["open", "met", "overdue"]


@dataclass(frozen=True)
class QueryFilters:
    """What a report is narrowed to. ``country`` is an actor's own country (the actors'
    reports); ``doc_country`` a country the documents concern (any country they name)."""

    since: date | None = None
    until: date | None = None
    initiative: str | None = None
    actor: str | None = None
    country: str | None = None
    doc_country: str | None = None
    interval: Interval = "week"
    limit: int = 50
    today: date | None = None
    include_observed: bool = False  # trends: also documents dated only by observation
    status: CommitmentStatus | None = None  # commitments: only this status
    grace_days: int = 7  # commitments: met if it happened by due_to + grace
    min_documents: int = 1  # candidates: named in at least this many documents


Built = tuple[str, dict[str, Any]]


def period(f: QueryFilters, column: str) -> tuple[list[str], dict[str, Any]]:
    """The report's period as conditions on ``column``: from ``since`` through the whole
    day ``until``."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if f.since:
        parts.append(f"{column} >= {{since:Date}}")
        params["since"] = f.since.isoformat()
    if f.until:
        parts.append(f"{column} < {{until_next:Date}}")
        params["until_next"] = (f.until + timedelta(days=1)).isoformat()
    return parts, params
