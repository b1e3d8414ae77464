"""Prometheus metrics of the delivery worker (served by the process that runs it)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ATTEMPTS = Counter(
    "policywatch_delivery_attempts_total",
    "Delivery attempts by channel and status (delivered, retrying, failed, skipped)",
    ["channel", "status"],
)
SECONDS = Histogram(
    "policywatch_delivery_seconds",
    "Time of one delivery attempt, from connect to the endpoint's answer",
    ["channel"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
ENDPOINT_UP = Gauge(
    "policywatch_delivery_endpoint_up",
    "0 while an endpoint's circuit breaker is open (attempts to it are held back), else 1",
    ["endpoint"],
)
PENDING = Gauge(
    "policywatch_delivery_pending_alerts",
    "Alerts being delivered or waiting for their next attempt",
)
RECORD_ERRORS = Counter(
    "policywatch_delivery_record_errors_total",
    "AlertDelivery events that could not be written to the deliveries topic",
)


def forget_endpoint(endpoint: str) -> None:
    """Drop an endpoint's series once delivery no longer tracks it (bounded label set)."""
    try:
        ENDPOINT_UP.remove(endpoint)
    except KeyError:  # it never changed state, so it never had a series
        return
