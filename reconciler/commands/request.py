"""`reconciler request`: turn an account-request issue into a pull request (or say what is wrong
on the issue). Run by the account-request workflow on `issues: [opened, edited]`."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.adapters.github import GitHubClient
from reconciler.errors import ExitCode
from reconciler.pullrequests.actions import ActionsEnv, ActionsEnvError
from reconciler.pullrequests.request import handle_issue


@click.command("request")
@click.option("--repo", "repo", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="A checkout of the desired-state repository's base branch.")
@click.option("--issue", "issue_number", type=int, default=None,
              help="The issue to read. Default: the issue of the event (GITHUB_EVENT_PATH).")
@click.option("--base", default="main", show_default=True, help="The branch the pull request targets.")
@click.pass_context
def command(ctx: click.Context, repo: Path, issue_number: int | None, base: str) -> None:
    """Open (or update) the pull request an account-request issue asks for."""
    env = ActionsEnv.from_environ()
    number = issue_number if issue_number is not None else env.section("issue").get("number")
    if not isinstance(number, int):
        raise ActionsEnvError("no issue to read: pass --issue N, or run on an `issues` event")
    if issue_number is None and env.section("issue").get("state") == "closed":
        # An edit to a closed request (its pull request merged, or the request withdrawn) must
        # not open a second pull request for it.
        click.echo(f"issue #{number} is closed: nothing to do")
        return
    port = GitHubClient.from_actions(env)
    # The reply on the issue is written with the same token as the pull request it opens.
    outcome = handle_issue(port, repo, port.issue(number), env.pr_author_login, base)
    if outcome.pull is None:
        click.echo(f"issue #{number}: request refused, {len(outcome.problems)} problem(s); "
                   "the reasons are on the issue", err=True)
        ctx.exit(ExitCode.ERROR)
    verb = "updated" if outcome.updated else "opened"
    click.echo(f"issue #{number}: {verb} pull request #{outcome.pull.number} {outcome.pull.url}")
