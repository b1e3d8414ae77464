"""Commitment alerts from the warehouse: due soon, overdue without follow-up, once each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ops.commitment_scan import scan_commitments_once
from ops.commitment_scanner import CommitmentScanner
from ops.roles import MIGRATIONS_DIR
from ops.settings import load_settings
from schemas.alerts import AlertRaised
from schemas.classification import Commitment, DocumentClassified, InitiativeLabel, Occurrence
from schemas.codec import encode
from schemas.envelope import Producer
from schemas.subscription_book import SubscriptionBook
from schemas.subscriptions import (
    CommitmentTrigger,
    DocumentTrigger,
    Filter,
    Subscription,
    WebhookChannel,
    subscription_changed,
)
from schemas.topics import TopicNames
from sinks.projection import TableRows
from sinks.warehouse.chdb_driver import ChdbWarehouse
from sinks.warehouse.http_server import EndpointUser, WarehouseHttpServer
from sinks.warehouse.migrate import migrate
from tests.conftest import Broker
from tests.discovery_events import DIALOGUE, DIALOGUE_NAME, candidate
from tests.integration.test_producers_kafka import read_all

TODAY = date(2026, 5, 20)
PRODUCER = Producer(name="test", version="1")


def classified(
    document_id: str, published: date, initiative: str, *commitments: Commitment
) -> DocumentClassified:
    at = datetime(published.year, published.month, published.day, 9, tzinfo=UTC)
    return DocumentClassified(
        event_id="e" + document_id,
        occurred_at=at,
        observed_at=at,
        producer=PRODUCER,
        trace_id="t" + document_id,
        document_id=document_id,
        revision="r1",
        classifier_version="c1",
        taxonomy_version="t1",
        source_id="wire",
        source_kind="news",
        published_at=at,
        relevant=True,
        initiatives=(InitiativeLabel(id=initiative, confidence=0.9),),
        countries=("IN",),
        commitments=commitments,
    )


def promise(initiative: str, due_from: date, due_to: date, text: str) -> Commitment:
    return Commitment(
        initiative=initiative, action="convene", due_from=due_from, due_to=due_to, due_text=text
    )


def book(*subs: Subscription) -> SubscriptionBook:
    out = SubscriptionBook()
    for sub in subs:
        out.apply(
            subscription_changed(
                sub.subscription_id, "created", version=1, subscription=sub, producer=PRODUCER
            )
        )
    return out


def channel() -> WebhookChannel:
    return WebhookChannel(url="https://hooks.example/c", secret="whsec_dGVzdA==")


def load_promises(warehouse: ChdbWarehouse) -> None:
    """A promise due soon (reported twice), one overdue, one overdue but followed up."""
    migrate(warehouse, MIGRATIONS_DIR)
    soon = promise("quad", TODAY + timedelta(days=5), TODAY + timedelta(days=30), "in June")
    overdue = promise("ipef", date(2026, 3, 1), date(2026, 4, 30), "by April")
    followed = promise("in-jp.annual-summit", date(2026, 3, 1), date(2026, 4, 30), "in spring")
    rows = TableRows()
    for event in (
        classified("d1", date(2026, 2, 1), "quad", soon),
        classified("d2", date(2026, 2, 3), "quad", soon),  # the same promise, reported again
        classified("d3", date(2026, 1, 10), "ipef", overdue),
        classified("d4", date(2026, 1, 10), "in-jp.annual-summit", followed),
        classified("d5", date(2026, 5, 2), "in-jp.annual-summit"),  # a follow-up mention
    ):
        rows.add_record(encode(event))
    for table, table_rows in rows.tables.items():
        warehouse.insert_rows(table, table_rows)


def test_scan_raises_due_soon_and_overdue_once(fresh_database: ChdbWarehouse) -> None:
    load_promises(fresh_database)
    subscriptions = book(
        Subscription(
            subscription_id="sub_all",
            name="Promises",
            trigger=CommitmentTrigger(due_within_days=14, overdue_grace_days=7),
            channel=channel(),
        ),
        Subscription(
            subscription_id="sub_quad_docs",
            name="Quad documents",
            filter=Filter(initiatives=("quad",)),
            trigger=DocumentTrigger(),
            channel=channel(),
        ),
    )
    sent: list[AlertRaised] = []
    count = scan_commitments_once(fresh_database, subscriptions.active(), sent.append, TODAY)
    states = sorted(
        (a.commitment.initiative, a.commitment.state) for a in sent if a.commitment is not None
    )
    assert count == len(sent) == 2
    assert states == [("ipef", "overdue"), ("quad", "due_soon")]
    assert {a.subscription_id for a in sent} == {"sub_all"}
    quad = next(a for a in sent if a.commitment and a.commitment.initiative == "quad")
    assert quad.commitment is not None and quad.commitment.document_id == "d1"
    again: list[AlertRaised] = []
    scan_commitments_once(
        fresh_database, subscriptions.active(), again.append, TODAY + timedelta(days=1)
    )
    assert sorted(a.alert_id for a in again) == sorted(a.alert_id for a in sent)


def test_the_delivery_roles_scanner_uses_the_subscriptions_it_is_given(
    fresh_database: ChdbWarehouse, broker: Broker, topics: TopicNames
) -> None:
    """The delivery role scans with its worker's subscriptions and long-lived clients; it
    used to re-read policy.subscriptions from its beginning on every scan (memory grew
    with the topic's history). The subscriptions topic stays empty here."""
    load_promises(fresh_database)
    server = WarehouseHttpServer(fresh_database, [EndpointUser("default", "", readonly=True)])
    server.start()
    settings = load_settings(
        kafka={"bootstrap": broker.bootstrap},
        topics=topics.model_dump(),
        warehouse={
            "url": f"clickhouse://default:@127.0.0.1:{server.port}/{fresh_database.database}"
        },
    )
    promises = Subscription(
        subscription_id="sub_all",
        name="Promises",
        trigger=CommitmentTrigger(due_within_days=14, overdue_grace_days=7),
        channel=channel(),
    )
    scanner = CommitmentScanner(settings, broker.bootstrap, PRODUCER)
    try:
        counts = [scanner.scan([promises], TODAY) for _ in range(2)]
    finally:
        scanner.close()
        server.stop()
    assert counts == [2, 2]
    published = [event for _key, event in read_all(broker.bootstrap, topics.alerts)]
    assert len(published) == 4 and len({a.alert_id for a in published}) == 2
    assert read_all(broker.bootstrap, topics.subscriptions) == []


def test_a_met_promise_raises_nothing_and_a_candidates_promise_can_be_overdue(
    fresh_database: ChdbWarehouse,
) -> None:
    migrate(fresh_database, MIGRATIONS_DIR)
    window = {"due_from": date(2026, 3, 1), "due_to": date(2026, 4, 30)}
    kept = Commitment(initiative="ipef", action="sign", due_text="by April", **window)
    broken = Commitment(initiative="in-jp.2plus2", action="meet", due_text="by April", **window)
    new = Commitment(candidate=DIALOGUE, action="convene", due_text="by April", **window)
    held = Occurrence(initiative="ipef", kind="signing", on=date(2026, 4, 18))
    early = Occurrence(initiative="in-jp.2plus2", kind="meeting", on=date(2026, 1, 5))
    rows = TableRows()
    for event in (
        classified("p1", date(2026, 1, 10), "ipef", kept),
        classified("p2", date(2026, 1, 10), "in-jp.2plus2", broken),
        classified("p3", date(2026, 1, 10), "quad", new).model_copy(
            update={"candidates": (candidate(),)}
        ),
        # the signing reported in April; a 2+2 meeting held before the promise was made
        classified("o1", date(2026, 4, 20), "ipef").model_copy(update={"occurrences": (held,)}),
        classified("o2", date(2026, 1, 12), "in-jp.2plus2").model_copy(
            update={"occurrences": (early,)}
        ),
    ):
        rows.add_record(encode(event))
    for table, table_rows in rows.tables.items():
        fresh_database.insert_rows(table, table_rows)
    subscriptions = book(
        Subscription(
            subscription_id="sub_all",
            name="Promises",
            trigger=CommitmentTrigger(due_within_days=14, overdue_grace_days=7),
            channel=channel(),
        )
    )
    sent: list[AlertRaised] = []
    scan_commitments_once(fresh_database, subscriptions.active(), sent.append, TODAY)
    overdue = {(a.commitment.initiative or a.commitment.candidate): a for a in sent if a.commitment}
    assert set(overdue) == {"in-jp.2plus2", DIALOGUE}  # ipef was signed in time
    assert all(a.commitment and a.commitment.state == "overdue" for a in sent)
    assert DIALOGUE_NAME in overdue[DIALOGUE].title
    # the same scan a month before the deadline: ipef was already signed, the others are due
    before: list[AlertRaised] = []
    scan_commitments_once(fresh_database, subscriptions.active(), before.append, date(2026, 4, 20))
    assert {a.commitment.initiative or a.commitment.candidate for a in before if a.commitment} == {
        "in-jp.2plus2",
        DIALOGUE,
    }
    assert {a.commitment.state for a in before if a.commitment} == {"due_soon"}
