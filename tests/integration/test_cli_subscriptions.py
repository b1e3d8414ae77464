"""`policywatch subscriptions ...` and `tokens ...` against a running `policywatch api` process.

The API is its own process (as the stack runs it), publishing to a real Tansu; the
CLI finds it through run.json and the admin token file, as on a developer's machine.
The channel test reaches a real local webhook receiver that verifies the signature.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ops.process import stop_process
from ops.runfile import write_json_atomic
from ops.settings import load_settings
from ops.tokens import ensure_admin_token
from schemas.subscriptions import SubscriptionChanged
from schemas.topics import TopicNames
from tests.conftest import REPO, Broker
from tests.delivery_receivers import Route, WebhookReceiver
from tests.integration.test_producers_kafka import read_all
from tests.policywatch_cli import wait_until_ready

EXAMPLE = REPO / "ops" / "subscription.example.yaml"


@dataclass(frozen=True)
class RunningApi:
    url: str
    data_dir: Path
    env: dict[str, str]
    proc: subprocess.Popen[bytes]


def policywatch(
    api: RunningApi, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ops.cli", *args],
        check=False,
        env={**api.env, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.fixture()
def api(broker: Broker, topics: TopicNames, tmp_path: Path) -> Iterator[RunningApi]:
    data_dir = tmp_path / "var"
    env = {
        **os.environ,
        "POLICYWATCH_DATA_DIR": str(data_dir),
        "POLICYWATCH_KAFKA__BOOTSTRAP": broker.bootstrap,
        "POLICYWATCH_TOPICS__SUBSCRIPTIONS": topics.subscriptions,
        "POLICYWATCH_API__PORT": "0",
        "POLICYWATCH_DELIVERY__ALLOW_NETWORKS": '["127.0.0.1"]',
        "POLICYWATCH_LOG_FORMAT": "json",
        "COLUMNS": "200",
    }
    env.pop("POLICYWATCH_API_URL", None)
    env.pop("POLICYWATCH_API_TOKEN", None)
    ensure_admin_token(load_settings(data_dir=data_dir))  # what `policywatch up` does
    ready = tmp_path / "api.ready.json"
    log_path = tmp_path / "api.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ops.cli", "api", "--ready-file", str(ready)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
    info = wait_until_ready(proc, ready, log_path, "policywatch api")
    # the run file as the supervisor writes it: each role's ready info under its name
    write_json_atomic(
        data_dir / "run.json", {"pid": os.getpid(), "roles": {"api": {"pid": proc.pid, **info}}}
    )
    running = RunningApi(info["api"]["url"], data_dir, env, proc)
    try:
        yield running
    finally:
        if proc.poll() is None:
            stop_process(proc)


def test_subscription_life_cycle_from_the_cli(
    api: RunningApi, broker: Broker, topics: TopicNames
) -> None:
    receiver = WebhookReceiver()
    try:
        added = policywatch(
            api,
            "subscriptions",
            "add",
            "--name",
            "Quad in India and Japan",
            "--initiative",
            "quad",
            "--country",
            "IN",
            "--country",
            "JP",
            "--trigger",
            "volume",
            "--threshold",
            "3",
            "--window-minutes",
            "60",
            "--webhook",
            receiver.url("/hook"),
        )
        assert added.returncode == 0, added.stderr
        sid = next(w for w in added.stdout.split() if w.startswith("sub_"))
        secret = next(line for line in added.stdout.splitlines() if line.startswith("whsec_"))

        listed = policywatch(api, "subscriptions", "list", "--format", "json")
        assert listed.returncode == 0, listed.stderr
        [item] = json.loads(listed.stdout)
        assert item["subscription_id"] == sid and item["trigger"]["threshold"] == 3
        assert item["filter"]["countries"] == ["IN", "JP"]
        assert item["channel"]["secret"] == "…" + secret[-4:] and secret not in listed.stdout
        table = policywatch(api, "subscriptions", "list")
        assert sid in table.stdout and "volume" in table.stdout

        paused = policywatch(api, "subscriptions", "pause", sid)
        assert f"{sid} is paused (version 2)" in paused.stdout, paused.stderr
        resumed = policywatch(api, "subscriptions", "resume", sid)
        assert f"{sid} is active (version 3)" in resumed.stdout, resumed.stderr
        shown = json.loads(policywatch(api, "subscriptions", "show", sid).stdout)
        assert (shown["active"], shown["version"]) == (True, 3)

        receiver.routes["/hook"] = Route(secret=secret)  # verifies the Standard Webhooks signature
        tested = policywatch(api, "subscriptions", "test", sid)
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "delivered" in tested.stdout
        [hit] = receiver.accepted("/hook")
        assert hit.signature_error is None and b"Test alert" in hit.body
    finally:
        receiver.close()

    from_file = policywatch(api, "subscriptions", "add", "--file", str(EXAMPLE))
    assert from_file.returncode == 0, from_file.stderr
    removed = policywatch(api, "subscriptions", "remove", sid)
    assert f"removed {sid} (version 4)" in removed.stdout, removed.stderr
    remaining = json.loads(policywatch(api, "subscriptions", "list", "--format", "json").stdout)
    assert [s["name"] for s in remaining] == ["Critical minerals, India and Japan"]

    changes = [
        (e.change, e.version)
        for _k, e in read_all(broker.bootstrap, topics.subscriptions)
        if isinstance(e, SubscriptionChanged) and e.subscription_id == sid
    ]
    assert changes == [("created", 1), ("paused", 2), ("resumed", 3), ("deleted", 4)]

    api.proc.send_signal(signal.SIGTERM)
    assert api.proc.wait(timeout=30) == 0


def test_cli_errors_name_the_field_the_scope_and_the_fix(api: RunningApi) -> None:
    invalid = policywatch(
        api,
        "subscriptions",
        "add",
        "--name",
        "x",
        "--trigger",
        "volume",
        "--threshold",
        "0",
        "--webhook",
        "https://hooks.example.org/x",
    )
    assert invalid.returncode == 2 and "trigger.threshold" in invalid.stderr
    typo = policywatch(
        api,
        *("subscriptions", "add", "--name", "Quad", "--initiative", "quadd"),
        *("--country", "JPN", "--webhook", "https://hooks.example.org/x"),
    )
    assert typo.returncode == 2, typo.stdout + typo.stderr
    assert "filter.initiatives[0]: unknown initiative 'quadd'; did you mean quad" in typo.stderr
    assert "filter.countries[0]: unknown country 'JPN'; did you mean JP?" in typo.stderr
    assert "Traceback" not in typo.stderr and "created" not in typo.stdout
    assert json.loads(policywatch(api, "subscriptions", "list", "--format", "json").stdout) == []
    missing = policywatch(api, "subscriptions", "show", "sub_nope")
    assert missing.returncode == 1 and "404" in missing.stderr
    new = ("subscriptions", "add", "--name", "New in Japan", "--trigger", "new_initiative")
    new += ("--country", "JP", "--webhook", "https://hooks.example.org/new")
    digested = policywatch(api, *new, "--digest", "daily")
    assert digested.returncode == 2 and "digest" in digested.stderr  # a 422: the input
    added = policywatch(api, *new)
    assert added.returncode == 0, added.stderr
    [listed_new] = json.loads(policywatch(api, "subscriptions", "list", "--format", "json").stdout)
    assert listed_new["trigger"] == {"kind": "new_initiative"}
    assert listed_new["filter"]["countries"] == ["JP"]

    created = policywatch(api, "tokens", "create", "--name", "dashboard", "--scope", "read")
    assert created.returncode == 0, created.stderr
    read_token = created.stdout.strip()
    assert read_token.startswith("pwt_") and read_token not in created.stderr
    listed = policywatch(api, "subscriptions", "list", "--api-url", api.url, "--token", read_token)
    assert listed.returncode == 0, listed.stderr
    refused = policywatch(
        api,
        "subscriptions",
        "pause",
        "sub_any",
        env={"POLICYWATCH_API_URL": api.url, "POLICYWATCH_API_TOKEN": read_token},
    )
    assert refused.returncode == 1 and "403" in refused.stderr and "needs 'write'" in refused.stderr

    tokens = policywatch(api, "tokens", "list")
    assert "dashboard" in tokens.stdout and "…" + read_token[-4:] in tokens.stdout
    assert read_token not in tokens.stdout
    token_id = next(w for w in created.stderr.split() if w.startswith("tok_"))
    assert policywatch(api, "tokens", "revoke", token_id).returncode == 0
    revoked = policywatch(api, "subscriptions", "list", "--token", read_token)
    assert revoked.returncode == 1 and "401" in revoked.stderr
    assert policywatch(api, "tokens", "revoke", token_id).returncode == 1

    elsewhere = policywatch(
        api, "subscriptions", "list", env={"POLICYWATCH_DATA_DIR": str(api.data_dir / "none")}
    )
    assert elsewhere.returncode == 1 and "--api-url" in elsewhere.stderr
