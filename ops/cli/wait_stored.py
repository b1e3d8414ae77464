"""`--wait` of `replay` and `ingest`: follow the work until it is queryable, with the time left."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.progress import TextColumn

from ops.cli.output import progress_with_time_left
from ops.settings import Settings

STALL_S = 300.0


def wait_until_stored(settings: Settings, console: Console, stall_s: float = STALL_S) -> None:
    """Show what is left to classify and to store until both are done; exit 1 if neither
    shrinks for ``stall_s`` (Ctrl-C stops the waiting, not the work)."""
    from ops.features.replay_progress import Backlog, BacklogReader, Follower
    from ops.runtime.access import open_warehouse, resolve_bootstrap

    bootstrap = resolve_bootstrap(settings)
    warehouse = open_warehouse(settings)
    started = time.monotonic()
    try:
        with progress_with_time_left(
            console, "[bold]{task.description:>8}", TextColumn("{task.fields[left]}")
        ) as progress:
            tasks = {
                name: progress.add_task(name, total=None, left="") for name in ("classify", "store")
            }
            most = {name: 0 for name in tasks}

            def show(now: Backlog) -> None:
                for name, left in (("classify", now.classify), ("store", now.store)):
                    most[name] = max(most[name], left)
                    progress.update(
                        tasks[name],
                        total=most[name] or 1,
                        completed=(most[name] - left) if most[name] else 1,
                        left=f"{left:,} records left",
                    )

            follower = Follower(BacklogReader(settings, bootstrap, warehouse), stall_s)
            done = follower.follow(show)
    except KeyboardInterrupt:
        console.print("stopped waiting; the stack goes on with the work")
        raise typer.Exit(130) from None
    finally:
        warehouse.close()
    if not done:
        console.print(
            f"[red]no progress in {stall_s:.0f}s:[/] are the workers and the sink running? "
            "`policywatch status` shows each role and its lag"
        )
        raise typer.Exit(1)
    console.print(f"classified and stored: queryable after {time.monotonic() - started:.1f}s")
