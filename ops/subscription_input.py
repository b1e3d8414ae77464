"""Subscriptions as clients write and read them: validation with field paths, masked secrets.

Secrets are write-only. A response shows a webhook secret or a Slack URL as
``…abcd`` (the last four characters); a client that sends such a masked value
back, or leaves the secret out of an update, keeps the stored one. A webhook
created without a secret gets a generated one, returned once.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from pydantic import ValidationError

from schemas.subscriptions import (
    NewInitiativeTrigger,
    SlackChannel,
    Subscription,
    WebhookChannel,
)
from streams.taxonomy.known import KnownIds, LabelKind

MASK = "…"
SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 16
_UNION_TAGS = {
    "channel": {"webhook", "slack", "email"},
    "trigger": {"document", "volume", "spike", "commitment", "new_initiative"},
}


class InvalidSubscription(ValueError):
    """Input that does not form a subscription; ``errors`` name each field by its path."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        super().__init__(f"{len(errors)} invalid field(s): {summary}")


def generate_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def mask(value: str) -> str:
    """``…`` and the last four characters (nothing of a short value)."""
    return MASK + value[-4:] if len(value) >= 12 else MASK


def _is_masked(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(MASK)


def field_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    """``('channel', 'webhook', 'url')`` -> ``channel.url``; list items as ``[2]``."""
    out = prefix
    previous: int | str | None = None
    for part in loc:
        if isinstance(previous, str) and part in _UNION_TAGS.get(previous, ()):
            previous = part
            continue  # pydantic names the union member; the client's path has no such step
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        previous = part
    return out or "<body>"


def validation_errors(exc: ValidationError, prefix: str = "") -> list[dict[str, str]]:
    return [
        {
            "field": field_path(tuple(err["loc"]), prefix),
            "message": err["msg"].removeprefix("Value error, "),
        }
        for err in exc.errors()
    ]


def _check_secret(secret: Any) -> str | None:
    """Why a webhook secret is unusable, or None."""
    if not isinstance(secret, str):
        return "must be a string"
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < MIN_SECRET_BYTES:
        return (
            f"must be '{SECRET_PREFIX}' followed by base64 of at least {MIN_SECRET_BYTES} "
            "random bytes; leave it out to have one generated"
        )
    return None


def _merge_channel(
    channel: Any, current: Subscription | None, errors: list[dict[str, str]]
) -> tuple[Any, str | None]:
    """The channel to validate, with kept or generated secrets; and a generated secret."""
    if channel is None and current is not None:
        return current.channel.model_dump(mode="json"), None
    if not isinstance(channel, dict):
        return channel, None
    channel = dict(channel)
    old = current.channel if current is not None else None
    generated: str | None = None
    if channel.get("kind") == "webhook":
        if channel.get("secret") is None or _is_masked(channel.get("secret")):
            if isinstance(old, WebhookChannel):
                channel["secret"] = old.secret.get_secret_value()
            else:
                generated = channel["secret"] = generate_webhook_secret()
        problem = _check_secret(channel["secret"])
        if problem:
            errors.append({"field": "channel.secret", "message": problem})
    elif channel.get("kind") == "slack" and (
        channel.get("url") is None or _is_masked(channel.get("url"))
    ):
        if isinstance(old, SlackChannel):
            channel["url"] = old.url.get_secret_value()
        elif _is_masked(channel.get("url")):
            errors.append({"field": "channel.url", "message": "send the full incoming-webhook URL"})
    return channel, generated


def subscription_from_input(
    data: Any, subscription_id: str, current: Subscription | None = None
) -> tuple[Subscription, str | None]:
    """Validate a client's subscription; ``current`` is the stored one on an update.

    Returns the subscription and the webhook secret generated for it (or None).
    Raises :class:`InvalidSubscription` listing every bad field by its path.
    """
    if not isinstance(data, dict):
        raise InvalidSubscription([{"field": "<body>", "message": "send a subscription object"}])
    data = dict(data)
    errors: list[dict[str, str]] = []
    given_id = data.pop("subscription_id", None)
    if given_id is not None and given_id != subscription_id:
        message = (
            "is assigned by the server; leave it out"
            if current is None
            else f"differs from the subscription in the URL ({subscription_id})"
        )
        errors.append({"field": "subscription_id", "message": message})
    data.pop("version", None)  # the caller checks it (an update's expected version)
    if current is not None:
        data.setdefault("active", current.active)
    data["channel"], generated = _merge_channel(data.get("channel"), current, errors)
    if data["channel"] is None:
        data.pop("channel")
    try:
        subscription = Subscription.model_validate({**data, "subscription_id": subscription_id})
    except ValidationError as exc:
        errors.extend(validation_errors(exc))
    else:
        if isinstance(subscription.trigger, NewInitiativeTrigger) and subscription.digest != "none":
            errors.append(
                {
                    "field": "digest",
                    "message": "a new_initiative subscription alerts once per new initiative "
                    "as it is found; leave digest out",
                }
            )
    if errors:
        raise InvalidSubscription(errors)
    return subscription, generated


_FILTER_IDS: tuple[tuple[str, LabelKind], ...] = (
    ("initiatives", "initiative"),
    ("actors", "actor"),
    ("countries", "country"),
)


def unknown_label_errors(
    subscription: Subscription, known: KnownIds, current: Subscription | None = None
) -> list[dict[str, str]]:
    """Filter ids the taxonomy does not know (``filter.initiatives[0]: ... did you mean``).

    Ids the stored subscription already has are kept even when the taxonomy dropped
    them since, so renaming a subscription never fails on someone else's change.
    """
    errors = []
    for field_name, kind in _FILTER_IDS:
        values = getattr(subscription.filter, field_name)
        kept = set(getattr(current.filter, field_name)) if current is not None else set()
        for index, message in known.problems(kind, values):
            if values[index] not in kept:
                errors.append({"field": f"filter.{field_name}[{index}]", "message": message})
    return errors


def public_view(subscription: Subscription, version: int) -> dict[str, Any]:
    """The subscription as a response shows it: secrets masked, with its version."""
    data: dict[str, Any] = subscription.model_dump(mode="json")
    channel = subscription.channel
    if isinstance(channel, WebhookChannel):
        data["channel"]["secret"] = mask(channel.secret.get_secret_value())
    elif isinstance(channel, SlackChannel):
        data["channel"]["url"] = mask(channel.url.get_secret_value())
    data["version"] = version
    return data
