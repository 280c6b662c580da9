"""`reconciler effective account:NAME [--type TYPE]`: an account's effective management policies as
the repository makes them, computed locally with AWS's inheritance rules (docs/effective.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler import policy_types
from reconciler.effective import effective_policy
from reconciler.errors import RepositoryError, show
from reconciler.repository.load import load_repository


@click.command("effective")
@click.argument("target")
@click.option("--type", "policy_type", type=click.Choice(list(policy_types.MANAGEMENT)),
              help="Only this management policy type (default: every enabled one).")
@click.option("--repo", "repo", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="The desired-state repository.")
def command(target: str, policy_type: str | None, repo: Path) -> None:
    """Print an account's effective management policies, one JSON document per type."""
    kind, _, name = target.partition(":")
    if kind != "account" or not name:
        raise RepositoryError(f"{show(target)} is not account:<account_name>; effective policies are "
                              "computed for accounts (AWS's DescribeEffectivePolicy takes an account too)")
    org = load_repository(repo)
    if org.account(name) is None:
        raise RepositoryError(f"no account {show(name)} in the repository (accounts/{name}.yaml)")
    types = [policy_type] if policy_type else sorted(set(policy_types.MANAGEMENT) & org.policy_types)
    if policy_type and policy_type not in org.policy_types:
        raise RepositoryError(f"{policy_type} is not enabled: it is not in policy_types in organization.yaml")
    for kind_name in types:
        result = effective_policy(org, name, kind_name)
        click.echo(f"# {kind_name}")
        if result.document is None:
            click.echo("(no policy of this type reaches the account)")
        else:
            click.echo(json.dumps(result.document, indent=2, sort_keys=True))
