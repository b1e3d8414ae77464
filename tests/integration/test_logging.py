"""Logs go to stderr only, and a client closing normally logs no error (real Tansu)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ops.logging import configure_logging
from ops.subscription_store import SubscriptionStore
from schemas.envelope import Producer
from schemas.topics import TopicNames
from tests.conftest import Broker


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture()
def configured() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {n: logging.getLogger(n) for n in ("kafka", "kafka.cluster", "aiokafka")}
    saved = {n: (lg.level, list(lg.filters)) for n, lg in loggers.items()}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (lvl, filters) in saved.items():
        loggers[name].setLevel(lvl)
        loggers[name].filters[:] = filters


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_logs_go_to_stderr_and_never_to_stdout(
    configured: None, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    configure_logging("INFO", fmt)
    logging.getLogger("policywatch.test").warning("a warning for the operator")
    out, err = capsys.readouterr()
    assert out == ""
    assert "a warning for the operator" in err


def test_closing_kafka_clients_logs_no_cancelled_metadata_error(
    configured: None, broker: Broker, topics: TopicNames
) -> None:
    configure_logging("INFO", "json")
    collect = Collect()
    logging.getLogger().addHandler(collect)
    for _ in range(5):  # a commitment scan opens and closes a subscription book each time
        store = SubscriptionStore(
            broker.bootstrap, topics.subscriptions, producer=Producer(name="t", version="1")
        )
        store.start(timeout_s=30)
        store.close()
    errors = [f"{r.name}: {r.getMessage()}" for r in collect.records if r.levelno >= logging.ERROR]
    assert errors == []
