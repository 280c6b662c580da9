"""`reconciler apply`: make the changes, record each one, write new account ids back.

With --plan FILE the plan is the one a person reviewed: AWS is read again and the plan refused if
the live state changed since. Without --auto-approve, a person confirms at a terminal; a run with
no terminal (CI) must say --auto-approve explicitly.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

from reconciler import clock
from reconciler.adapters.git import LocalRepository
from reconciler.adapters.github import GitHubClient
from reconciler.apply.applier import Applier, ApplyResult
from reconciler.apply.closing import close_pacer_for, with_close_queue
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.apply.writeback import WritebackCommit, commit_account_ids, write_account_id
from reconciler.commands.audit_trail import open_audit, run_info
from reconciler.commands.plan import load_valid, read_live, render, rollout_plan
from reconciler.commands.rollouts import rollouts_from_env, write_rollouts
from reconciler.errors import GitError, ReconcilerError, show_path
from reconciler.live.baselines import read_baselines
from reconciler.live.scope import scope_for
from reconciler.model import Organization
from reconciler.plan.changes import Change, Plan
from reconciler.plan.file import check_saved, read_plan_file
from reconciler.plan.rollout import Rollouts, start
from reconciler.pullrequests.actions import ActionsEnv


@dataclass
class ApplyOutcome:
    result: ApplyResult
    writeback: WritebackCommit | None


def checked_plan(saved: Plan | None, name: str, desired: Organization, live: Organization,
                 rollouts: Rollouts | None = None) -> Plan:
    """The plan to run: the one computed now, or the saved one when it is still exactly that."""
    fresh = rollout_plan(desired, live, rollouts if rollouts is not None else Rollouts())
    if saved is not None:
        check_saved(saved, fresh, name)
    return fresh if saved is None else saved


def confirm(plan: Plan, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError(
            "apply asks for confirmation, and there is no terminal to ask at: review the plan, then "
            "run `reconciler apply --auto-approve` (in CI, only after the plan was approved)"
        )
    click.confirm(f"Make these {len(plan.changes)} changes in AWS?", abort=True, err=True)


class IdWriter:
    """Writes each account's id into its file the moment AWS has it."""

    def __init__(self, repo: Path, desired: Organization) -> None:
        self.repo, self.desired = repo, desired
        self.written: list[str] = []

    def __call__(self, change: Change, account_id: str) -> None:
        self.write(str((change.after or {})["name"]), account_id)

    def write(self, name: str, account_id: str) -> None:
        account = self.desired.account(name)
        rel = account.source.path if account and account.source else f"accounts/{name}.yaml"
        if (self.repo / rel).is_file() and write_account_id(self.repo / rel, account_id, rel):
            self.written.append(rel)

    def catch_up(self, live: Organization) -> None:
        """Ids of accounts that exist but whose file lacks the id: a run killed after creating them."""
        by_email = {a.email.lower(): a.account_id for a in live.accounts if a.account_id}
        for account in self.desired.accounts:
            found = by_email.get(account.email.lower())
            if not account.account_id and found:
                self.write(account.name, found)


def run_apply(repo: Path, plan_file: Path | None, auto_approve: bool, audit_path: Path | None,
              commit: bool) -> ApplyOutcome:
    saved = read_plan_file(plan_file) if plan_file is not None else None  # before reading AWS
    desired = load_valid(repo)
    live, client = read_live(scope_for(desired))
    live = read_baselines(client, desired, live)
    rollouts = rollouts_from_env(desired)
    plan = checked_plan(saved, show_path(plan_file), desired, live, rollouts)
    pacer = close_pacer_for(client, desired, live, plan.changes, clock.now())
    plan = with_close_queue(plan, pacer)  # which closes start now, and how long the others wait
    ids = IdWriter(repo, desired)
    ids.catch_up(live)
    result = ApplyResult()
    try:
        if not plan.empty:
            # Refused before anyone confirms: a change must never go unrecorded.
            audit = open_audit(repo, desired, audit_path, run_info(ActionsEnv.from_environ(), "apply",
                                                                   _head(repo)))
            audit.reason = {"kind": "apply", "plan_file": show_path(plan_file) if plan_file else None}
            click.echo(render(plan, "text"), nl=False)
            confirm(plan, auto_approve)
            _record_starts(desired, live, rollouts)
            applier = Applier(OrganizationsWriter(client), live, audit, on_account_id=ids, closes=pacer)
            result = applier.run(plan)
    finally:
        # Even after a failure: ids of accounts that were created must reach git.
        writeback = commit_account_ids(LocalRepository(repo), repo) if commit and _is_git(repo) else None
        if writeback:
            click.echo(f"account ids committed on branch {writeback.branch} ({writeback.commit[:12]})",
                       err=True)
        elif ids.written and commit and not _is_git(repo):
            click.echo(f"account ids written into {len(ids.written)} file(s) but not committed: "
                       f"{show_path(repo)} is not in a git repository; commit them yourself", err=True)
    return ApplyOutcome(result, writeback)


def _record_starts(desired: Organization, live: Organization, rollouts: Rollouts) -> None:
    """With GitHub configured, the rollouts this apply starts are recorded before its first AWS
    call, as the gated apply records them; without it, only step 1 is attached and nothing
    advances it (docs/rollout.md)."""
    env = ActionsEnv.from_environ()
    started = start(rollouts, desired, live, clock.now().isoformat())
    if started and env.repository and env.token:
        write_rollouts(GitHubClient(env.repository, env.token, env.api_url), rollouts,
                       "rollout started: " + ", ".join(started))


def _head(repo: Path) -> str | None:
    try:
        return LocalRepository(repo).head() if _is_git(repo) else None
    except GitError:
        return None


def _is_git(repo: Path) -> bool:
    return any((p / ".git").exists() for p in (repo.resolve(), *repo.resolve().parents))


@click.command("apply")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The desired-state repository.")
@click.option("--plan", "plan_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Apply this plan (from `plan --out`); refused if AWS changed since it was made.")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--audit-log", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to append the audit log [default: REPO/.reconciler/audit.jsonl].")
@click.option("--no-writeback-commit", is_flag=True,
              help="Write new account ids into the files, but do not commit them on a branch.")
def command(repo: Path, plan_file: Path | None, auto_approve: bool, audit_log: Path | None,
            no_writeback_commit: bool) -> None:
    """Make the changes that bring AWS to the repository's state."""
    outcome = run_apply(repo, plan_file, auto_approve, audit_log, not no_writeback_commit)
    created = len(outcome.result.created_accounts)
    waiting = outcome.result.waiting_closes
    if outcome.result.applied == 0 and not waiting:
        click.echo("No changes. AWS matches the repository.")
    else:
        click.echo(f"Apply complete: {outcome.result.applied} changes made, {created} accounts created.")
    if waiting:
        click.echo(outcome.result.waiting_note())

