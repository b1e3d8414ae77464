"""How policywatch runs: settings, CLI, supervisor, embedded broker, migrations, dashboards."""
