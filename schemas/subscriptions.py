"""SubscriptionChanged: alert subscriptions as events on a compacted topic.

A subscription is never edited in place: every change is an event keyed by
``subscription_id`` and the processors rebuild the current state from the log,
so the topic alone can restore every subscription.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_serializer,
    model_validator,
)

from schemas.envelope import Event, Producer, UtcDatetime, utcnow
from schemas.ids import event_id_for

SourceKindName = Literal["news", "official_statement"]


class Filter(BaseModel):
    """Which classified documents a subscription is about; empty lists match anything."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    initiatives: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    source_kinds: tuple[SourceKindName, ...] = ()
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = Field(
        default=(), description="phrases; a document matches when any occurs in its title or body"
    )
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)


class DocumentTrigger(BaseModel):
    """One alert per matching document (per revision)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["document"] = "document"


class VolumeTrigger(BaseModel):
    """At least ``threshold`` matching documents within ``window_minutes``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["volume"] = "volume"
    threshold: int = Field(ge=1)
    window_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)


class SpikeTrigger(BaseModel):
    """The last hour's matching count against trailing hourly counts (z-score)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["spike"] = "spike"
    baseline_hours: int = Field(default=168, ge=6, le=24 * 90)
    z_score: float = Field(default=3.0, gt=0)
    min_documents: int = Field(default=3, ge=1, description="never a spike below this count")


class CommitmentTrigger(BaseModel):
    """A commitment due within ``due_within_days``, or overdue with no follow-up mention."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["commitment"] = "commitment"
    due_within_days: int = Field(default=14, ge=0, le=366)
    overdue_grace_days: int = Field(default=7, ge=0, le=366)


class NewInitiativeTrigger(BaseModel):
    """An initiative candidate (a named initiative not in the taxonomy) seen for the first
    time in a matching document; the filter's countries and actors apply to its parties."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["new_initiative"] = "new_initiative"


Trigger = Annotated[
    DocumentTrigger | VolumeTrigger | SpikeTrigger | CommitmentTrigger | NewInitiativeTrigger,
    Field(discriminator="kind"),
]


class WebhookChannel(BaseModel):
    """A JSON POST signed per the Standard Webhooks convention (HMAC-SHA256)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["webhook"] = "webhook"
    url: str = Field(min_length=8, max_length=2000)
    secret: SecretStr = Field(description="signing secret, 'whsec_' + base64; never logged")

    @field_serializer("secret", when_used="json")
    def _reveal(self, secret: SecretStr) -> str:
        # the log must carry the secret for the delivery worker to sign; logs and
        # errors never print it (SecretStr's repr is masked)
        return secret.get_secret_value()


class SlackChannel(BaseModel):
    """A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["slack"] = "slack"
    url: SecretStr = Field(description="the incoming-webhook URL is itself a credential")

    @field_serializer("url", when_used="json")
    def _reveal(self, url: SecretStr) -> str:
        return url.get_secret_value()


# One bare address: nothing that could end a header line or add a recipient (CR, LF and
# other controls, spaces, commas, semicolons, angle brackets, quotes, a second '@').
_SPECIALS = r"\x00-\x20\x7f-\x9f\u2028\u2029()<>\[\]:;@\\,\""
EMAIL_ADDRESS_PATTERN = rf"^[^{_SPECIALS}]+@[^{_SPECIALS}]+$"
_EMAIL_ADDRESS = re.compile(EMAIL_ADDRESS_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def check_email_address(value: str) -> str:
    """``value`` if it is one bare address (local@domain); header injection never passes."""
    if not _EMAIL_ADDRESS.fullmatch(value):
        raise ValueError(
            f"{value!r} is not one e-mail address; give a bare address such as "
            "desk@example.org (no name, spaces, commas or line breaks), one per entry"
        )
    return value


def _one_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(f"{value!r} contains a line break or control character; remove it")
    return value


EmailAddress = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"pattern": EMAIL_ADDRESS_PATTERN}),
    AfterValidator(check_email_address),
]


class EmailChannel(BaseModel):
    """E-mail over SMTP (the server is a setting), plain text and HTML.

    Every field reaches a mail header, so each is refused when it could inject one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["email"] = "email"
    to: tuple[EmailAddress, ...] = Field(min_length=1, max_length=50)
    subject_prefix: Annotated[str, AfterValidator(_one_line)] = Field(
        default="[policywatch]", max_length=100
    )


Channel = Annotated[WebhookChannel | SlackChannel | EmailChannel, Field(discriminator="kind")]


class Subscription(BaseModel):
    """Who wants to be told what, when, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subscription_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    owner: str = Field(default="", max_length=200)
    filter: Filter = Filter()
    trigger: Trigger = DocumentTrigger()
    channel: Channel
    digest: Literal["none", "hourly", "daily"] = Field(
        default="none", description="collect alerts and send one message per period"
    )
    active: bool = True


ChangeKind = Literal["created", "updated", "paused", "resumed", "deleted"]


class SubscriptionChanged(Event):
    """One change of one subscription; ``subscription`` is the state after it (None if deleted)."""

    EVENT_TYPE = "subscription.changed"
    SCHEMA_VERSION = 1

    event_type: Literal["subscription.changed"] = "subscription.changed"
    schema_version: Literal[1] = 1

    subscription_id: str = Field(min_length=1, max_length=64)
    change: ChangeKind
    version: int = Field(ge=1, description="1 for created, +1 per change: later wins")
    subscription: Subscription | None = None

    @model_validator(mode="after")
    def _state_matches_change(self) -> SubscriptionChanged:
        if self.change == "deleted" and self.subscription is not None:
            raise ValueError("a deleted subscription carries no state")
        if self.change != "deleted" and self.subscription is None:
            raise ValueError(f"a '{self.change}' change must carry the subscription")
        if self.subscription and self.subscription.subscription_id != self.subscription_id:
            raise ValueError("subscription.subscription_id differs from subscription_id")
        return self


def new_subscription_id() -> str:
    """Random per creation: two equal subscriptions are still two."""
    return "sub_" + secrets.token_hex(10)


def subscription_changed(
    subscription_id: str,
    change: ChangeKind,
    *,
    version: int,
    subscription: Subscription | None,
    producer: Producer,
    at: UtcDatetime | None = None,
) -> SubscriptionChanged:
    """Build the event with its deterministic id (subscription, version, change)."""
    now = at or utcnow()
    event_id = event_id_for(subscription_id, str(version), SubscriptionChanged.EVENT_TYPE, change)
    return SubscriptionChanged(
        event_id=event_id,
        occurred_at=now,
        observed_at=now,
        producer=producer,
        trace_id=event_id,
        subscription_id=subscription_id,
        change=change,
        version=version,
        subscription=subscription,
    )
