"""Settings: environment, file and flags in that order; secrets never printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ops.settings import load_settings
from schemas.errors import ConfigError


def test_environment_file_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "policywatch.yaml"
    config.write_text("kafka:\n  partitions: 8\nsink:\n  batch_size: 100\n", encoding="utf-8")
    monkeypatch.setenv("POLICYWATCH_SINK__BATCH_SIZE", "250")
    settings = load_settings(config, streams={"workers": 2})
    assert settings.kafka.partitions == 8  # from the file
    assert settings.sink.batch_size == 250  # the environment wins over the file
    assert settings.streams.workers == 2 and settings.streams.app_id == "policywatch"
    assert settings.warehouse_url.startswith("chdb://")


def test_a_flag_leaves_the_other_settings_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--data-dir` must not turn defaults into choices: `up` picks a free API port only
    when none was set, and a fixed 8089 collides with any other stack on the machine."""
    monkeypatch.delenv("POLICYWATCH_API__PORT", raising=False)
    assert "port" not in load_settings(data_dir=tmp_path).api.model_fields_set
    monkeypatch.setenv("POLICYWATCH_API__PORT", "9099")
    chosen = load_settings(data_dir=tmp_path).api
    assert chosen.port == 9099 and "port" in chosen.model_fields_set


def test_invalid_settings_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYWATCH_KAFKA__PARTITIONS", "0")
    with pytest.raises(ConfigError, match=r"kafka\.partitions"):
        load_settings()


def test_an_smtp_sender_that_could_inject_a_header_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "POLICYWATCH_DELIVERY__SMTP__SENDER", "pw@example.org\r\nBcc: x@evil.example"
    )
    with pytest.raises(ConfigError, match=r"delivery\.smtp\.sender.*not one e-mail address"):
        load_settings()


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "POLICYWATCH_WAREHOUSE__WRITER_PASSWORD": "hunter2-secret",
        "POLICYWATCH_WAREHOUSE__URL": "clickhouse://pw:db-secret@ch.local:8123/policywatch",
        "POLICYWATCH_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "config", "show"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "hunter2-secret" not in result.stdout and "db-secret" not in result.stdout
    shown = json.loads(result.stdout)
    assert shown["warehouse"]["writer_password"] == "**********"
    assert shown["data_dir"] == str(tmp_path)
    assert shown["warehouse_url"] == "clickhouse://pw:***@ch.local:8123/policywatch"
