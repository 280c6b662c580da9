"""`reconciler apply-merged`: the apply workflow's one step, after a push to main.

It applies only a merged pull request approved by someone whose approval counts (write access,
not a bot, not its author, requester or a committer, on the planned head), and only the plan that
was shown on it (reconciler.pullrequests.gate); a refusal changes nothing, exits 1 and
is explained on the pull request. Before its first AWS call it stores what was approved
(reconciler.pullrequests.approval), so a re-run after a crash can finish the approved changes and
nothing else. New account ids go back as a pull request (reconciler.pullrequests.writeback), also
when the run fails part-way. A separate command rather than flags on `apply`, so that the local
`apply` stays free of GitHub and this one has no interactive or --plan paths to misuse.
"""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import clock
from reconciler.adapters.git import LocalRepository
from reconciler.adapters.github import GitHubClient
from reconciler.apply.applier import Applier, ApplyResult
from reconciler.apply.audit import AuditLog, RunInfo
from reconciler.apply.closing import close_pacer_for
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.commands.audit_trail import open_audit, run_info
from reconciler.commands.lease import holding_lease
from reconciler.commands.plan import Planned, plan_repository, render
from reconciler.commands.progress import StderrProgress
from reconciler.commands.rollouts import write_rollouts
from reconciler.errors import GitError, ReconcilerError
from reconciler.plan.render.markdown import md_text
from reconciler.plan.rollout import start
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.pullrequests.approval import record_for, save_record
from reconciler.pullrequests.comment import ACTIONS_BOT
from reconciler.pullrequests.gate import follows_predecessor, gather, refusal_comment, refusals, resuming
from reconciler.pullrequests.port import GitHubPort, PullRequest
from reconciler.pullrequests.reviewers import counted_approvers
from reconciler.pullrequests.writeback import ids_to_record, open_writeback_pr


class GateRefused(ReconcilerError):
    """The apply gate said no; nothing was changed."""


def checked_out_commit(repo: Path, env: ActionsEnv) -> str:
    """The commit being applied: the checkout's HEAD (the workflow checks out main's head, which
    may be newer than the push that started the run), else GITHUB_SHA."""
    try:
        head = LocalRepository(repo).head()
    except GitError:
        head = None
    if not (head or env.sha):
        raise ReconcilerError("cannot tell which commit to apply: --repo is not a git checkout and "
                              "GITHUB_SHA is not set")
    return head or env.sha


def merged_pull(port: GitHubPort, sha: str) -> PullRequest:
    pulls = port.pulls_for_commit(sha)
    if not pulls:
        raise GateRefused(f"commit {sha[:12]} is not the merge of a pull request: changes reach AWS only "
                          "through reviewed pull requests; nothing was done")
    return pulls[0]


@click.command("apply-merged")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="A checkout of the base branch's head.")
@click.option("--base", default="main", show_default=True, help="The branch write-back pull requests target.")
@click.option("--audit-log", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to append the audit log [default: REPO/.reconciler/audit.jsonl].")
def command(repo: Path, base: str, audit_log: Path | None) -> None:
    """Apply a merged, approved pull request's plan, then open the account-id write-back PR."""
    env = ActionsEnv.from_environ()
    port = GitHubClient.from_actions(env)
    sha = checked_out_commit(repo, env)
    run = run_info(env, "apply-merged", sha)
    with holding_lease(port, run):  # one run at a time changes AWS; planned under the lease
        _run(repo, base, audit_log, (env, port, sha, run))


def _run(repo: Path, base: str, audit_log: Path | None,
         context: tuple[ActionsEnv, GitHubClient, str, RunInfo]) -> None:
    env, port, sha, run = context
    planned = plan_repository(repo)
    audit = open_audit(repo, planned.desired, audit_log, run)
    pacer = close_pacer_for(planned.client, planned.desired, planned.live, planned.plan.changes, clock.now())
    applier = Applier(OrganizationsWriter(planned.client), planned.live, audit, progress=StderrProgress(),
                      closes=pacer)
    try:
        if planned.plan.empty:
            click.echo("No changes. AWS matches the repository.")
        else:
            _gated_apply(port, planned, (applier, audit), sha, env)
    except ReconcilerError:
        # Ids of accounts that exist (made now, or by a run that died) must not wait for a run
        # that succeeds: record them now, without hiding why this run failed.
        _write_back(port, planned, applier.result, base, f"partly applied {sha[:12]}", quiet=True,
                    author=env.pr_author_login)
        raise
    # AWS now matches this commit: the scheduled reconcile enforces it, and nothing after it.
    port.record_applied(sha)
    _write_back(port, planned, applier.result, base, f"applied {sha[:12]}", author=env.pr_author_login)


def _gated_apply(port: GitHubClient, planned: Planned, applying: tuple[Applier, AuditLog], sha: str,
                 env: ActionsEnv) -> None:
    applier, audit = applying
    pull = merged_pull(port, sha)
    evidence = gather(port, pull, env.bot_login, port, applied=port.applied_commit())
    reasons = refusals(evidence, planned.plan, env.pr_author_login)
    if reasons:
        port.create_comment(pull.number, refusal_comment(sha, reasons))
        raise GateRefused(f"apply refused for #{pull.number} ({sha[:12]}); nothing was changed:\n- "
                          + "\n- ".join(reasons))
    if follows_predecessor(evidence, planned.plan):
        assert evidence.shown is not None  # follows_predecessor says so
        click.echo(f"#{pull.number}'s plan was shown before the previous merge was applied: the changes "
                   "left are the ones shown, less those that apply made.", err=True)
        record = record_for(planned.plan, pull.number, sha, evidence.shown.head, evidence.predecessor)
        save_record(port, record)
    elif resuming(evidence, planned.plan):
        click.echo(f"Resuming the apply of #{pull.number}: every change left was approved.", err=True)
    elif evidence.shown is not None and evidence.shown.changes:
        # Stored before the first AWS call, so a run that dies later can be resumed; from the
        # plan just matched to the comment, never from anything the pull request wrote.
        save_record(port, record_for(planned.plan, pull.number, sha, evidence.shown.head))
    approvers = counted_approvers(pull, evidence.reviews, evidence.people, evidence.planned_head,
                                  env.pr_author_login)
    audit.reason = {"kind": "gated_apply", "pull_request": pull.number, "url": pull.url or None,
                    "author": pull.author, "approvers": approvers, "merge_commit": sha}
    record_starts(port, planned)
    _apply(port, planned, applier, pull, env.run_url)


def record_starts(port: GitHubClient, planned: Planned) -> None:
    """Rollouts this apply starts are recorded before its first AWS call: a run that dies part way
    leaves step 1 recorded, and the next run finishes step 1 rather than broadening."""
    started = start(planned.rollouts, planned.desired, planned.live, clock.now().isoformat())
    if started:
        write_rollouts(port, planned.rollouts, "rollout started: " + ", ".join(started))
        click.echo("rollout started (step 1): " + ", ".join(started), err=True)


def _apply(port: GitHubPort, planned: Planned, applier: Applier, pull: PullRequest, run_url: str) -> None:
    click.echo(render(planned.plan, "text"), nl=False)
    log = f" ([run log]({run_url}))" if run_url else ""
    try:
        result = applier.run(planned.plan)
    except ReconcilerError:
        port.create_comment(pull.number, f"**Apply failed** after {applier.result.applied} of "
                            f"{len(planned.plan.changes)} changes{log}. Re-run the apply workflow to "
                            "finish: it goes on with the approved changes that are left.")
        raise
    waiting = f" {md_text(result.waiting_note())}." if result.waiting_closes else ""
    port.create_comment(pull.number, f"**Applied**: {result.applied} changes, "
                        f"{len(result.created_accounts)} accounts created{log}.{waiting}")
    click.echo(f"Apply complete: {result.applied} changes made, "
               f"{len(result.created_accounts)} accounts created.")
    if result.waiting_closes:
        click.echo(result.waiting_note())


def _write_back(port: GitHubPort, planned: Planned, result: ApplyResult, base: str, source: str,
                quiet: bool = False, author: str = ACTIONS_BOT) -> None:
    ids = ids_to_record(planned.desired, planned.live, result.created_accounts)
    try:
        pull = open_writeback_pr(port, planned.desired, ids, base, source, author) if ids else None
    except ReconcilerError as exc:
        if not quiet:
            raise
        click.echo(f"could not record account ids: {exc}", err=True)
        return
    if pull is not None:
        click.echo(f"account ids: pull request #{pull.number} {pull.url}", err=quiet)
