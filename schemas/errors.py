"""The error tree every policywatch package raises.

Each error carries a ``reason`` code (dead-letter reason and metric label) and
``retriable`` (whether the same call may succeed later). Messages name the value
and the fix.
"""

from __future__ import annotations


class PolicywatchError(Exception):
    """Root of all policywatch errors."""

    reason: str = "error"
    retriable: bool = False

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class InvalidEvent(PolicywatchError):
    """Bytes or a record that do not form a valid event of a known version."""

    reason = "invalid_event"


class SourceError(PolicywatchError):
    """An input (file, feed, page) that cannot be read or parsed."""

    reason = "source_error"


class TaxonomyError(PolicywatchError):
    """A taxonomy file that does not validate."""

    reason = "invalid_taxonomy"


class WarehouseError(PolicywatchError):
    """The warehouse refused or failed a statement."""

    reason = "warehouse_error"

    def __init__(self, message: str, *, reason: str | None = None, retriable: bool = False) -> None:
        super().__init__(message, reason=reason)
        self.retriable = retriable


class DeliveryError(PolicywatchError):
    """An alert could not be delivered to its channel."""

    reason = "delivery_failed"
    retriable = True


class ConfigError(PolicywatchError):
    """Settings that cannot work; the message says which one and how to fix it."""

    reason = "invalid_config"


class BrokerError(PolicywatchError):
    """The Kafka broker is unreachable or refused a request."""

    reason = "broker_unavailable"
    retriable = True


class InvalidURL(SourceError):
    """A URL that cannot name a web document (not http(s), no host, unparseable)."""

    reason = "invalid_url"
