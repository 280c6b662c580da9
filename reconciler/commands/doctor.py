"""`reconciler doctor`: check what a new installation gets wrong, on AWS and on GitHub, each
finding with its fix. It reads; it never changes anything. Exit 1 when something must be fixed."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.adapters.aws import AwsClient, caller_identity, default_session
from reconciler.adapters.github import DoctorGitHubClient
from reconciler.doctor.aws import aws_findings
from reconciler.doctor.findings import Finding, must_fix, render_json, render_text
from reconciler.doctor.github import github_findings
from reconciler.errors import AwsError, ExitCode, ReconcilerError
from reconciler.model import Organization
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.repository.load import check_repository


@click.command("doctor")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The desired-state repository.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="text for people, json for tools.")
def command(repo: Path, output_format: str) -> int:
    """Check the AWS and GitHub set-up the reconciler depends on (reads only)."""
    desired, findings = _repository(repo)
    findings += _aws(desired)
    findings += _github(ActionsEnv.from_environ())
    click.echo(render_json(findings) if output_format == "json" else render_text(findings), nl=False)
    return ExitCode.ERROR if must_fix(findings) else ExitCode.OK


def _repository(repo: Path) -> tuple[Organization | None, list[Finding]]:
    desired, problems = check_repository(repo)
    if desired is None:
        return None, [Finding("repository", "valid", "fix", f"{len(problems)} problem(s) in the repository",
                              f"run: reconciler validate --repo {repo}")]
    return desired, [Finding("repository", "valid", "ok", f"{len(desired.accounts)} accounts, "
                             f"{len(desired.policies)} policies")]


def _aws(desired: Organization | None) -> list[Finding]:
    try:
        client = AwsClient()
        caller = caller_identity(default_session()).arn.split(":")[4]
    except AwsError as exc:
        return [Finding("aws", "credentials", "fix", str(exc),
                        "run with the management account's credentials (AWS_PROFILE, or the role the "
                        "workflows assume)")]
    return aws_findings(client, desired, caller)


def _github(env: ActionsEnv) -> list[Finding]:
    if not (env.repository and env.token):
        return [Finding("github", "github", "skipped", "GITHUB_REPOSITORY and GITHUB_TOKEN are not set; "
                        "set them (and GITHUB_API_URL for GitHub Enterprise) to check the repository")]
    try:
        return github_findings(DoctorGitHubClient.from_actions(env))  # type: ignore[arg-type]
    except ReconcilerError as exc:
        return [Finding("github", "github", "fix", str(exc), "check GITHUB_REPOSITORY, GITHUB_TOKEN "
                        "and GITHUB_API_URL")]
