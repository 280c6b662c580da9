"""The real parts of a reconcile run, wired together: the repository, AWS (live reader, apply,
CloudTrail), GitHub (pull requests, issues, the state ref) and the audit log.

The run itself is reconciler.drift.run, which sees only ports; this is where the `reconcile`
command builds the adapters behind them."""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler import clock
from reconciler.adapters.aws import AwsClient, caller_identity, default_session
from reconciler.adapters.git import LocalRepository
from reconciler.adapters.github import DriftGitHubClient
from reconciler.apply.applier import Applier
from reconciler.apply.audit import RunInfo
from reconciler.apply.closing import close_pacer_for
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.commands.audit_trail import open_audit, run_info
from reconciler.commands.lease import lease_if_free
from reconciler.commands.rollouts import has_rollouts, read_rollouts, write_rollouts
from reconciler.drift.applied import Baseline, baseline
from reconciler.drift.attribution import attribution
from reconciler.drift.detect import Drift, detect
from reconciler.drift.files import account_files, import_files_for, lifecycle_files
from reconciler.drift.lifecycle import pace_closes
from reconciler.drift.lifecycle_run import LifecycleContext, run_lifecycle
from reconciler.drift.read import read_live
from reconciler.drift.remediate import Budget, Context, Files, applier_reverter
from reconciler.drift.rollout import StepReport, advance, rollback_issue, rollouts_unsettled
from reconciler.drift.run import Report, run
from reconciler.drift.schedule import FULL_SCAN_INTERVAL, parse_time
from reconciler.drift.state import State
from reconciler.errors import AwsError, GitError
from reconciler.live.baselines import read_baselines
from reconciler.live.cloudtrail import denied, lookup_events
from reconciler.live.rollout_checks import CheckResult, read_checks
from reconciler.live.spend import daily_spend
from reconciler.model import Organization, Policy
from reconciler.plan.fingerprint import fingerprint
from reconciler.plan.planner import plan
from reconciler.plan.rollout import Rollouts, effective, start
from reconciler.pullrequests.actions import ActionsEnv
from reconciler.pullrequests.comment import checks_note
from reconciler.repository.load import load_repository

FIRST_RUN_LOOKBACK = timedelta(days=1)  # how far back CloudTrail is asked on a first run


def utc_now() -> datetime:
    return clock.now()


def reconcile_once(root: Path, env: ActionsEnv, *, dry_run: bool, incremental: bool = True,
                   full_scan_interval: timedelta = FULL_SCAN_INTERVAL,
                   clock: Callable[[], datetime] = utc_now) -> tuple[Report, bool]:
    """One run; returns the report and whether it was allowed to change anything."""
    checkout = load_repository(root)
    act = checkout.reconcile.enabled and not dry_run
    github = _github(env, required=act)
    base, desired = _applied_state(root, checkout, github)
    act = act and desired.reconcile.enabled  # either kill switch stops the run's changes
    info = run_info(env, "reconcile", env.sha or None)
    with lease_if_free(github, info, act) as busy:
        act = act and busy is None  # an apply holds the lease: detect and report only
        wired = _Run(root, desired, github, info, act, dry_run, held_back=busy is not None,
                     authors=frozenset({env.bot_login, env.pr_author_login}),
                     checks_note=checks_note(env.pr_author_login))
        report = _reconcile(wired, incremental, full_scan_interval, clock)
        for note in (base.note, busy):
            if note:
                report.issues.insert(0, note)
    return report, act


@dataclasses.dataclass(frozen=True)
class _Run:
    """What one reconcile run was handed and decided before it reads AWS."""

    root: Path
    desired: Organization  # the last applied commit's desired state
    github: DriftGitHubClient | None
    info: RunInfo
    act: bool  # may change AWS and GitHub
    dry_run: bool
    held_back: bool  # an apply held the lease: what is left undone, the next run finds again
    authors: frozenset[str]  # the product's own GitHub identities
    checks_note: str  # appended to the pull requests it opens


def _reconcile(wired: _Run, incremental: bool, full_scan_interval: timedelta,
               clock: Callable[[], datetime]) -> Report:
    root, desired, github, act = wired.root, wired.desired, wired.github, wired.act
    state = State.from_json(github.read_state() if github else None)
    at = clock()
    now = at.isoformat()
    since = parse_time(state.last_run) or at - FIRST_RUN_LOOKBACK
    session = default_session()
    client = AwsClient(lambda: session)
    identity = functools.cache(lambda: caller_identity(session))  # asked once, and only if needed
    events = functools.cache(lambda: attribution_events(client, since))  # one lookup, and only if needed
    rollouts = read_rollouts(github) if github is not None and has_rollouts(desired) else Rollouts()
    stepped = advance(rollouts, desired, at, functools.partial(_checks, client, at))
    # A rollout that is starting or running changes what the policy should be attached to between
    # runs: those runs scan in full (docs/rollout.md); settled ones keep the incremental path.
    unsettled = rollouts_unsettled(rollouts, desired)
    live, scan, covered = read_live(client, desired if unsettled else effective(desired, desired, rollouts),
                                    state, incremental and not unsettled, at, full_scan_interval)
    # Baselines on every run: Organizations' CloudTrail events do not show them. An incremental run
    # reads contacts, Regions and budgets only of the accounts it re-reads or has open baseline
    # drift on (Identity Center access in full): the full scan is their safety net (docs/reconcile.md)
    live = read_baselines(client, desired, live, _baseline_reread(desired, covered, state))
    started = start(rollouts, desired, live, now)
    stepped.steps += [StepReport(n, "started", f"rollout of {n}: step 1 of "
                                 f"{_steps(desired, n)} started") for n in started]
    repository, desired = desired, effective(desired, live, rollouts)  # the rollouts' state is desired
    planned = plan(desired, live)
    pacer = close_pacer_for(client, desired, live, planned.changes, at) if act else None
    drifts = tuple(pace_closes(detect(desired, live, planned), pacer))
    if covered is not None:
        covered |= {a for a in (*state.open, *(d.address for d in drifts)) if a.startswith("baseline.")}
    audit = open_audit(root, desired, None, wired.info, durable=act)
    audit.reasons = {d.address: _why(d, desired) for d in drifts}
    ctx = Context(
        github=github or _NoGitHub(), act=act,
        revert=applier_reverter(lambda: Applier(OrganizationsWriter(client), live, audit, closes=pacer)),
        files_for=lambda d: _files(d, drifts, desired, root),
        who=lambda d: attribution(events(), _resource_id(d, live), identity),
        budget=Budget(desired.reconcile.max_pull_requests_per_run),
        authors=wired.authors,
        checks_note=wired.checks_note,
    )
    port = github or _NoGitHub()
    report = run(desired, drifts, ctx, state, (port, port), audit, now, covered)
    report.scan = scan
    lines, state.lifecycle = run_lifecycle(repository, live, state.lifecycle, at, LifecycleContext(
        github=port, act=act, budget=ctx.budget, authors=wired.authors, checks_note=wired.checks_note,
        files_for=lambda name, wanted: lifecycle_files(repository, root, name, wanted),
        spend=lambda start, end: daily_spend(client, start, end)))
    report.issues += lines
    report.rollouts = [step.to_json() for step in stepped.steps]
    if act and github is not None and (stepped.changed or started):
        _rollback_issues(github, rollouts, repository, wired.authors, report)
        write_rollouts(github, rollouts, f"rollouts at {now}")
    if wired.held_back:  # the lease was taken: what this run left undone, the next run must find again
        state.deferred = [d.address for d in drifts if d.decision not in ("report", "skip")]
    if act:  # the run's figures, charted later from the same place as its changes
        audit.record("reconcile", "summary", after={
            **report.summary(), "managed": report.managed, "scan": scan,
            "remediated_seconds": report.remediated, "ttr_recent": report.ttr})
    if github is not None and not wired.dry_run:
        state.last_run, state.repository = now, fingerprint(desired)
        github.write_state(state.to_json(), f"reconcile run at {now}")
    return report


def _baseline_reread(desired: Organization, covered: frozenset[str] | None,
                     state: State) -> frozenset[str] | None:
    """The account ids an incremental run reads baselines of; None (all of them) on a full scan."""
    if covered is None:
        return None
    names = {a.split(".", 1)[1] for a in covered if a.startswith("account.")}
    names |= {a.split(".")[1] for a in state.open if a.startswith("baseline.")}
    return frozenset(str(a.account_id) for a in desired.accounts if a.name in names and a.account_id)


def _checks(client: AwsClient, now: datetime, policy: Policy, account_ids: list[str],
            since: datetime) -> CheckResult:
    assert policy.rollout is not None
    return read_checks(client, policy.rollout.cloudwatch_alarms, policy.rollout.max_denied_calls,
                       account_ids, (since, now))


def _steps(desired: Organization, name: str) -> int:
    policy = desired.policy(name)
    return len(policy.rollout.steps) if policy is not None and policy.rollout is not None else 0


def _rollback_issues(github: DriftGitHubClient, rollouts: Rollouts, desired: Organization,
                     authors: frozenset[str], report: Report) -> None:
    """One issue for each rollout rolled back and not yet reported (its number kept in the record)."""
    for name, record in sorted(rollouts.records.items()):
        policy = desired.policy(name)
        if record.status == "rolled_back" and record.issue is None and policy is not None:
            record.issue = rollback_issue(github, record, policy, authors)
            report.issues.append(f"opened issue #{record.issue}: rollout of {name} rolled back")


def _applied_state(root: Path, checkout: Organization, github: DriftGitHubClient | None
                   ) -> tuple[Baseline, Organization]:
    """The desired state of the last applied commit, and how it relates to the checkout."""
    try:
        local = LocalRepository(root)
    except GitError:  # not a git checkout (a local run on plain files): nothing to compare with
        return Baseline(None), checkout
    base = baseline(github.applied_commit() if github else None, local.head(), local.commits_between)
    if base.revision is None:
        return base, checkout
    with tempfile.TemporaryDirectory(prefix="reconciler-applied-") as scratch:
        return base, load_repository(local.export(base.revision, Path(scratch)))


def _why(drift: Drift, desired: Organization) -> dict[str, Any]:
    """The audit record's reason for a revert: the drift, the rule that decided, and the account's
    automation level when one governs."""
    account = desired.account(drift.account) if drift.account else None
    return {"kind": "drift", "drift": drift.kind, "rule": drift.decision, "why": drift.reason,
            "automation_level": account.automation_level if account else None}


def _github(env: ActionsEnv, required: bool) -> DriftGitHubClient | None:
    if not required and not (env.repository and env.token):
        return None  # report-only runs work without GitHub (and then remember nothing)
    env.require_api()
    return DriftGitHubClient(env.repository, env.token, env.api_url)


def _files(drift: Drift, drifts: list[Drift] | tuple[Drift, ...], desired: Organization, root: Path) -> Files:
    if drift.decision == "import_pr":
        return import_files_for(drift, drifts)
    return account_files(drift, desired, root)


def attribution_events(client: AwsClient, since: datetime) -> list[dict[str, Any]]:
    """CloudTrail's Organizations events since `since`, for attribution; none when CloudTrail
    refuses (the pull request then says it has no record)."""
    try:
        return lookup_events(client, since)
    except AwsError as exc:
        if denied(exc):
            return []
        raise


def _resource_id(drift: Drift, live: Organization) -> str | None:
    """The AWS id of a drifted account or policy (an attachment's policy), as CloudTrail names it."""
    if drift.resource in ("policy", "attachment"):
        found = live.policy(drift.address.split(".")[1])
        return found.policy_id if found else None
    value: Any = drift.live or {}
    return value.get("account_id") if isinstance(value, dict) else None


@dataclasses.dataclass
class _NoGitHub:
    """Stands in when a report-only run has no GitHub: any use is a bug, so it says so."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"GitHub is not configured, yet {name} was asked for")
