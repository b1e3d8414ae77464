"""The pure parts of `policywatch status`: targets, lag from metrics text, health."""

from __future__ import annotations

import pytest

from ops.features.status import (
    RoleStatus,
    StackStatus,
    WarehouseStatus,
    lag_by_topic,
    parse_target,
    probe_role,
    targets_from_run,
    warehouse_status,
)
from schemas.errors import ConfigError
from sinks.warehouse.base import Warehouse

LAG = 'policywatch_consumer_lag_messages{consumer="warehouse-sink",partition="%d",topic="%s"} %s'
METRICS = "\n".join(
    [
        "# HELP policywatch_consumer_lag_messages Messages not yet consumed",
        "# TYPE policywatch_consumer_lag_messages gauge",
        LAG % (0, "policy.documents", "3.0"),
        LAG % (1, "policy.documents", "4.0"),
        LAG % (0, "policy.classified", "0.0"),
        'policywatch_sink_rows_total{table="documents"} 12.0',
    ]
)


def test_lag_is_summed_per_consumer_and_topic() -> None:
    assert lag_by_topic(METRICS) == {
        "warehouse-sink/policy.documents": 7,
        "warehouse-sink/policy.classified": 0,
    }
    assert lag_by_topic("# TYPE x gauge\nx 1\n") == {}


def test_targets_parse_and_bad_ones_say_what_to_write() -> None:
    target = parse_target("worker=http://worker:9464/metrics")
    assert (target.name, target.metrics_url, target.pid) == (
        "worker",
        "http://worker:9464/metrics",
        None,
    )
    for bad in ("worker", "=http://x:1/metrics", "worker=file:///etc/passwd", "w=http://"):
        with pytest.raises(ConfigError, match="NAME=http://host:port/metrics"):
            parse_target(bad)


def test_run_file_targets_cover_broker_supervisor_and_roles() -> None:
    run = {
        "pid": 10,
        "metrics": "http://127.0.0.1:1/metrics",
        "broker": {"pid": 11, "bootstrap": "127.0.0.1:9"},
        "roles": {"worker": {"pid": 13, "metrics": "u2"}, "sink": {"pid": 12, "metrics": "u1"}},
    }
    assert [(t.name, t.pid, t.metrics_url) for t in targets_from_run(run)] == [
        ("broker", 11, None),
        ("supervisor", 10, "http://127.0.0.1:1/metrics"),
        ("sink", 12, "u1"),
        ("worker", 13, "u2"),
    ]


def test_a_role_is_unhealthy_when_dead_or_silent_and_unknowns_do_not_count() -> None:
    assert RoleStatus("w", None, None, None, None).healthy
    assert not RoleStatus("w", 1, False, None, None).healthy
    assert not RoleStatus("w", None, None, "u", False).healthy
    down = WarehouseStatus(location="x", reachable=False)
    assert not StackStatus([RoleStatus("w", 1, True, "u", True)], down).healthy
    assert StackStatus([RoleStatus("w", 1, True, "u", True)], None).to_dict()["healthy"]


def test_an_endpoint_that_refuses_is_reported_not_raised() -> None:
    from ops.features.status import Target
    from ops.runtime.ports import free_port

    status = probe_role(Target("sink", f"http://127.0.0.1:{free_port()}/metrics"), 1.0)
    assert status.metrics_ok is False and status.error and not status.healthy


def test_an_unreachable_warehouse_is_reported_not_raised() -> None:
    def unreachable() -> Warehouse:
        raise ConfigError("no running policywatch stack found")

    status = warehouse_status(unreachable)
    assert not status.reachable and "no running policywatch stack" in (status.error or "")
