"""Refuse a subscription whose webhook would reach a private address, when it is saved.

The delivery worker checks every connection anyway (``sinks.delivery.ssrf``); checking
at creation tells the analyst at once, with the same rule and allow-list, instead of
through a failed delivery later. A host that does not resolve now is accepted: DNS
may differ where the delivery worker runs, and the worker checks again.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from schemas.errors import DeliveryError
from schemas.subscriptions import SlackChannel, Subscription, WebhookChannel
from sinks.delivery.ssrf import AddressPolicy, RefusedTarget, check_url_form, system_resolve

log = logging.getLogger(__name__)

TargetCheck = Callable[[Subscription], Awaitable[str | None]]


def channel_url(subscription: Subscription) -> str | None:
    channel = subscription.channel
    if isinstance(channel, WebhookChannel):
        return channel.url
    if isinstance(channel, SlackChannel):
        return channel.url.get_secret_value()
    return None


def target_checker(allow_networks: list[str]) -> TargetCheck:
    """``check(subscription)`` -> why its URL is refused, or None."""
    policy = AddressPolicy.from_entries(allow_networks)

    async def check(subscription: Subscription) -> str | None:
        url = channel_url(subscription)
        if url is None:
            return None
        try:
            check_url_form(url, "channel.url")
            parts = urlsplit(url)
            host = parts.hostname or ""
            port = parts.port or (443 if parts.scheme == "https" else 80)
            for address in await system_resolve(host, port):
                category = policy.refusal(host, ipaddress.ip_address(address.split("%", 1)[0]))
                if category is not None:
                    raise RefusedTarget(host, address, category)
        except RefusedTarget as exc:
            return f"channel.url: {exc}"
        except DeliveryError as exc:
            if exc.reason == "dns_failed":
                log.warning("subscription %s: %s", subscription.subscription_id, exc)
                return None
            return str(exc)
        return None

    return check
