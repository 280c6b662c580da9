"""One reconcile run: detect, remediate, and keep the books (state across runs, audit log, issues
for remediations that keep failing). The command wires the real AWS, GitHub and audit log in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.apply.audit import AuditLog
from reconciler.drift.detect import Drift, managed_addresses
from reconciler.drift.pull_request_text import branches_for, hidden_marker, own_issue, retired
from reconciler.drift.remediate import Budget, Context, Outcome, remediate
from reconciler.drift.state import (
    Failure,
    State,
    needs_issue,
    observe,
    record_failure,
    record_success,
    resolve,
    seconds_between,
)
from reconciler.model import Organization
from reconciler.pullrequests.port import Issue, PullRequest

TTR_KEPT = 200  # recent times to remediate kept in the state, for the summary's median


class Pulls(Protocol):
    def pulls_for_branch(self, head: str) -> list[PullRequest]: ...
    def close_pull_request(self, number: int, body: str, comment: str) -> None: ...


class Issues(Protocol):
    def open_issues(self) -> list[Issue]: ...
    def create_issue(self, title: str, body: str) -> Issue: ...
    def close_issue(self, number: int, comment: str) -> None: ...


@dataclass
class Report:
    outcomes: list[Outcome]
    managed: int  # resources the repository manages
    in_sync: int  # of those, without drift when the run looked
    scan: str = "full"
    remediated: dict[str, float] = field(default_factory=dict)  # address -> seconds, this run
    ttr: list[float] = field(default_factory=list)  # recent history, this run included
    issues: list[str] = field(default_factory=list)  # "opened #3 for ...", "closed #3 ..."
    rollouts: list[dict[str, str]] = field(default_factory=list)  # the step each rollout took

    @property
    def errors(self) -> list[str]:
        return [f"{o.drift.address}: {o.error}" for o in self.outcomes if o.error]

    def summary(self) -> dict[str, int]:
        return {
            "in_sync": self.in_sync, "drifted": len(self.outcomes),
            "reverted": sum(o.remediation == "reverted" and not o.error for o in self.outcomes),
            "pull_requests": sum(o.remediation == "pull_request" and not o.error for o in self.outcomes),
            "deferred": sum(o.remediation == "deferred" for o in self.outcomes),
        }

    def to_json(self) -> dict[str, Any]:
        drift = [{"address": o.drift.address, "kind": o.drift.kind, "remediation": o.remediation,
                  "pull_request": o.pull_request} for o in self.outcomes]
        found: dict[str, Any] = {"drift": drift, "summary": self.summary(), "scan": self.scan}
        if self.rollouts:  # only when the repository has rollouts: the shape stays as it was otherwise
            found["rollouts"] = self.rollouts
        return found


def run(desired: Organization, drifts: Sequence[Drift], ctx: Context, state: State,
        github: tuple[Pulls, Issues], audit: AuditLog, now: str, covered: frozenset[str] | None = None
        ) -> Report:
    pulls, issues = github
    current: dict[str, tuple[str, str]] = {d.address: (d.fingerprint, d.kind) for d in drifts}
    gone = observe(state, current, now, covered)
    for drift in drifts:
        audit.record(drift.address, "drift.detected", after={
            "kind": drift.kind, "decision": drift.decision, "fingerprint": drift.fingerprint,
            "first_seen": state.open[drift.address].first_seen, "reason": drift.reason})
    report = Report(remediate(drifts, ctx), len(managed_addresses(desired)), 0)
    drifted = {d.address for d in drifts}
    report.in_sync = len(managed_addresses(desired) - drifted)
    for address, first_seen in gone.items():
        _remediated(report, audit, state, address, first_seen, now, "resolved")
        _close(issues, state.failures.pop(address, None), address, report, "the drift is gone")
        if ctx.act:
            _retire_pulls(pulls, address, report)
    if ctx.act:
        for outcome in report.outcomes:
            _book(outcome, state, (issues, ctx.budget, ctx.authors), audit, report, now)
    if ctx.act:
        state.deferred = [o.drift.address for o in report.outcomes if o.remediation == "deferred"]
    if ctx.budget.deferred:
        report.issues.append(
            f"{ctx.budget.deferred} pull requests or issues wait for the next runs: this run opened "
            f"{ctx.budget.opened}, its limit (reconcile.max_pull_requests_per_run)")
    report.ttr = state_ttr(state, report)
    return report


def _book(outcome: Outcome, state: State, github: tuple[Issues, Budget, frozenset[str]],
          audit: AuditLog, report: Report, now: str) -> None:
    address = outcome.drift.address
    if outcome.error:
        audit.record(address, "drift.remediation", result="error", error=outcome.error,
                     after={"remediation": outcome.remediation})
        failure = record_failure(state, address, outcome.error)
        if needs_issue(failure):
            failure.issue = _open_issue(github, address, failure)
            if failure.issue is not None:
                report.issues.append(f"opened issue #{failure.issue} for {address}")
        return
    if not outcome.acted:
        return
    audit.record(address, "drift.remediation", after={"remediation": outcome.remediation,
                                                      "pull_request": outcome.pull_request})
    _close(github[0], record_success(state, address), address, report, "the remediation succeeded")
    if outcome.remediation == "reverted":
        first_seen = resolve(state, address)
        if first_seen is not None:
            _remediated(report, audit, state, address, first_seen, now, "reverted")


def _remediated(report: Report, audit: AuditLog, state: State, address: str, first_seen: str, now: str,
                how: str) -> None:
    seconds = seconds_between(first_seen, now)
    report.remediated[address] = seconds
    audit.record(address, "drift.remediated", after={
        "how": how, "detected_at": first_seen, "remediated_at": now, "seconds": seconds})


def state_ttr(state: State, report: Report) -> list[float]:
    state.ttr = [*state.ttr, *report.remediated.values()][-TTR_KEPT:]
    return list(state.ttr)


def _retire_pulls(pulls: Pulls, address: str, report: Report) -> None:
    """A drift that went away (merged, or undone by hand) leaves no pull request open behind it."""
    for branch in branches_for(address):
        for pull in pulls.pulls_for_branch(branch):
            if pull.state == "open":
                pulls.close_pull_request(pull.number, retired(pull.body),
                                         "Closing: AWS and the repository agree again on this.")
                report.issues.append(f"closed pull request #{pull.number} for {address}: no drift left")


def _marker(address: str) -> str:
    return hidden_marker("remediation-failure", {"address": address})


def _open_issue(github: tuple[Issues, Budget, frozenset[str]], address: str,
                failure: Failure) -> int | None:
    """The failure issue's number: the one the product opened already (the state may have been
    lost: never a second one), or a new one; None past the run's cap (the next run opens it)."""
    issues, budget, authors = github
    marker = _marker(address)
    found = own_issue(issues.open_issues(), marker, authors)
    if found is not None:
        return found.number
    if not budget.take():
        return None
    errors = "\n".join(f"- {e.replace('`', chr(39))}" for e in failure.errors)
    body = (f"The reconciler has failed to remediate drift on `{address}` in {failure.count} runs in "
            f"a row and needs a person.\n\nLast errors:\n{errors}\n\nThis issue closes itself when "
            f"a run remediates the drift (or the drift goes away).\n\n{marker}\n")
    return issues.create_issue(f"Drift remediation failing: {address}", body).number


def _close(issues: Issues, failure: Failure | None, address: str, report: Report, why: str) -> None:
    if failure is None or failure.issue is None:
        return
    issues.close_issue(failure.issue, f"Closing: {why} on `{address}`.")
    report.issues.append(f"closed issue #{failure.issue} for {address}")
