"""`policywatch tokens create|list|revoke`: API tokens, on the tokens file directly.

For the local administrator (whoever can read the data directory); remote
administration goes through the API's /tokens endpoints with an admin token.
A new token is printed once, on stdout alone, so it can be captured:
``TOKEN=$(policywatch tokens create --name ci --scope write)``.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from ops.output import stderr_console, stdout_console
from ops.settings import Settings
from ops.tokens import TokenStore, tokens_path

console = stdout_console()
err_console = stderr_console()
tokens_app = typer.Typer(no_args_is_help=True, help="API tokens (hashed, scoped) of this host.")


class ScopeName(StrEnum):
    read = "read"
    write = "write"
    admin = "admin"


def _store(ctx: typer.Context) -> TokenStore:
    settings: Settings = ctx.obj
    return TokenStore(tokens_path(settings))


@tokens_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="who or what uses it")],
    scope: Annotated[
        ScopeName, typer.Option(help="read: GET; write: change subscriptions; admin: tokens")
    ] = ScopeName.read,
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    store = _store(ctx)
    token, clear = store.create(name, scope.value)
    err_console.print(
        f"created {token.token_id} ({token.name}, scope {token.scope}) in {store.path}; "
        "the token is shown once:"
    )
    sys.stdout.write(clear + "\n")


@tokens_app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Tokens by id, name, scope, creation time and last four characters."""
    store = _store(ctx)
    table = Table(title=f"API tokens in {store.path}", title_justify="left")
    for column in ("id", "name", "scope", "created", "ends with"):
        table.add_column(column)
    for t in store.entries():
        table.add_row(t.token_id, t.name, t.scope, t.created_at, "…" + t.last4)
    console.print(table)


@tokens_app.command("revoke")
def revoke(ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="tok_...")]) -> None:
    """Revoke a token: the API refuses it from its next request on."""
    removed = _store(ctx).revoke(token_id)
    if removed is None:
        err_console.print(f"[red]no token {token_id}[/]; see `policywatch tokens list`")
        raise typer.Exit(1)
    console.print(f"revoked {removed.token_id} ({removed.name}, scope {removed.scope})")
