"""Shared fixtures. The simulators' fixtures come from their own packages' pytest plugins."""

pytest_plugins: list[str] = ["orgsim.pytest_plugin", "ghfake.pytest_plugin"]
