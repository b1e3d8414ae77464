"""What the delivery worker needs to know, as one frozen value (built by ops from Settings).

Kept free of ``ops.settings`` so that ``sinks`` imports only ``schemas``; the
SMTP password stays a ``SecretStr`` so a logged or printed config never shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from schemas.topics import TopicNames
from sinks.consumer import FETCH_MAX_WAIT_MS


@dataclass(frozen=True)
class SmtpConfig:
    """The SMTP relay every e-mail subscription is sent through (an operator setting)."""

    host: str = "127.0.0.1"
    port: int = 25
    username: str = ""
    password: SecretStr = field(default=SecretStr(""), repr=False)
    starttls: bool = False
    sender: str = "policywatch@localhost"
    timeout_s: float = 10.0


@dataclass(frozen=True)
class DeliveryConfig:
    """Channels, retries, safety limits and topics of one delivery worker.

    ``allow_networks`` lists host names or CIDR networks that webhooks may reach
    although they are not public (on-prem receivers, tests); everything else
    non-public is refused after DNS resolution, at connect time.
    """

    allow_networks: tuple[str, ...] = ()
    timeout_s: float = 10.0
    max_response_bytes: int = 64 * 1024
    max_attempts: int = 8
    backoff_base_s: float = 1.0
    backoff_max_s: float = 600.0
    endpoint_concurrency: int = 4
    circuit_failures: int = 5
    circuit_reset_s: float = 60.0
    smtp: SmtpConfig = SmtpConfig()
    topics: TopicNames = field(default_factory=TopicNames)
    compression: str = "lz4"
    version: str = "0.0.0"
    max_pending: int = 10_000
    max_endpoints: int = 1024
    kafka_timeout_s: float = 30.0
    fetch_wait_ms: int = FETCH_MAX_WAIT_MS
