"""Client input to subscriptions: field paths, kept and generated secrets, masked views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ops.cli_subscriptions import read_subscription_file
from ops.subscription_input import (
    InvalidSubscription,
    public_view,
    subscription_from_input,
    unknown_label_errors,
)
from schemas.subscriptions import SlackChannel, VolumeTrigger, WebhookChannel
from streams.taxonomy.known import KnownIds

EXAMPLE = Path(__file__).parents[3] / "ops" / "subscription.example.yaml"
SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ="
SLACK = "https://hooks.slack.example/services/T000/B000/XXXXsecretpart"


def test_the_shipped_example_file_validates() -> None:
    subscription, generated = subscription_from_input(read_subscription_file(EXAMPLE), "sub_x")
    assert isinstance(subscription.trigger, VolumeTrigger)
    assert subscription.filter.initiatives and subscription.filter.min_confidence == 0.5
    assert isinstance(subscription.channel, WebhookChannel)
    assert generated is not None and subscription.channel.secret.get_secret_value() == generated


def test_errors_name_the_field_path_without_union_member_names() -> None:
    bad: dict[str, Any] = {
        "name": "",
        "filter": {"countries": ["IN", 7], "min_confidence": 2},
        "trigger": {"kind": "volume", "threshold": 0},
        "channel": {"kind": "webhook", "url": "x", "secret": "whsec_short"},
        "colour": "red",
    }
    with pytest.raises(InvalidSubscription) as raised:
        subscription_from_input(bad, "sub_x")
    fields = {e["field"] for e in raised.value.errors}
    assert fields == {
        "name",
        "filter.countries[1]",
        "filter.min_confidence",
        "trigger.threshold",
        "channel.url",
        "channel.secret",
        "colour",
    }


def test_an_update_keeps_secrets_left_out_or_sent_back_masked() -> None:
    created, _ = subscription_from_input(
        {
            "name": "a",
            "channel": {"kind": "webhook", "url": "https://h.example/x", "secret": SECRET},
        },
        "sub_x",
    )
    view = public_view(created, 1)
    assert view["channel"]["secret"] == "…" + SECRET[-4:] and SECRET not in str(view)
    updated, generated = subscription_from_input({**view, "name": "b"}, "sub_x", created)
    assert generated is None and updated.name == "b" and updated.channel == created.channel
    no_channel, _ = subscription_from_input({"name": "c"}, "sub_x", updated)
    assert no_channel.channel == created.channel


def test_slack_urls_are_masked_and_kept() -> None:
    created, _ = subscription_from_input(
        {"name": "s", "channel": {"kind": "slack", "url": SLACK}}, "sub_s"
    )
    view = public_view(created, 3)
    assert view["channel"]["url"] == "…part" and view["version"] == 3
    kept, _ = subscription_from_input(view, "sub_s", created)
    assert kept.channel == SlackChannel(url=SecretStr(SLACK))
    with pytest.raises(InvalidSubscription, match=r"channel\.url"):
        subscription_from_input(view, "sub_other")  # a new one needs the real URL


def test_the_id_is_the_servers() -> None:
    body = {"subscription_id": "mine", "name": "n", "channel": {"kind": "email", "to": ["a@b.c"]}}
    with pytest.raises(InvalidSubscription, match="subscription_id: is assigned by the server"):
        subscription_from_input(body, "sub_x")


def test_the_cli_finds_the_api_in_either_shape_of_run_json() -> None:
    from ops.api_client import api_url_of_run

    url = "http://127.0.0.1:8089"
    assert api_url_of_run({"api": {"url": url}, "roles": {}}) == url
    assert api_url_of_run({"roles": {"api": {"pid": 1, "api": {"url": url}}}}) == url
    assert api_url_of_run({"roles": {"sink": {"pid": 1}}}) is None


KNOWN = KnownIds(
    initiatives=frozenset({"quad", "quad.ipmda", "in-jp.critical-minerals-jwg"}),
    actors=frozenset({"in.s-jaishankar", "jp.toshimitsu-motegi"}),
    countries=frozenset({"IN", "JP"}),
)


def _with_filter(**flt: list[str]) -> Any:
    data = {**read_subscription_file(EXAMPLE), "filter": flt}
    return subscription_from_input(data, "sub_x")[0]


def test_filter_ids_nobody_uses_are_named_with_the_closest_known_ones() -> None:
    subscription = _with_filter(
        initiatives=["quad", "quadd"], actors=["jaishankar"], countries=["jp", "XX"]
    )
    assert unknown_label_errors(subscription, KNOWN) == [
        {
            "field": "filter.initiatives[1]",
            "message": "unknown initiative 'quadd'; did you mean quad or quad.ipmda?",
        },
        {
            "field": "filter.actors[0]",
            "message": "unknown actor 'jaishankar'; did you mean in.s-jaishankar?",
        },
        {
            "field": "filter.countries[1]",
            "message": "unknown country 'XX'; countries are ISO codes such as IN, JP, US",
        },
    ]


def test_an_update_keeps_ids_the_taxonomy_dropped_since() -> None:
    stored = _with_filter(initiatives=["quad.retired-dialogue"])
    renamed = _with_filter(initiatives=["quad.retired-dialogue"])
    assert unknown_label_errors(renamed, KNOWN, current=stored) == []
    added = _with_filter(initiatives=["quad.retired-dialogue", "quadd"])
    [error] = unknown_label_errors(added, KNOWN, current=stored)
    assert error["field"] == "filter.initiatives[1]"
