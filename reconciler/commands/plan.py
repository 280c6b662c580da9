"""`reconciler plan`: read the repository and AWS, print the changes that would make AWS match.

Exit codes: 0 done (with --detailed-exitcode: no changes), 1 an error, 2 (with
--detailed-exitcode) there are changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import click

from reconciler import clock
from reconciler.adapters.aws import AwsClient
from reconciler.apply.closing import close_pacer_for, with_close_queue
from reconciler.commands.progress import StderrProgress
from reconciler.commands.publish import publish_plan
from reconciler.commands.rollouts import rollouts_from_env
from reconciler.errors import ExitCode, RepositoryError, show_path
from reconciler.live.access import account_management_trusted
from reconciler.live.baselines import read_baselines
from reconciler.live.read import read_organization
from reconciler.live.scope import ReadScope, scope_for
from reconciler.model import Organization
from reconciler.plan.changes import Plan
from reconciler.plan.checks import needs_account_management, rename_notes
from reconciler.plan.file import write_plan_file
from reconciler.plan.fingerprint import fingerprint
from reconciler.plan.planner import plan as make_plan
from reconciler.plan.planner import plan_to_json
from reconciler.plan.render.markdown import render_markdown
from reconciler.plan.render.text import render_text
from reconciler.plan.rollout import Rollouts, effective, start_notes
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.repository.load import check_repository
from reconciler.repository.problems import format_text

FORMATS = ("text", "markdown", "json")


@dataclass(frozen=True)
class Planned:
    desired: Organization
    live: Organization
    plan: Plan
    client: AwsClient
    rollouts: Rollouts = field(default_factory=Rollouts)  # the records the plan was made with


def load_valid(repo: Path) -> Organization:
    """The repository's model; every problem listed (as `validate` prints them) when invalid."""
    desired, problems = check_repository(repo)
    if desired is None:
        count = len(problems)
        raise RepositoryError(f"the repository is invalid ({count} problem{'s' * (count != 1)}):\n"
                              + format_text(problems).rstrip("\n"))
    return desired


def read_live(scope: ReadScope, client: AwsClient | None = None) -> tuple[Organization, AwsClient]:
    client = client or AwsClient()
    return read_organization(client, scope, StderrProgress()), client


def plan_repository(repo: Path, rollouts: Rollouts | None = None) -> Planned:
    """The plan of the repository against AWS, with every rollout's state as the desired state
    (docs/rollout.md): the records given, else those GitHub keeps when it is configured."""
    desired = load_valid(repo)
    live, client = read_live(scope_for(desired))
    live = read_baselines(client, desired, live)
    if rollouts is None:
        rollouts = rollouts_from_env(desired)
    planned = rollout_plan(desired, live, rollouts)
    made = with_access_notes(planned, live, client)
    made = with_close_queue(made, close_pacer_for(client, desired, live, made.changes, clock.now()))
    return Planned(desired, live, made, client, rollouts)


def rollout_plan(desired: Organization, live: Organization, rollouts: Rollouts) -> Plan:
    """plan(desired, live) with every rollout's state as the desired state; the plan keeps the
    repository's own fingerprint, so a step taken by the schedule does not make a pull request's
    shown plan stale."""
    planned = make_plan(effective(desired, live, rollouts), live)
    notes = start_notes(desired, live, rollouts)
    return replace(planned, notes=(*planned.notes, *notes), repository_fingerprint=fingerprint(desired))


def with_access_notes(plan: Plan, live: Organization, client: AwsClient) -> Plan:
    """A plan that renames a member account says when trusted access, which renames need, is off
    (one ListAWSServiceAccessForOrganization read, made only for such a plan)."""
    if not needs_account_management(plan.changes, live.management_account_id):
        return plan
    notes = rename_notes(plan.changes, live.management_account_id, account_management_trusted(client))
    return replace(plan, notes=(*plan.notes, *notes))


def render(plan: Plan, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(plan_to_json(plan), indent=2, ensure_ascii=False) + "\n"
    return render_markdown(plan) if output_format == "markdown" else render_text(plan)


@click.command("plan")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The desired-state repository.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people, markdown for pull requests, json for tools.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the plan as JSON to FILE, for `apply --plan FILE`.")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 2 when there are changes, 0 when there are none.")
@click.option("--comment", is_flag=True,
              help="In a pull_request run: post the plan as the pull request's one plan comment "
                   "(edited in place), write it to the job summary, set the has_changes output.")
@click.pass_context
def command(ctx: click.Context, repo: Path, output_format: str, out: Path | None,
            detailed_exitcode: bool, comment: bool) -> None:
    """Show the changes that would make AWS match the repository."""
    # A run that cannot post its comment says so before the read of AWS, which can take minutes.
    actions = _comment_env() if comment else None
    planned = plan_repository(repo)
    click.echo(render(planned.plan, output_format), nl=False)
    if out is not None:
        write_plan_file(planned.plan, out)
        click.echo(f"plan written to {show_path(out)}", err=True)
    if actions is not None:
        publish_plan(planned.plan, actions)
    if detailed_exitcode and not planned.plan.empty:
        ctx.exit(ExitCode.CHANGES)


def _comment_env() -> ActionsEnv:
    env = ActionsEnv.from_environ()
    env.pull_request_number()
    env.require_api()
    return env
