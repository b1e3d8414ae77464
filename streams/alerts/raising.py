"""Build AlertRaised events with deterministic ids. Pure: no I/O.

``alert_id`` = hash of (subscription, trigger, subject) via ``schemas.ids.alert_id_for``;
the subject is what the alert is about and never a time of processing:

- document: ``<document_id>@<revision>`` (a new classifier version of the same text is
  the same alert; a new revision of the article is a new one);
- volume and spike: the window start (ISO 8601, UTC);
- digest: ``<period>:<period start>``;
- new_initiative: the candidate's key (one alert per subscription and new initiative);
- commitment: initiative (or candidate, or without either the document), due window and
  state;

The event id derives from the alert id, so a retry, a restart or a replay re-emits the
very same event and every consumer can de-duplicate on it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from schemas.alerts import (
    AlertCandidate,
    AlertCommitment,
    AlertDocument,
    AlertRaised,
    TriggerKind,
)
from schemas.envelope import Producer
from schemas.ids import alert_id_for, event_id_for
from schemas.subscriptions import Subscription

MAX_DOCUMENTS = 50


def document_subject(document_id: str, revision: str) -> str:
    return f"{document_id}@{revision}"


def window_subject(start: datetime) -> str:
    return start.isoformat()


def digest_subject(period: str, start: datetime) -> str:
    return f"{period}:{start.isoformat()}"


def commitment_subject(commitment: AlertCommitment) -> str:
    """The promise, not the report: several documents reporting it raise one alert."""
    return "|".join(
        (
            commitment.initiative or commitment.candidate or commitment.document_id,
            commitment.due_from.isoformat(),
            commitment.due_to.isoformat(),
            commitment.state,
        )
    )


def _names(doc: AlertDocument) -> str:
    labels = [lab.name or lab.id for lab in (*doc.initiatives, *doc.actors)]
    return ", ".join(labels[:4])


def build_alert(
    subscription: Subscription,
    trigger: TriggerKind,
    subject: str,
    *,
    title: str,
    occurred_at: datetime,
    raised_at: datetime,
    producer: Producer,
    trace_id: str | None = None,
    summary: str = "",
    documents: tuple[AlertDocument, ...] = (),
    count: int = 1,
    window: tuple[datetime, datetime] | None = None,
    baseline: float | None = None,
    commitment: AlertCommitment | None = None,
    candidate: AlertCandidate | None = None,
) -> AlertRaised:
    alert_id = alert_id_for(subscription.subscription_id, trigger, subject)
    event_id = event_id_for(alert_id, subject, AlertRaised.EVENT_TYPE)
    return AlertRaised(
        event_id=event_id,
        occurred_at=occurred_at,
        observed_at=raised_at,
        producer=producer,
        trace_id=trace_id or event_id,
        alert_id=alert_id,
        subscription_id=subscription.subscription_id,
        subscription_name=subscription.name,
        trigger=trigger,
        channel=subscription.channel.kind,
        title=title[:500],
        summary=summary[:4000],
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        count=count,
        baseline=baseline,
        documents=documents[:MAX_DOCUMENTS],
        commitment=commitment,
        candidate=candidate,
    )


def document_alert(
    subscription: Subscription,
    document: AlertDocument,
    *,
    occurred_at: datetime,
    raised_at: datetime,
    producer: Producer,
    trace_id: str | None = None,
) -> AlertRaised:
    """One matching document (a DocumentTrigger without digest)."""
    about = _names(document)
    title = f"{subscription.name}: {document.title or document.document_id}"
    return build_alert(
        subscription,
        "document",
        document_subject(document.document_id, document.revision),
        title=title,
        summary=f"Matched {about}." if about else "",
        occurred_at=occurred_at,
        raised_at=raised_at,
        producer=producer,
        trace_id=trace_id,
        documents=(document,),
    )


def window_alert(
    subscription: Subscription,
    kind: Literal["volume", "spike"],
    window: tuple[datetime, datetime],
    count: int,
    documents: tuple[dict[str, Any], ...],
    *,
    raised_at: datetime,
    producer: Producer,
    baseline: float | None = None,
    z: float | None = None,
) -> AlertRaised:
    """A volume window or a spike hour that fired (documents are AlertDocument JSON)."""
    start, end = window
    span = f"{start:%Y-%m-%d %H:%M}–{end:%H:%M} UTC"
    if kind == "volume":
        title = f"{subscription.name}: {count} documents, {span}"
        summary = f"{count} matching documents were observed between {span}."
    else:
        title = f"{subscription.name}: spike of {count} documents, {span}"
        summary = (
            f"{count} matching documents in the hour {span} against a mean of "
            f"{baseline or 0:.1f} per hour (z = {z or 0:.1f})."
        )
    return build_alert(
        subscription,
        kind,
        window_subject(start),
        title=title,
        summary=summary,
        occurred_at=start,
        raised_at=raised_at,
        producer=producer,
        documents=tuple(AlertDocument.model_validate(d) for d in documents),
        count=count,
        window=window,
        baseline=baseline,
    )


def digest_alert(
    subscription: Subscription,
    period: str,
    window: tuple[datetime, datetime],
    count: int,
    documents: tuple[dict[str, Any], ...],
    *,
    raised_at: datetime,
    producer: Producer,
) -> AlertRaised:
    """The documents of one closed digest period."""
    start = window[0]
    when = f"{start:%Y-%m-%d %H:%M}" if period == "hourly" else f"{start:%Y-%m-%d}"
    shown = min(count, len(documents))
    more = f" (the first {shown} are listed)" if shown < count else ""
    return build_alert(
        subscription,
        "digest",
        digest_subject(period, start),
        title=f"{subscription.name}: {period} digest {when} UTC, {count} documents",
        summary=f"{count} matching documents{more}.",
        occurred_at=start,
        raised_at=raised_at,
        producer=producer,
        documents=tuple(AlertDocument.model_validate(d) for d in documents),
        count=count,
        window=window,
    )
