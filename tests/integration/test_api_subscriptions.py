"""The subscriptions API on a real socket, storing subscriptions on a real Tansu topic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from ops.alert_restore import SubscriptionJournal
from ops.api import build_api_app
from ops.api_auth import ApiConfig
from ops.subscription_store import SubscriptionStore
from ops.tokens import TokenStore
from ops.webhook_targets import target_checker
from schemas.envelope import Producer
from schemas.subscriptions import SubscriptionChanged
from schemas.topics import TopicNames
from streams.taxonomy.known import KnownIds
from streams.taxonomy.load import load_taxonomy
from tests.conftest import Broker
from tests.integration.test_producers_kafka import read_all
from tests.unit.producers.test_intake import serve

SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="
SLACK = "https://hooks.slack.example/services/T000/B000/very-secret-part"
SUBSCRIPTION = {
    "name": "Quad critical minerals",
    "filter": {"initiatives": ["quad.critical-minerals-initiative"], "countries": ["IN", "JP"]},
    "trigger": {"kind": "volume", "threshold": 3, "window_minutes": 120},
    "channel": {"kind": "webhook", "url": "https://hooks.example.org/pw", "secret": SECRET},
}


def open_store(
    broker: Broker, topics: TopicNames, journal: Path | None = None
) -> SubscriptionStore:
    store = SubscriptionStore(
        broker.bootstrap,
        topics.subscriptions,
        producer=Producer(name="policywatch-api", version="test"),
        journal=SubscriptionJournal(journal) if journal else None,
        timeout_s=15,
    )
    store.start(timeout_s=60)
    return store


@contextmanager
def running_api(
    broker: Broker,
    topics: TopicNames,
    tokens: TokenStore,
    journal: Path | None = None,
    config: ApiConfig | None = None,
) -> Iterator[str]:
    store = open_store(broker, topics, journal)
    try:
        with serve(build_api_app(store, tokens, config or ApiConfig(max_body_bytes=4096))) as url:
            yield url
    finally:
        store.close()


@pytest.fixture()
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "api-tokens.json")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_required_and_scoped(
    broker: Broker, topics: TopicNames, tokens: TokenStore
) -> None:
    _r, read = tokens.create("reader", "read")
    _w, write = tokens.create("writer", "write")
    with running_api(broker, topics, tokens) as url, httpx.Client(base_url=url, timeout=30) as http:
        assert http.get("/health").json()["status"] == "ok"
        anonymous = http.get("/subscriptions")
        unknown = http.get("/subscriptions", headers=bearer("pwt_not-a-token"))
        refused = http.post("/subscriptions", json=SUBSCRIPTION, headers=bearer(read))
        listed = http.get("/subscriptions", headers=bearer(read))
        not_admin = http.get("/tokens", headers=bearer(write))
        docs = http.get("/openapi.json")
    for answer in (anonymous, unknown):
        assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert refused.status_code == 403 and "needs 'write'" in refused.json()["detail"]
    assert 'scope="write"' in refused.headers["WWW-Authenticate"]
    assert listed.status_code == 200 and listed.json() == {"subscriptions": []}
    assert not_admin.status_code == 403
    assert read_all(broker.bootstrap, topics.subscriptions) == []  # the refused write left nothing
    schema = docs.json()
    assert "/subscriptions/{subscription_id}/pause" in schema["paths"]
    assert "subscription_id" not in schema["components"]["schemas"]["SubscriptionIn"]["properties"]
    kinds = schema["components"]["schemas"]["NewInitiativeTrigger"]["properties"]["kind"]
    assert kinds["const"] == "new_initiative"


def test_crud_round_trip_through_the_topic(
    broker: Broker, topics: TopicNames, tokens: TokenStore, tmp_path: Path
) -> None:
    _w, write = tokens.create("writer", "write")
    journal = tmp_path / "subscriptions.journal"
    with (
        running_api(broker, topics, tokens, journal) as url,
        httpx.Client(base_url=url, timeout=30, headers=bearer(write)) as http,
    ):
        created = http.post("/subscriptions", json=SUBSCRIPTION)
        assert created.status_code == 201, created.text
        sid = created.json()["subscription_id"]
        assert http.get(f"/subscriptions/{sid}").json() == created.json()  # read-your-writes
        paused = http.post(f"/subscriptions/{sid}/pause").json()
        again = http.post(f"/subscriptions/{sid}/pause").json()  # already paused: no event
        resumed = http.post(f"/subscriptions/{sid}/resume").json()
        renamed = http.put(
            f"/subscriptions/{sid}", json={**created.json(), "name": "Renamed", "version": 3}
        )
        stale = http.put(f"/subscriptions/{sid}", json={**created.json(), "version": 1})
        other = http.post(
            "/subscriptions",
            json={**SUBSCRIPTION, "name": "Slack", "channel": {"kind": "slack", "url": SLACK}},
        ).json()
        gone = http.delete(f"/subscriptions/{sid}")
        missing = http.get(f"/subscriptions/{sid}")
    assert created.json()["version"] == 1 and created.json()["active"] is True
    assert (paused["active"], paused["version"]) == (False, 2) and again["version"] == 2
    assert (resumed["active"], resumed["version"]) == (True, 3)
    assert renamed.status_code == 200 and renamed.json()["version"] == 4
    assert renamed.json()["channel"]["secret"] == "…" + SECRET[-4:]  # kept, shown masked
    assert stale.status_code == 409 and "version 4" in stale.json()["detail"]
    assert gone.json() == {"subscription_id": sid, "version": 5, "deleted": True}
    assert missing.status_code == 404

    events = [e for _k, e in read_all(broker.bootstrap, topics.subscriptions)]
    assert all(isinstance(e, SubscriptionChanged) for e in events)
    mine = [e for e in events if isinstance(e, SubscriptionChanged) and e.subscription_id == sid]
    assert [(e.change, e.version) for e in mine] == [
        ("created", 1),
        ("paused", 2),
        ("resumed", 3),
        ("updated", 4),
        ("deleted", 5),
    ]
    first = mine[0].subscription
    assert first is not None and first.channel.kind == "webhook"
    assert first.channel.secret.get_secret_value() == SECRET  # the log carries it for signing

    # a second instance folding the topic from the beginning sees the same state and versions
    fresh = open_store(broker, topics)
    try:
        assert fresh.get(sid) is None and fresh.version(sid) == 5
        assert [s.subscription_id for s in fresh.list()] == [other["subscription_id"]]
        assert fresh.version(other["subscription_id"]) == 1
    finally:
        fresh.close()
    assert len(SubscriptionJournal(journal).latest()) == 2  # what a restarted stack restores


def test_validation_errors_name_the_field_path(
    broker: Broker, topics: TopicNames, tokens: TokenStore
) -> None:
    _w, write = tokens.create("writer", "write")
    bad = {
        **SUBSCRIPTION,
        "filter": {"countries": ["IN", 3]},
        "channel": {"kind": "webhook", "url": "https://h.example/x", "secret": "nope"},
        "trigger": {"kind": "spike", "z_score": -1},
    }
    with (
        running_api(broker, topics, tokens) as url,
        httpx.Client(base_url=url, timeout=30, headers=bearer(write)) as http,
    ):
        invalid = http.post("/subscriptions", json=bad)
        not_json = http.post(
            "/subscriptions", content=b"{", headers={"Content-Type": "application/json"}
        )
        too_big = http.post("/subscriptions", json={**SUBSCRIPTION, "name": "x" * 5000})
        unknown_kind = http.post(
            "/subscriptions", json={**SUBSCRIPTION, "channel": {"kind": "pigeon"}}
        )
    assert invalid.status_code == 422
    fields = {e["field"] for e in invalid.json()["errors"]}
    assert fields == {"filter.countries[1]", "channel.secret", "trigger.z_score"}
    assert "filter.countries[1]" in invalid.json()["detail"]
    assert not_json.status_code == 400 and too_big.status_code == 413
    assert unknown_kind.status_code == 422
    assert unknown_kind.json()["errors"][0]["field"] == "channel"
    assert read_all(broker.bootstrap, topics.subscriptions) == []


def test_email_header_injection_is_refused_in_every_field(
    broker: Broker, topics: TopicNames, tokens: TokenStore
) -> None:
    _w, write = tokens.create("writer", "write")
    channels = [
        {"kind": "email", "to": ["desk@example.org\r\nBcc: spy@evil.example"]},
        {"kind": "email", "to": ["desk@example.org", "a@b.example, spy@evil.example"]},
        {"kind": "email", "to": ["desk@example.org"], "subject_prefix": "[pw]\nBcc: s@e.x"},
    ]
    with (
        running_api(broker, topics, tokens) as url,
        httpx.Client(base_url=url, timeout=30, headers=bearer(write)) as http,
    ):
        answers = [
            http.post("/subscriptions", json={**SUBSCRIPTION, "channel": c}) for c in channels
        ]
    assert [a.status_code for a in answers] == [422, 422, 422], [a.text for a in answers]
    fields = [{e["field"] for e in a.json()["errors"]} for a in answers]
    expected = ["channel.to[0]", "channel.to[1]", "channel.subject_prefix"]
    assert all(path in found for path, found in zip(expected, fields, strict=True)), fields
    assert "not one e-mail address" in answers[0].json()["detail"]
    assert read_all(broker.bootstrap, topics.subscriptions) == []


def test_secrets_are_never_returned_or_logged_in_clear(
    broker: Broker, topics: TopicNames, tokens: TokenStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="kafka")  # as ops.logging configures it
    caplog.set_level(logging.DEBUG)  # (last: it also sets the capturing handler's level)
    _a, admin = tokens.create("admin", "admin")
    no_secret = {**SUBSCRIPTION, "channel": {"kind": "webhook", "url": "https://h.example/y"}}
    slack = {**SUBSCRIPTION, "channel": {"kind": "slack", "url": SLACK}}
    with (
        running_api(broker, topics, tokens) as url,
        httpx.Client(base_url=url, timeout=30, headers=bearer(admin)) as http,
    ):
        given = http.post("/subscriptions", json=SUBSCRIPTION).json()
        generated = http.post("/subscriptions", json=no_secret).json()
        to_slack = http.post("/subscriptions", json=slack).json()
        listing = http.get("/subscriptions").text
        shown = http.get(f"/subscriptions/{generated['subscription_id']}").json()
        new_token = http.post("/tokens", json={"name": "ci", "scope": "write"})
        token_list = http.get("/tokens").text
    assert "generated_secret" not in given and SECRET not in str(given)
    secret = generated["generated_secret"]
    assert secret.startswith("whsec_") and "generated_secret" not in shown
    assert shown["channel"]["secret"] == "…" + secret[-4:]
    assert to_slack["channel"]["url"] == "…" + SLACK[-4:]
    for clear in (SECRET, secret, SLACK):
        assert clear not in listing
    assert new_token.status_code == 201
    clear_token = new_token.json()["token"]
    assert clear_token not in token_list and clear_token not in tokens.path.read_text()
    assert tokens.authenticate(clear_token) is not None
    assert "subscription sub_" in caplog.text  # the changes were logged, without secrets
    for clear in (SECRET, secret, SLACK, admin, clear_token):
        assert clear not in caplog.text


def test_a_running_store_follows_changes_made_elsewhere_and_skips_bad_records(
    broker: Broker, topics: TopicNames
) -> None:
    from ops.ports import wait_until
    from producers.publish import Outgoing, Publisher
    from schemas.subscriptions import Subscription

    publisher = Publisher(broker.bootstrap, timeout_s=15)
    try:  # garbage and an empty value before any real change
        report = publisher.publish(
            [
                Outgoing(topics.subscriptions, b"sub_x", b"not json"),
                Outgoing(topics.subscriptions, b"sub_x", b""),
            ]
        )
        assert report.sent == 2
    finally:
        publisher.close()
    writer, follower = open_store(broker, topics), open_store(broker, topics)
    try:
        subscription = Subscription.model_validate({**SUBSCRIPTION, "subscription_id": "sub_f"})
        writer.change("sub_f", "created", subscription)
        assert wait_until(lambda: follower.get("sub_f") == subscription, 30)
        paused = subscription.model_copy(update={"active": False})
        assert follower.change("sub_f", "paused", paused).version == 2
        assert wait_until(lambda: writer.version("sub_f") == 2, 30)
        assert writer.get("sub_f") == paused and follower.events_read >= 1
    finally:
        writer.close()
        follower.close()


def test_a_webhook_to_a_private_address_is_refused_when_saved(
    broker: Broker, topics: TopicNames, tokens: TokenStore
) -> None:
    _w, write = tokens.create("writer", "write")
    guarded = ApiConfig(check_target=target_checker([]))
    allowed = ApiConfig(check_target=target_checker(["127.0.0.0/8"]))

    def post(config: ApiConfig, url: str) -> httpx.Response:
        body = {**SUBSCRIPTION, "channel": {"kind": "webhook", "url": url, "secret": SECRET}}
        with (
            running_api(broker, topics, tokens, config=config) as api,
            httpx.Client(base_url=api, timeout=30, headers=bearer(write)) as http,
        ):
            return http.post("/subscriptions", json=body)

    loopback = post(guarded, "http://127.0.0.1:9/hook?token=abc")
    metadata = post(allowed, "http://169.254.169.254/latest/meta-data")
    on_prem = post(allowed, "http://127.0.0.1:9/hook")
    assert loopback.status_code == 422, loopback.text
    detail = loopback.json()["detail"]
    assert "127.0.0.1" in detail and "loopback" in detail and "allow_networks" in detail
    assert "token=abc" not in loopback.text
    assert metadata.status_code == 422 and "169.254.169.254" in metadata.json()["detail"]
    assert on_prem.status_code == 201, on_prem.text  # the allow-list admits on-prem receivers


def test_unknown_ids_are_refused_with_the_closest_known_ones(
    broker: Broker, topics: TopicNames, tokens: TokenStore, tmp_path: Path
) -> None:
    _w, write = tokens.create("writer", "write")
    known = KnownIds.of(load_taxonomy())
    typo = {**SUBSCRIPTION, "filter": {"initiatives": ["quad", "quadd"], "countries": ["JPN"]}}
    config = ApiConfig(max_body_bytes=4096, known_ids=lambda: known)
    with (
        running_api(broker, topics, tokens, config=config) as url,
        httpx.Client(base_url=url, timeout=30, headers=bearer(write)) as http,
    ):
        refused = http.post("/subscriptions", json=typo)
        created = http.post("/subscriptions", json=SUBSCRIPTION)
    assert refused.status_code == 422
    errors = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert errors.keys() == {"filter.initiatives[1]", "filter.countries[0]"}
    # the closest id first; which others follow depends on the taxonomy of the day
    assert errors["filter.initiatives[1]"].startswith(
        "unknown initiative 'quadd'; did you mean quad"
    )
    assert errors["filter.countries[0]"] == "unknown country 'JPN'; did you mean JP?"
    assert created.status_code == 201, created.text
    events = [e for _k, e in read_all(broker.bootstrap, topics.subscriptions)]
    assert len(events) == 1  # the refused one left nothing on the topic
