"""The command line: `policywatch <command>` (entry point ``ops.cli.main:main``).

One module per command group; each builds what it needs from Settings and hands
the work to a role (``ops.roles``), a feature (``ops.features``) or the runtime.
A command imports the role or feature it runs inside its body: every `policywatch`
process (each role of the stack is one) then loads only what its command needs, which
keeps start-up of the CLI and of every role to what they use.
"""
