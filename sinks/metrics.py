"""Prometheus metrics of the warehouse sink (served by the process that runs it)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS = Counter(
    "policywatch_sink_events_total",
    "Events read by the sink, by topic and outcome",
    ["topic", "outcome"],
)
ROWS = Counter("policywatch_sink_rows_total", "Rows written to the warehouse", ["table"])
BATCH_EVENTS = Histogram(
    "policywatch_sink_batch_events",
    "Events per written batch",
    buckets=(1, 10, 50, 100, 500, 1000, 2500, 5000, 10000, 50000),
)
BATCH_SECONDS = Histogram(
    "policywatch_sink_batch_seconds",
    "Time to write one batch (all tables and offsets)",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WRITE_ERRORS = Counter(
    "policywatch_sink_write_errors_total", "Failed warehouse writes (retried)", ["reason"]
)
DEADLETTERS = Counter(
    "policywatch_sink_deadletters_total",
    "Records the sink sent to the dead-letter path",
    ["stage", "reason"],
)
LAG = Gauge(
    "policywatch_consumer_lag_messages",
    "Messages not yet consumed, per topic and partition",
    ["consumer", "topic", "partition"],
)
