"""Alert ids are deterministic; commitment alerts for due-soon and overdue promises."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from schemas.alerts import AlertRaised
from schemas.codec import decode, encode
from schemas.subscriptions import CommitmentTrigger, Filter, VolumeTrigger
from streams.alerts.commitments import (
    CommitmentRow,
    commitment_alerts,
    commitment_state,
    fulfilled_on,
)
from streams.alerts.match import alert_document, match_document
from streams.alerts.raising import document_alert, window_alert
from tests.unit.streams.alerts.factories import PRODUCER, T0, classified, subscription

TODAY = date(2026, 3, 12)


def raise_for(document_id: str, revision: str, raised_after: timedelta) -> AlertRaised:
    doc = classified(document_id, revision=revision)
    match = match_document(doc, Filter())
    assert match is not None
    return document_alert(
        subscription(),
        alert_document(doc, match),
        occurred_at=T0,
        raised_at=T0 + raised_after,
        producer=PRODUCER,
    )


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30), st.integers(0, 10**6))
def test_document_alert_ids_depend_only_on_subscription_document_and_revision(
    document_id: str, revision: str, later: int
) -> None:
    first = raise_for(document_id, revision, timedelta(0))
    again = raise_for(document_id, revision, timedelta(seconds=later))
    assert (first.alert_id, first.event_id) == (again.alert_id, again.event_id)
    assert raise_for(document_id, revision + "x", timedelta(0)).alert_id != first.alert_id


def test_a_document_alert_carries_evidence_and_round_trips() -> None:
    alert = raise_for("d1", "r1", timedelta(0))
    assert alert.trigger == "document" and alert.channel == "webhook"
    assert alert.documents[0].snippets
    assert decode(encode(alert), AlertRaised) == alert


def test_window_alert_ids_are_per_window_start() -> None:
    sub = subscription(trigger=VolumeTrigger(threshold=2))
    window = (T0, T0 + timedelta(hours=1))

    def make(count: int) -> AlertRaised:
        return window_alert(
            sub, "volume", window, count, ({"document_id": "d1"},), raised_at=T0, producer=PRODUCER
        )

    assert make(2).alert_id == make(5).alert_id
    later = window_alert(
        sub, "volume", (window[1], window[1]), 2, (), raised_at=T0, producer=PRODUCER
    )
    assert later.alert_id != make(2).alert_id


def row(**changes: object) -> CommitmentRow:
    values: dict[str, object] = {
        "document_id": "d1",
        "initiative": "quad",
        "action": "convene the summit",
        "due_from": TODAY + timedelta(days=10),
        "due_to": TODAY + timedelta(days=40),
        "due_text": "in April",
    }
    values.update(changes)
    return CommitmentRow(**values)  # type: ignore[arg-type]


TRIGGER = CommitmentTrigger(due_within_days=14, overdue_grace_days=7)


def test_commitment_states() -> None:
    assert commitment_state(row(), TRIGGER, TODAY) == "due_soon"
    assert commitment_state(row(due_from=TODAY + timedelta(days=20)), TRIGGER, TODAY) is None
    past = {"due_from": TODAY - timedelta(days=40), "due_to": TODAY - timedelta(days=10)}
    assert commitment_state(row(**past), TRIGGER, TODAY) == "overdue"
    followed = row(**past, last_mention=TODAY - timedelta(days=2))
    assert commitment_state(followed, TRIGGER, TODAY) is None
    before = row(**past, last_mention=TODAY - timedelta(days=20))
    assert commitment_state(before, TRIGGER, TODAY) == "overdue"
    assert commitment_state(row(**past, initiative=None), TRIGGER, TODAY) is None
    grace = {"due_from": TODAY - timedelta(days=9), "due_to": TODAY - timedelta(days=3)}
    assert commitment_state(row(**grace), TRIGGER, TODAY) is None
    ancient = {"due_from": date(2020, 1, 1), "due_to": date(2020, 6, 30)}
    assert commitment_state(row(**ancient), TRIGGER, TODAY) is None


def test_commitment_alerts_follow_filters_and_are_stable() -> None:
    subs = [
        subscription("sub_c", trigger=TRIGGER, flt=Filter(initiatives=("quad",))),
        subscription("sub_other", trigger=TRIGGER, flt=Filter(initiatives=("ipef",))),
        subscription("sub_doc", flt=Filter(initiatives=("quad",))),
    ]
    rows = [row(), row(document_id="d2")]  # one promise reported twice
    alerts = commitment_alerts(subs, rows, TODAY, producer=PRODUCER, raised_at=T0)
    assert [(a.subscription_id, a.commitment and a.commitment.state) for a in alerts] == [
        ("sub_c", "due_soon")
    ]
    again = commitment_alerts(
        subs, rows[::-1], TODAY + timedelta(days=1), producer=PRODUCER, raised_at=T0
    )
    assert [a.alert_id for a in again] == [a.alert_id for a in alerts]


def test_a_promise_is_met_by_its_event_within_the_window_give_or_take_the_grace() -> None:
    past = {"due_from": TODAY - timedelta(days=40), "due_to": TODAY - timedelta(days=10)}
    reported = TODAY - timedelta(days=60)
    in_window = row(**past, reported_on=reported, occurred_on=(TODAY - timedelta(days=20),))
    assert fulfilled_on(in_window, 7) == TODAY - timedelta(days=20)
    assert commitment_state(in_window, TRIGGER, TODAY) is None  # met: not overdue
    late = row(**past, reported_on=reported, occurred_on=(TODAY - timedelta(days=2),))
    assert fulfilled_on(late, 7) is None and fulfilled_on(late, 8) == TODAY - timedelta(days=2)
    assert commitment_state(late, TRIGGER, TODAY) == "overdue"
    before_promise = row(**past, reported_on=TODAY - timedelta(days=30), occurred_on=(reported,))
    assert fulfilled_on(before_promise, 7) is None
    early_by_grace = row(**past, reported_on=reported, occurred_on=(TODAY - timedelta(days=45),))
    assert fulfilled_on(early_by_grace, 7) == TODAY - timedelta(days=45)
    soon = row(reported_on=TODAY, occurred_on=(TODAY + timedelta(days=12),))
    assert commitment_state(soon, TRIGGER, TODAY) is None  # already done: not due soon


def test_a_candidates_promise_can_be_overdue_and_is_named_in_the_alert() -> None:
    past = {"due_from": TODAY - timedelta(days=40), "due_to": TODAY - timedelta(days=10)}
    promise = row(**past, initiative=None, candidate="cand:x dialogue", candidate_name="X Dialogue")
    assert commitment_state(promise, TRIGGER, TODAY) == "overdue"
    [alert] = commitment_alerts(
        [subscription("sub_c", trigger=TRIGGER)], [promise], TODAY, producer=PRODUCER, raised_at=T0
    )
    assert "X Dialogue overdue" in alert.title
    assert alert.commitment is not None and alert.commitment.candidate == "cand:x dialogue"
