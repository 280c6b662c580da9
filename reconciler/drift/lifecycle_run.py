"""Carrying out the lifecycle findings (reconciler.drift.lifecycle) through GitHub: one pull request
per transition, and two issues kept up to date (leases ending soon, cost flags). Every side effect
goes through a port; the Cost Explorer read is handed in as a function."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from reconciler.drift.lifecycle import SPEND_WINDOW_DAYS, Book, Transition, findings, observe, record_spend
from reconciler.drift.pull_request_text import hidden_marker, own_issue
from reconciler.drift.remediate import Budget, Files
from reconciler.errors import ReconcilerError
from reconciler.model import Organization
from reconciler.pullrequests.port import Issue, PullRequest

BRANCH_PREFIX = "reconciler/lifecycle/"
SpendReader = Callable[[date, date], Mapping[str, Mapping[str, float]]]


class LifecycleGitHub(Protocol):
    def default_branch(self) -> str: ...
    def pulls_for_branch(self, head: str) -> list[PullRequest]: ...
    def commit_files(self, branch: str, base: str, files: Mapping[str, str | None], message: str) -> str: ...
    def open_pull_request(self, head: str, base: str, title: str, body: str) -> PullRequest: ...
    def merge_pull_request(self, number: int) -> None: ...
    def open_issues(self) -> list[Issue]: ...
    def create_issue(self, title: str, body: str) -> Issue: ...
    def edit_issue(self, number: int, title: str, body: str) -> None: ...
    def close_issue(self, number: int, comment: str) -> None: ...


@dataclass
class LifecycleContext:
    github: LifecycleGitHub
    files_for: Callable[[str, str], Files]  # (account name, lifecycle_state) -> the edit
    spend: SpendReader
    act: bool = True
    budget: Budget = field(default_factory=Budget)
    authors: frozenset[str] = frozenset({"github-actions[bot]"})
    checks_note: str = ""


def run_lifecycle(desired: Organization, live: Organization, lifecycle: dict[str, object], now: datetime,
                  ctx: LifecycleContext) -> tuple[list[str], dict[str, object]]:
    """The run's report lines and the new `State.lifecycle`."""
    book = Book.from_json(lifecycle)
    observe(book, desired, live, now)
    lines = _read_spend(book, desired, now, ctx)
    found = findings(desired, live, book, now)
    lines += found.reported
    if not ctx.act:
        lines += [f"lifecycle: would open a pull request setting {t.account} {t.state} ({t.reason})"
                  for t in found.transitions]
        return lines, book.to_json()
    lines += [_propose(t, desired, ctx) for t in found.transitions]
    lines += _keep_issue(ctx, "lease-warnings", "Sandbox leases ending soon", found.lease_warnings,
                         "These accounts' leases end soon. When a lease ends, the reconciler opens the pull "
                         "request that retires the account; extend `lease:` in its file to keep it.")
    flag = f"${desired.lifecycle.flag_below_monthly_usd or 0:,.2f}"
    table = ["| account | id | last 30 days | owner team |", "|---|---|---|---|", *found.cost_flags]
    lines += _keep_issue(ctx, "cost-flags", f"Accounts spending under {flag} a month",
                         table if found.cost_flags else [],
                         f"These active accounts spent less than {flag} in the last {SPEND_WINDOW_DAYS} days "
                         "(Cost Explorer, unblended cost; its data lags about a day). Review whether they "
                         "are still needed. The reconciler keeps this list up to date and closes this issue "
                         "when it is empty.")
    return lines, book.to_json()


def _read_spend(book: Book, desired: Organization, now: datetime, ctx: LifecycleContext) -> list[str]:
    """At most one Cost Explorer read a day, and only when something needs it."""
    settings = desired.lifecycle
    if settings.inactive_after_days is None and settings.flag_below_monthly_usd is None:
        return []
    today = now.date()
    if book.spend_read_on == today.isoformat():
        return []
    window = max(settings.inactive_after_days or 0, SPEND_WINDOW_DAYS)
    try:
        daily = ctx.spend(today - timedelta(days=window), today)
    except ReconcilerError as exc:  # no ce:GetCostAndUsage, or Cost Explorer not enabled: report it
        return [f"lifecycle: Cost Explorer could not be read ({exc}); inactivity and cost flags wait "
                "for a read that succeeds"]
    ids = [a.account_id for a in desired.accounts if a.account_id]
    record_spend(book, daily, ids, today, window, settings.inactive_below_usd)
    return [f"lifecycle: read Cost Explorer for {len(ids)} accounts ({window} days, daily)"]


def _branch(transition: Transition) -> str:
    return f"{BRANCH_PREFIX}{transition.kind.replace('_', '-')}-{transition.account}"


def _marker(transition: Transition) -> str:
    return hidden_marker("lifecycle", {"account": transition.account, "transition": transition.kind})


_TITLES = {"retire_lease": "Retire {a}: its sandbox lease ended", "retire_inactive": "Retire {a}: inactive",
           "close": "Close {a}: its grace period in quarantine ended"}


def _propose(transition: Transition, desired: Organization, ctx: LifecycleContext) -> str:
    branch, name = _branch(transition), transition.account
    pulls = [p for p in ctx.github.pulls_for_branch(branch) if _marker(transition) in (p.body or "")]
    for pull in pulls:
        if pull.state == "open":
            return f"lifecycle: pull request #{pull.number} ({transition.kind} {name}) is open"
        if pull.merged:
            return (f"lifecycle: pull request #{pull.number} ({transition.kind} {name}) was merged and "
                    "waits for the apply")
        return (f"lifecycle: pull request #{pull.number} ({transition.kind} {name}) was closed unmerged: "
                "not proposed again (edit the account's file to change its lifecycle)")
    if not ctx.budget.take():
        return f"lifecycle: the pull request to {transition.kind} {name} waits for the next run"
    title = _TITLES[transition.kind].format(a=name)
    base = ctx.github.default_branch()
    ctx.github.commit_files(branch, base, ctx.files_for(name, transition.state), title)
    pull = ctx.github.open_pull_request(branch, base, title, _body(transition, desired, ctx.checks_note))
    merged = transition.kind in desired.lifecycle.auto_merge
    if merged:
        ctx.github.merge_pull_request(pull.number)
    return f"lifecycle: opened pull request #{pull.number} to {transition.kind} {name}" + (
        " and merged it (lifecycle.auto_merge)" if merged else "")


def _body(transition: Transition, desired: Organization, note: str) -> str:
    settings = desired.lifecycle
    lines = [f"The reconciler proposes `lifecycle_state: {transition.state}` for `{transition.account}`: "
             f"{transition.reason}.", ""]
    if transition.state == "retiring":
        where = f"the quarantine OU `{settings.quarantine_ou}`" if settings.quarantine_ou else "quarantine"
        lines += [f"Merged and applied, the account moves to {where} for a grace period of "
                  f"{settings.grace_days} days; then a pull request proposes closing it. Setting "
                  "`lifecycle_state` back to `active` cancels the retirement and returns it to its OU."]
    else:
        lines += ["Closing is irreversible after AWS's 90-day post-closure period. It needs "
                  "`guardrails.allow_account_close: true` in organization.yaml (validate refuses it "
                  "otherwise); closes are paced by AWS's CloseAccount quotas."]
    lines += ["", "Closing this pull request without merging rejects the transition: it is not proposed "
              "again.", "", _marker(transition), ""]
    return "\n".join(lines) + (note.strip("\n") + "\n" if note else "")


def _keep_issue(ctx: LifecycleContext, kind: str, title: str, rows: Sequence[str], intro: str) -> list[str]:
    """One issue per kind, found again by its marker: opened with the first row, edited when the
    rows change, closed when there are none."""
    marker = hidden_marker(kind, {})
    existing = own_issue(ctx.github.open_issues(), marker, ctx.authors)
    if not rows:
        if existing is None:
            return []
        ctx.github.close_issue(existing.number, "Closing: no account is listed any more.")
        return [f"lifecycle: closed issue #{existing.number} ({kind}): nothing to list"]
    body = "\n".join([intro, "", *rows, "", marker, ""])
    if existing is not None:
        if existing.body.strip() == body.strip():
            return []
        ctx.github.edit_issue(existing.number, title, body)
        return [f"lifecycle: updated issue #{existing.number} ({kind})"]
    if not ctx.budget.take():
        return [f"lifecycle: the {kind} issue waits for the next run"]
    return [f"lifecycle: opened issue #{ctx.github.create_issue(title, body).number} ({kind})"]
