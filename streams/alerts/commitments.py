"""Commitment triggers: promises coming due, and promises overdue with no follow-up. Pure.

Input is a table of commitments (one row per promise, several reports grouped) with the
last date the initiative was mentioned; a periodic scan of the warehouse supplies it.
For a subscription with a CommitmentTrigger and a day ``today``:

- **due_soon**: the due window is not over and starts within ``due_within_days``
  (``due_from <= today + D`` and ``due_to >= today``);
- **overdue**: ``due_to + overdue_grace_days < today``, the promise was not **met**, and
  no document mentioned its initiative (or candidate) after ``due_to``. A commitment
  without an initiative or candidate has nothing to follow up, so it is never overdue;
  one whose deadline passed more than ``max_overdue_days`` ago is history, not news, and
  raises nothing.
- **met** (no alert, neither due soon nor overdue): a later report says its event took
  place within its window give or take the grace, and not before the promise was first
  reported (the rule of ``policywatch query commitments``, see docs/SQL.md).

The filter applies to the commitment's initiative and to the reporting documents
(actors, countries, source kinds; keywords and languages are not known here). Alert ids
come from the promise and its state, so a daily scan raises each alert once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from schemas.alerts import AlertCommitment, AlertRaised
from schemas.envelope import Producer
from schemas.subscriptions import CommitmentTrigger, Filter, Subscription
from streams.alerts.raising import build_alert, commitment_subject


@dataclass(frozen=True)
class CommitmentRow:
    document_id: str
    initiative: str | None
    action: str
    due_from: date
    due_to: date
    due_text: str
    last_mention: date | None = None  # latest day any document mentioned the initiative
    evidence: str = ""
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    source_kind: str = ""
    candidate: str | None = None  # a candidate's key, when the promise has no initiative
    candidate_name: str = ""
    reported_on: date | None = None  # the day the promise was first reported
    occurred_on: tuple[date, ...] = ()  # days other reports say its event took place

    @property
    def subject(self) -> str | None:
        return self.initiative or self.candidate


def fulfilled_on(row: CommitmentRow, grace_days: int) -> date | None:
    """The first day a later report says the promised event took place, if it falls in
    the due window give or take ``grace_days`` and not before the promise was reported."""
    grace = timedelta(days=grace_days)
    earliest = row.due_from - grace
    if row.reported_on is not None:
        earliest = max(earliest, row.reported_on)
    for day in sorted(row.occurred_on):
        if earliest <= day <= row.due_to + grace:
            return day
    return None


def commitment_state(
    row: CommitmentRow, trigger: CommitmentTrigger, today: date, max_overdue_days: int = 90
) -> str | None:
    """'due_soon', 'overdue' or None for one commitment on ``today``."""
    if fulfilled_on(row, trigger.overdue_grace_days) is not None:
        return None
    if row.due_to >= today and row.due_from <= today + timedelta(days=trigger.due_within_days):
        return "due_soon"
    deadline = row.due_to + timedelta(days=trigger.overdue_grace_days)
    if row.subject and deadline < today <= deadline + timedelta(days=max_overdue_days):
        followed_up = row.last_mention is not None and row.last_mention > row.due_to
        return None if followed_up else "overdue"
    return None


def _passes(flt: Filter, row: CommitmentRow) -> bool:
    if flt.initiatives and row.initiative not in flt.initiatives:
        return False
    if flt.actors and not set(flt.actors).intersection(row.actors):
        return False
    if flt.countries and not {c.upper() for c in flt.countries}.intersection(
        c.upper() for c in row.countries
    ):
        return False
    return not (flt.source_kinds and row.source_kind not in flt.source_kinds)


def commitment_alerts(
    subscriptions: Iterable[Subscription],
    rows: Iterable[CommitmentRow],
    today: date,
    *,
    producer: Producer,
    raised_at: datetime,
    max_overdue_days: int = 90,
) -> list[AlertRaised]:
    """Every alert the commitment subscriptions are owed on ``today`` (ids are stable)."""
    rows = list(rows)
    alerts: dict[str, AlertRaised] = {}
    for sub in subscriptions:
        if not sub.active or not isinstance(sub.trigger, CommitmentTrigger):
            continue
        for row in rows:
            state = commitment_state(row, sub.trigger, today, max_overdue_days)
            if state is None or not _passes(sub.filter, row):
                continue
            alert = _alert(sub, row, state, producer, raised_at)
            alerts.setdefault(alert.alert_id, alert)
    return sorted(alerts.values(), key=lambda a: a.alert_id)


def _alert(
    sub: Subscription, row: CommitmentRow, state: str, producer: Producer, raised_at: datetime
) -> AlertRaised:
    commitment = AlertCommitment(
        document_id=row.document_id,
        initiative=row.initiative,
        candidate=row.candidate,
        action=row.action,
        due_from=row.due_from,
        due_to=row.due_to,
        due_text=row.due_text,
        state="due_soon" if state == "due_soon" else "overdue",
    )
    what = row.initiative or row.candidate_name or row.candidate or "a commitment"
    if state == "due_soon":
        title = f"{sub.name}: {what} due {row.due_text}"
        summary = f"Due {row.due_from:%d %b %Y} to {row.due_to:%d %b %Y}: {row.action}".strip()
    else:
        title = f"{sub.name}: {what} overdue ({row.due_text})"
        seen = f"last mentioned {row.last_mention:%d %b %Y}" if row.last_mention else "no mention"
        summary = f"Due by {row.due_to:%d %b %Y}; {seen} since. {row.action}".strip()
    if row.evidence:
        summary = f"{summary}\n“{row.evidence[:300]}”"
    occurred = datetime.combine(row.due_from if state == "due_soon" else row.due_to, time(), UTC)
    return build_alert(
        sub,
        "commitment",
        commitment_subject(commitment),
        title=title,
        summary=summary,
        occurred_at=occurred,
        raised_at=raised_at,
        producer=producer,
        commitment=commitment,
    )
