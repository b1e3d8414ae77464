"""``python -m ops.cli``: the same as the ``policywatch`` command."""

from ops.cli.main import main

main()
