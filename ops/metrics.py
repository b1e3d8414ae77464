"""Prometheus metrics of the supervisor and the subscriptions API."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

ROLE_UP = Gauge("policywatch_role_up", "1 while a supervised role runs", ["role"])
ROLE_RESTARTS = Counter(
    "policywatch_role_restarts_total", "Restarts of a supervised role after it died", ["role"]
)
SPOOL_SEGMENTS = Gauge(
    "policywatch_spool_segments", "Spool segments not yet confirmed by the warehouse"
)
SPOOL_REPUBLISHED = Counter(
    "policywatch_spool_republished_total", "Documents re-published from the spool on start"
)
API_REQUESTS = Counter(
    "policywatch_api_requests_total",
    "Requests to the subscriptions API by method, route and status",
    ["method", "route", "status"],
)
