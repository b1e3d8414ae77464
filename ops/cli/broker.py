"""`policywatch broker install|list`: the durable broker of the one-machine stack.

``install`` fetches Apache Kafka from Maven Central into the cache folder (once per
version); ``list`` shows what is installed and which broker ``up`` would run.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ops.cli.output import stderr_console, stdout_console
from ops.settings import Settings

broker_app = typer.Typer(no_args_is_help=True, help="The embedded stack's Kafka broker.")
console = stdout_console()
err_console = stderr_console()


def _settings(ctx: typer.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


@broker_app.command("install")
def install(
    ctx: typer.Context,
    version: Annotated[
        str | None,
        typer.Option(help="Apache Kafka version (default: the one docker-compose runs)"),
    ] = None,
) -> None:
    """Fetch an Apache Kafka broker from Maven Central (needs Java and Maven); once per version."""
    from ops.runtime.kafka_install import install_kafka, installed_kafka

    settings = _settings(ctx)
    wanted = version or settings.broker.kafka_version
    cache = settings.broker_cache_dir
    if installed_kafka(wanted, cache) is None:
        err_console.print(f"[dim]· fetching Apache Kafka {wanted} with Maven into {cache}[/]")
    found, fetched = install_kafka(wanted, cache)
    jars = len(list(found.libs.glob("*.jar")))
    state = "installed" if fetched else "already installed"
    console.print(f"Kafka {wanted} {state} in {found.home} ({jars} jars)")
    if wanted != settings.broker.kafka_version:
        console.print(
            f"`policywatch up` runs {settings.broker.kafka_version}; to run this one set "
            f"POLICYWATCH_BROKER__KAFKA_VERSION={wanted}"
        )


@broker_app.command("list")
def list_brokers(ctx: typer.Context) -> None:
    """Installed Kafka versions and the broker `policywatch up` would start."""
    from ops.runtime.broker import choose_kind

    settings = _settings(ctx)
    cache = settings.broker_cache_dir
    versions = sorted(
        p.name for p in cache.glob("*") if p.is_dir() and (p / "install.json").is_file()
    )
    console.print(f"cache: {cache}")
    for name in versions:
        console.print(f"  kafka {name}")
    if not versions:
        console.print("  (no Kafka installed; `policywatch broker install`)")
    kind = choose_kind(settings)
    what = f"kafka {settings.broker.kafka_version}" if kind == "kafka" else "tansu (in memory)"
    console.print(f"policywatch up (--broker {settings.broker.kind}) starts: {what}")


def register(app: typer.Typer) -> None:
    """Add `broker` to the main CLI (idempotent)."""
    if any(g.name == "broker" for g in app.registered_groups):
        return
    app.add_typer(broker_app, name="broker")
