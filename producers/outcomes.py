"""What happened to one item of a run, and what the checkpoint records for it. No I/O.

An item is emitted (a new revision), unchanged, dead (a permanent failure, sent
as a dead letter once), known dead (the same failure again: reported, not
re-sent) or to retry (transient: nothing recorded). Only acknowledged records
change the checkpoint.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from producers.checkpoints import SourceCheckpoint, UrlState
from producers.discovery import SUMMARY_PREFIX, Rejected, fetch_deadletter
from producers.fetch_types import FetchResult, Validators
from producers.health import RunTally
from schemas.deadletter import DeadLetter
from schemas.documents import DocumentObserved
from schemas.envelope import Producer
from schemas.errors import SourceError

Kind = Literal["emit", "unchanged", "dead", "known_dead", "retry"]


@dataclass
class Outcome:
    kind: Kind
    key: str
    event: DocumentObserved | None = None
    dead: DeadLetter | None = None
    validators: Validators | None = None
    error: SourceError | None = None

    @property
    def record(self) -> DocumentObserved | DeadLetter | None:
        """What must be sent (and acknowledged) before the checkpoint may record it."""
        return self.event or self.dead if self.kind in ("emit", "dead") else None


def built(
    key: str,
    event: DocumentObserved,
    *,
    page: FetchResult | None,
    error: SourceError | None,
    state: UrlState | None,
) -> Outcome:
    """A built event: a new revision, or unchanged; a feed-summary fallback is reported."""
    fallback = error
    extraction = event.fetch.extraction or ""
    if fallback is None and extraction.startswith(SUMMARY_PREFIX):
        reason = extraction.removeprefix(SUMMARY_PREFIX)
        fallback = SourceError(
            f"{key}: article not extracted ({reason}); kept the feed summary", reason=reason
        )
    validators = page.validators if page is not None and fallback is None else None
    if state is not None and state.revision == event.revision:
        return Outcome("unchanged", key, validators=validators, error=fallback)
    return Outcome("emit", key, event=event, validators=validators, error=fallback)


def failed(
    source_id: str,
    key: str,
    error: SourceError,
    *,
    raw: bytes,
    state: UrlState | None,
    producer: Producer,
) -> Outcome:
    """A permanent failure: a dead letter, unless this URL already failed so."""
    if state is not None and state.dead_reason == error.reason:
        return Outcome("known_dead", key, error=error)
    dead = fetch_deadletter(source_id, key, error, raw, producer)
    return Outcome("dead", key, dead=dead, error=error)


def rejected(
    source_id: str, item: Rejected, checkpoint: SourceCheckpoint, producer: Producer
) -> Outcome:
    state = checkpoint.get(item.location)
    return failed(
        source_id, item.location, item.error, raw=item.raw, state=state, producer=producer
    )


def record(
    outcomes: Sequence[Outcome],
    acked: Collection[int],
    checkpoint: SourceCheckpoint,
    tally: RunTally,
) -> bool:
    """Count every outcome; record in the checkpoint those done for good (acked: ``id()``s).

    True when nothing is left for the next run.
    """
    done = True
    for outcome in outcomes:
        if outcome.error is not None:
            tally.error(outcome.error)
        keep: dict[str, Any] = {}
        if outcome.validators is not None:
            keep = {
                "etag": outcome.validators.etag,
                "last_modified": outcome.validators.last_modified,
            }
        if outcome.kind == "retry" or (outcome.record is not None and id(outcome) not in acked):
            done = False
        elif outcome.kind in ("unchanged", "known_dead"):
            if outcome.kind == "unchanged":
                tally.unchanged += 1
                tally.count("unchanged")
            checkpoint.update(outcome.key, **keep)
        elif outcome.event is not None:
            tally.emitted += 1
            tally.count("emitted")
            checkpoint.update(
                outcome.key,
                revision=outcome.event.revision,
                document_id=outcome.event.document_id,
                dead_reason=None,
                **({"etag": None, "last_modified": None} | keep),
            )
        else:
            tally.dead += 1
            tally.count("deadletter")
            checkpoint.update(
                outcome.key, dead_reason=outcome.error.reason if outcome.error else ""
            )
    return done
