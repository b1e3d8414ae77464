"""The command line: `policywatch <command>` (entry point ``ops.cli.main:main``).

One module per command group; each builds what it needs from Settings and hands
the work to a role (``ops.roles``), a feature (``ops.features``) or the runtime.
"""
