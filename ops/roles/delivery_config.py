"""Settings -> DeliveryConfig: the delivery package never sees the whole Settings."""

from __future__ import annotations

from ops.runtime.fetch_wait import fetch_wait_ms
from ops.settings import Settings
from ops.version import policywatch_version
from sinks.delivery.config import DeliveryConfig, SmtpConfig


def delivery_config(settings: Settings) -> DeliveryConfig:
    d = settings.delivery
    smtp = d.smtp
    return DeliveryConfig(
        allow_networks=tuple(d.allow_networks),
        timeout_s=d.timeout_s,
        max_response_bytes=d.max_response_bytes,
        max_attempts=d.max_attempts,
        backoff_base_s=d.backoff_base_s,
        backoff_max_s=d.backoff_max_s,
        endpoint_concurrency=d.endpoint_concurrency,
        circuit_failures=d.circuit_failures,
        circuit_reset_s=d.circuit_reset_s,
        smtp=SmtpConfig(
            host=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            starttls=smtp.starttls,
            sender=smtp.sender,
            timeout_s=smtp.timeout_s,
        ),
        topics=settings.topics,
        compression=settings.kafka.compression,
        version=policywatch_version(),
        kafka_timeout_s=settings.kafka.request_timeout_s,
        fetch_wait_ms=fetch_wait_ms(settings),
    )
