"""Prometheus metrics of the producers."""

from __future__ import annotations

from prometheus_client import Counter

PUBLISHED = Counter(
    "policywatch_producer_events_total",
    "Events published by producers, by outcome",
    ["producer", "outcome"],
)
