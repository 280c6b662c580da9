"""Executing a plan: each change as AWS operations in the plan's order, new accounts created and
polled, every step in the audit log, each new account's id written back into its YAML file.

Decides nothing: the planner did. AWS through the `AwsCalls` port, git through `GitRepository`."""
