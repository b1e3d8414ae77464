"""CLI of alerting: `subscriptions ...` over the HTTP API, `tokens ...` and the `api` role.

``subscriptions`` commands talk to the API (``ops.api_client`` finds it and its
token), exactly as curl would; ``tokens`` work on the tokens file directly, as
the local administrator. ``register(app)`` adds them all (once).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from ops.api_client import ApiClient, ApiError, resolve_api_url, resolve_token
from ops.cli_tokens import tokens_app
from ops.output import stderr_console, stdout_console
from ops.settings import Settings
from schemas.errors import ConfigError

console = stdout_console()
err_console = stderr_console()
subscriptions_app = typer.Typer(
    no_args_is_help=True, help="Alert subscriptions, through the subscriptions API."
)

ApiUrl = Annotated[
    str | None,
    typer.Option(
        "--api-url", envvar="POLICYWATCH_API_URL", help="default: the running stack's API"
    ),
]
Token = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="POLICYWATCH_API_TOKEN",
        show_envvar=True,
        help="bearer token; default: <data dir>/api-admin.token",
    ),
]
Many = Annotated[list[str] | None, typer.Option()]


class Format(StrEnum):
    table = "table"
    json = "json"


class TriggerKind(StrEnum):
    document = "document"
    volume = "volume"
    spike = "spike"
    commitment = "commitment"
    new_initiative = "new_initiative"


class Digest(StrEnum):
    none = "none"
    hourly = "hourly"
    daily = "daily"


def _client(ctx: typer.Context, api_url: str | None, token: str | None) -> ApiClient:
    settings: Settings = ctx.obj
    return ApiClient(resolve_api_url(settings, api_url), resolve_token(settings, token))


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_subscription_file(path: Path) -> dict[str, Any]:
    """A subscription from a YAML or JSON file (the API validates it)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML/JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold one subscription (a mapping: name, channel, ...)")
    return data


def trigger_from_flags(kind: TriggerKind, **params: float | int | None) -> dict[str, Any]:
    """The trigger object: its kind and the parameters given for it."""
    return {"kind": kind.value, **{k: v for k, v in params.items() if v is not None}}


def channel_from_flags(
    webhook: str | None, secret: str | None, slack: str | None, email: list[str] | None
) -> dict[str, Any]:
    chosen = [c for c in (webhook, slack, email) if c]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one channel: --webhook URL, --slack URL or --email")
    if webhook:
        return {"kind": "webhook", "url": webhook, **({"secret": secret} if secret else {})}
    if slack:
        return {"kind": "slack", "url": slack}
    return {"kind": "email", "to": list(email or [])}


@subscriptions_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="what it is about, for people")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="a full subscription in YAML or JSON")
    ] = None,
    owner: Annotated[str, typer.Option(help="who to ask about it")] = "",
    initiative: Many = None,
    actor: Many = None,
    country: Many = None,
    source_kind: Many = None,
    language: Many = None,
    keyword: Annotated[list[str] | None, typer.Option(help="phrase in title or body")] = None,
    min_confidence: Annotated[float | None, typer.Option(min=0, max=1)] = None,
    trigger: Annotated[TriggerKind, typer.Option(help="when to alert")] = TriggerKind.document,
    threshold: Annotated[int | None, typer.Option(help="volume: documents")] = None,
    window_minutes: Annotated[int | None, typer.Option(help="volume: window")] = None,
    baseline_hours: Annotated[int | None, typer.Option(help="spike: trailing hours")] = None,
    z_score: Annotated[float | None, typer.Option(help="spike: how unusual")] = None,
    min_documents: Annotated[int | None, typer.Option(help="spike: at least")] = None,
    due_within_days: Annotated[int | None, typer.Option(help="commitment: due soon")] = None,
    overdue_grace_days: Annotated[int | None, typer.Option(help="commitment: overdue")] = None,
    webhook: Annotated[str | None, typer.Option(help="POST signed JSON to this URL")] = None,
    secret: Annotated[
        str | None, typer.Option(help="webhook signing secret (whsec_...); generated if absent")
    ] = None,
    slack: Annotated[str | None, typer.Option(help="Slack-compatible incoming webhook")] = None,
    email: Annotated[list[str] | None, typer.Option(help="recipient (repeat)")] = None,
    digest: Annotated[Digest, typer.Option(help="one message per period")] = Digest.none,
    api_url: ApiUrl = None,
    token: Token = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Create a subscription from flags, or from a YAML/JSON file (--file)."""
    if file is not None:
        if any((initiative, actor, country, keyword, webhook, slack, email, threshold)):
            raise typer.BadParameter(
                "--file holds the whole subscription; only --name may be added"
            )
        body = read_subscription_file(file)
        if name:
            body["name"] = name
    else:
        if not name:
            raise typer.BadParameter("--name is required (or give --file)")
        filters: dict[str, Any] = {
            "initiatives": initiative or [],
            "actors": actor or [],
            "countries": country or [],
            "source_kinds": source_kind or [],
            "languages": language or [],
            "keywords": keyword or [],
        }
        if min_confidence is not None:
            filters["min_confidence"] = min_confidence
        body = {
            "name": name,
            "owner": owner,
            "filter": {k: v for k, v in filters.items() if v != []},
            "trigger": trigger_from_flags(
                trigger,
                threshold=threshold,
                window_minutes=window_minutes,
                baseline_hours=baseline_hours,
                z_score=z_score,
                min_documents=min_documents,
                due_within_days=due_within_days,
                overdue_grace_days=overdue_grace_days,
            ),
            "channel": channel_from_flags(webhook, secret, slack, email),
            "digest": digest.value,
        }
    try:
        created = _client(ctx, api_url, token).call("POST", "/subscriptions", body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        # the API refused the input (an unknown id, a bad field): a usage error, like typer's
        err_console.print(f"[red]refused:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    if fmt is Format.json:
        _print_json(created)
        return
    console.print(
        f"created [bold]{created['subscription_id']}[/] (version {created['version']}): "
        f"{created['name']}"
    )
    if created.get("generated_secret"):
        console.print("webhook signing secret (shown once; the receiver verifies with it):")
        sys.stdout.write(created["generated_secret"] + "\n")


def _channel_text(channel: dict[str, Any]) -> str:
    if channel.get("kind") == "email":
        return "email " + ", ".join(channel.get("to", []))
    return f"{channel.get('kind')} {channel.get('url', '')}"


def _trigger_text(trigger: dict[str, Any]) -> str:
    params = ", ".join(f"{k}={v}" for k, v in trigger.items() if k != "kind")
    return f"{trigger.get('kind')}" + (f" ({params})" if params else "")


def _filter_text(flt: dict[str, Any]) -> str:
    parts = [
        f"{key}: {','.join(map(str, value))}"
        for key, value in flt.items()
        if isinstance(value, list) and value
    ]
    if flt.get("min_confidence"):
        parts.append(f"confidence>={flt['min_confidence']}")
    return "; ".join(parts) or "everything"


@subscriptions_app.command("list")
def list_command(
    ctx: typer.Context,
    api_url: ApiUrl = None,
    token: Token = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List subscriptions (secrets masked)."""
    items = _client(ctx, api_url, token).call("GET", "/subscriptions")["subscriptions"]
    if fmt is Format.json:
        _print_json(items)
        return
    table = Table(title=f"{len(items)} subscriptions", title_justify="left")
    for column in ("id", "name", "state", "filter", "trigger", "channel", "digest", "version"):
        table.add_column(column)
    for s in items:
        table.add_row(
            s["subscription_id"],
            s["name"],
            "active" if s["active"] else "paused",
            _filter_text(s["filter"]),
            _trigger_text(s["trigger"]),
            _channel_text(s["channel"]),
            s["digest"],
            str(s["version"]),
        )
    console.print(table)


@subscriptions_app.command("show")
def show(
    ctx: typer.Context, subscription_id: str, api_url: ApiUrl = None, token: Token = None
) -> None:
    """One subscription as JSON (secrets masked)."""
    _print_json(_client(ctx, api_url, token).call("GET", f"/subscriptions/{subscription_id}"))


def _change(
    ctx: typer.Context, action: str, subscription_id: str, api_url: str | None, token: str | None
) -> None:
    client = _client(ctx, api_url, token)
    if action == "remove":
        answer = client.call("DELETE", f"/subscriptions/{subscription_id}")
        console.print(f"removed {subscription_id} (version {answer['version']})")
        return
    answer = client.call("POST", f"/subscriptions/{subscription_id}/{action}")
    state = "active" if answer["active"] else "paused"
    console.print(f"{subscription_id} is {state} (version {answer['version']})")


@subscriptions_app.command("pause")
def pause(
    ctx: typer.Context, subscription_id: str, api_url: ApiUrl = None, token: Token = None
) -> None:
    """Stop alerting until resumed (the subscription stays)."""
    _change(ctx, "pause", subscription_id, api_url, token)


@subscriptions_app.command("resume")
def resume(
    ctx: typer.Context, subscription_id: str, api_url: ApiUrl = None, token: Token = None
) -> None:
    """Alert again."""
    _change(ctx, "resume", subscription_id, api_url, token)


@subscriptions_app.command("remove")
def remove(
    ctx: typer.Context, subscription_id: str, api_url: ApiUrl = None, token: Token = None
) -> None:
    """Delete a subscription."""
    _change(ctx, "remove", subscription_id, api_url, token)


@subscriptions_app.command("test")
def test(
    ctx: typer.Context, subscription_id: str, api_url: ApiUrl = None, token: Token = None
) -> None:
    """Send a sample alert through the subscription's channel; exit 1 if it failed."""
    answer = _client(ctx, api_url, token).call("POST", f"/subscriptions/{subscription_id}/test")
    status = f" (HTTP {answer['http_status']})" if answer.get("http_status") else ""
    if answer.get("delivered"):
        console.print(f"[green]delivered[/] to {answer.get('endpoint', '')}{status}")
        return
    err_console.print(
        f"[red]not delivered[/] to {answer.get('endpoint', '')}{status}: {answer.get('error', '')}"
    )
    raise typer.Exit(1)


def api(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="listen address (default: settings)")] = None,
    port: Annotated[int | None, typer.Option(help="port; 0 = a free one")] = None,
    ready_file: Annotated[Path | None, typer.Option(hidden=True)] = None,
) -> None:
    """Serve the subscriptions API (bearer tokens), docs at /docs (one role of the stack)."""
    from ops.api_role import run_api
    from ops.logging import configure_logging

    settings: Settings = ctx.obj
    configure_logging(settings.log_level, settings.log_format, role="api")
    run_api(settings, ready_file, host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add `subscriptions`, `tokens` and `api` to the main CLI (once)."""
    if any(c.name == "api" for c in app.registered_commands):
        return
    app.add_typer(subscriptions_app, name="subscriptions")
    app.add_typer(tokens_app, name="tokens")
    app.command("api")(api)
