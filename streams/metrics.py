"""Prometheus metrics of the stream processors."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_IN = Counter(
    "policywatch_stream_events_in_total", "Records read by a stream stage", ["stage"]
)
EVENTS_OUT = Counter(
    "policywatch_stream_events_out_total",
    "Records emitted by a stream stage, by outcome",
    ["stage", "outcome"],
)
DEADLETTERS = Counter(
    "policywatch_stream_deadletters_total",
    "Records a stream stage sent to the dead-letter path",
    ["stage", "reason"],
)
CLASSIFY_SECONDS = Histogram(
    "policywatch_classify_seconds",
    "Time to classify one document",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
TAXONOMY_RELOADS = Counter(
    "policywatch_taxonomy_reloads_total", "Taxonomy changes applied without a restart"
)
TAXONOMY_UP = Gauge(
    "policywatch_taxonomy_up",
    "0 while the changed taxonomy files are invalid (the last good taxonomy stays in use)",
)
TAXONOMY_UP.set(1)

ALERTS_RAISED = Counter(
    "policywatch_alerts_raised_total", "Alerts published to policy.alerts, by trigger", ["trigger"]
)
ALERT_EVALUATION_SECONDS = Histogram(
    "policywatch_alert_evaluation_seconds",
    "Time to evaluate one classified document against every subscription",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
)
ALERT_SUBSCRIPTIONS = Gauge(
    "policywatch_alert_subscriptions",
    "Active subscriptions in this worker's subscription book",
)
