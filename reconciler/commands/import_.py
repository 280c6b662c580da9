"""`reconciler import --output DIR`: write a repository describing the live organization."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.adapters.aws import AwsClient
from reconciler.commands.plan import read_live
from reconciler.errors import ReconcilerError, show_path
from reconciler.live.access import account_management_trusted
from reconciler.live.baseline_import import read_every_baseline
from reconciler.live.scope import EVERYTHING
from reconciler.plan.checks import ENABLE_TRUSTED_ACCESS
from reconciler.repository.importer import check_output, import_organization

TRUSTED_ACCESS_OFF = (
    "import --baselines: trusted access for the AWS Account Management API (account.amazonaws.com) is "
    "off in this organization, and AWS refuses to read a member account's alternate contacts and "
    "Regions without it; nothing was written. Turn it on once, from the management account: "
    + ENABLE_TRUSTED_ACCESS + ", or import without --baselines")


@click.command("import")
@click.option("--output", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="An empty or new directory to write the repository into.")
@click.option("--baselines", "with_baselines", is_flag=True,
              help="Also import each account's contacts, opt-in Regions, Identity Center access and "
                   "budget as baselines (about 4 more calls per account; docs/import.md).")
def command(output: Path, with_baselines: bool) -> None:
    """Write organization.yaml, accounts/ and policies/ for the existing organization."""
    check_output(output)
    client = AwsClient()
    if with_baselines and not account_management_trusted(client):
        raise ReconcilerError(TRUSTED_ACCESS_OFF)
    live, _ = read_live(EVERYTHING, client)
    found = read_every_baseline(client, live) if with_baselines else None
    report = import_organization(live, output, found)
    for line in report.renamed:
        click.echo(f"renamed to fit the repository format: {line}", err=True)
    for name in report.shadows:
        click.echo(f"not imported: {name}, a rollout's shadow policy, which the reconciler deletes when "
                   "its rollout ends (docs/rollout.md)", err=True)
    for line in report.left_out:
        click.echo(f"not imported: {line}", err=True)
    if report.defaulted:
        click.echo(f"{report.defaulted} accounts lack some metadata tags: defaults were written, "
                   "marked with a comment; review them before the first apply", err=True)
    if report.adopted:
        click.echo(f"the first apply will tag {report.adopted} accounts with the reconciler's own tags "
                   "(managed-by=reconciler and the metadata tags their files set), which AWS does not "
                   "have yet: they mark an account as managed and carry its metadata; `reconciler plan` "
                   "shows them as one Adoption group", err=True)
    if with_baselines:
        click.echo(f"{report.baselined} accounts have a baseline in AWS: {report.baselines} distinct "
                   "baseline(s) written to organization.yaml as imported-1, ..., each added by its "
                   "accounts' files; review and rename them", err=True)
    click.echo(f"imported {report.accounts} accounts, {report.ous} OUs and {report.policies} policies "
               f"into {show_path(output)}")
