"""Prometheus metrics of the producers."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PUBLISHED = Counter(
    "policywatch_producer_events_total",
    "Events published by producers, by outcome",
    ["producer", "outcome"],
)

SOURCE_RUNS = Counter(
    "policywatch_source_runs_total",
    "Runs of a source, by status (ok|degraded|error)",
    ["source", "status"],
)
SOURCE_DOCUMENTS = Counter(
    "policywatch_source_documents_total",
    "Articles a source run handled, by outcome (emitted|unchanged|deadletter)",
    ["source", "outcome"],
)
SOURCE_ERRORS = Counter(
    "policywatch_source_errors_total",
    "Source and article failures, by reason",
    ["source", "reason"],
)
SOURCE_REQUESTS = Counter(
    "policywatch_source_requests_total",
    "HTTP fetches of a source, by outcome (ok|not_modified|error)",
    ["source", "outcome"],
)
SOURCE_FETCH_SECONDS = Histogram(
    "policywatch_source_fetch_seconds",
    "Latency of one HTTP fetch (after the host's rate limit let it start)",
    ["source"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
SOURCE_LAST_SUCCESS = Gauge(
    "policywatch_source_last_success_timestamp_seconds",
    "When a run last read the source (Unix time)",
    ["source"],
)
SOURCE_LAST_RUN = Gauge(
    "policywatch_source_last_run_timestamp_seconds",
    "When a run of the source last ended",
    ["source"],
)
SOURCE_UP = Gauge("policywatch_source_up", "1 when the source's last run read it", ["source"])
INTAKE_REQUESTS = Counter(
    "policywatch_intake_requests_total", "POST /documents requests, by HTTP status", ["status"]
)
INTAKE_DOCUMENTS = Counter(
    "policywatch_intake_documents_total", "Documents accepted by the HTTP intake"
)
