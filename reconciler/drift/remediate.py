"""Carrying out the drift rules: reverts through apply, pull requests and issues through GitHub.

Decides nothing `drift` has not decided, except what only GitHub can tell: a pull request closed
without merging is a rejection of that exact drift, which turns "open a pull request" into
"revert" (or, for an import, into "report" and never reopen). Every side effect goes through a
port, so tests can also drive this with plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from reconciler.drift.detect import Drift
from reconciler.drift.pull_request_text import (
    Attribution,
    account_updates,
    body,
    branch_for,
    parse_marker,
    title,
)
from reconciler.errors import ReconcilerError
from reconciler.plan.changes import Change, Plan
from reconciler.pullrequests.port import PullRequest

# "deferred": a pull request was due, but the run had opened as many as it may (Budget); the drift
# stays open and a later run opens it.
Remediation = Literal["reverted", "pull_request", "reported", "skipped", "deferred"]
Files = dict[str, str | None]  # repository path -> new text, or None to delete it


class DriftGitHub(Protocol):
    def default_branch(self) -> str: ...
    def pulls_for_branch(self, head: str) -> list[PullRequest]: ...
    def commit_files(self, branch: str, base: str, files: Mapping[str, str | None], message: str) -> str: ...
    def open_pull_request(self, head: str, base: str, title: str, body: str) -> PullRequest: ...
    def edit_pull_request(self, number: int, title: str, body: str) -> None: ...


class Reverter(Protocol):
    def __call__(self, changes: Sequence[Change]) -> Mapping[str, str | None]:
        """Applies the changes in order; returns {address: error or None} for each one tried."""
        ...


@dataclass(frozen=True)
class Outcome:
    drift: Drift
    remediation: Remediation
    pull_request: str | None = None
    error: str | None = None

    @property
    def acted(self) -> bool:
        return self.remediation in ("reverted", "pull_request") and self.error is None


class Budget:
    """How many new pull requests and issues one run may still open. GitHub limits
    content-creating requests (about 80 a minute, 500 an hour), and a mass drift must not turn
    into hundreds of pull requests at once: past the cap, drifts wait for the next runs."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.opened = 0
        self.deferred = 0

    def take(self) -> bool:
        if self.limit is not None and self.opened >= self.limit:
            self.deferred += 1
            return False
        self.opened += 1
        return True


@dataclass(frozen=True)
class Context:
    github: DriftGitHub
    revert: Reverter
    files_for: Callable[[Drift], Files]  # the repository edit a pull request makes
    who: Callable[[Drift], Sequence[Attribution]]  # CloudTrail's answer, for the body
    act: bool = True  # False: kill switch or --dry-run, detect and report only
    budget: Budget = field(default_factory=Budget)
    # The logins the product's own issues and pull requests are opened as: a marker in anyone
    # else's issue is not the product's (anyone may open an issue and paste one).
    authors: frozenset[str] = frozenset({"github-actions[bot]"})
    checks_note: str = ""  # appended to the pull requests it opens (pullrequests.comment.checks_note)


def remediate(drifts: Sequence[Drift], ctx: Context) -> list[Outcome]:
    outcomes: dict[str, Outcome] = {}
    reverts: list[Drift] = []
    for drift in drifts:
        if not ctx.act or drift.decision in ("report", "skip"):
            outcomes[drift.address] = Outcome(drift, _passive(drift, ctx.act))
        elif drift.decision in ("pull_request", "import_pr"):
            outcome = _guarded(drift, lambda d=drift: _pull_request(d, ctx))  # type: ignore[misc]
            if outcome is None:
                reverts.append(drift)  # rejected: the repository stands, AWS goes back
            else:
                outcomes[drift.address] = outcome
        else:
            reverts.append(drift)
    outcomes.update({o.drift.address: o for o in _revert(reverts, ctx)})
    return [outcomes[d.address] for d in drifts]


def _passive(drift: Drift, act: bool) -> Remediation:
    if drift.decision == "skip" or (not act and drift.decision != "report"):
        return "skipped"
    return "reported"


def _guarded(drift: Drift, step: Callable[[], Outcome | None]) -> Outcome | None:
    try:
        return step()
    except ReconcilerError as exc:
        return Outcome(drift, "skipped", error=str(exc))


def _revert(drifts: list[Drift], ctx: Context) -> list[Outcome]:
    changes = [_revert_change(d) for d in drifts]
    try:
        results = ctx.revert([c for c in changes if c is not None])
    except ReconcilerError as exc:
        results = {c.address: str(exc) for c in changes if c is not None}
    outcomes = []
    for drift, change in zip(drifts, changes, strict=True):
        if change is None:
            outcomes.append(Outcome(drift, "reported", error="nothing the planner can revert"))
            continue
        error = results.get(change.address, "not attempted: an earlier revert failed")
        outcomes.append(Outcome(drift, "skipped" if error else "reverted", error=error))
    return outcomes


def _revert_change(drift: Drift) -> Change | None:
    if drift.change is not None:
        return drift.change
    if drift.decision == "detach" and drift.unmanaged is not None:
        return Change(drift.address, "attachment", "delete", before=dict(drift.unmanaged.live))
    return None


def _pull_request(drift: Drift, ctx: Context) -> Outcome | None:
    """Opens or updates the drift's pull request; None when people rejected this exact drift and
    it must be reverted instead."""
    branch = branch_for(drift)
    pulls = ctx.github.pulls_for_branch(branch)
    for pull in pulls:
        marked = parse_marker(pull.body)
        if pull.state != "open" and marked == (drift.address, drift.fingerprint):
            if pull.merged:  # accepted, and the checkout has not caught up yet
                return Outcome(drift, "reported", pull.url)
            if drift.decision == "import_pr" or drift.change is None:
                return Outcome(drift, "reported", pull.url)  # rejected import: stays unmanaged
            return None
    open_pull = next((p for p in pulls if p.state == "open"), None)
    if open_pull is not None and parse_marker(open_pull.body) == (drift.address, drift.fingerprint):
        return Outcome(drift, "pull_request", open_pull.url)  # already says all there is to say
    if open_pull is None and not ctx.budget.take():
        return Outcome(drift, "deferred")
    files = ctx.files_for(drift)
    text = body(drift, account_updates(drift), ctx.who(drift), sorted(files), ctx.checks_note)
    base = ctx.github.default_branch()
    # From the base again, so a pull request always shows this drift's edit and nothing older.
    ctx.github.commit_files(branch, base, files, title(drift))
    if open_pull is None:
        created = ctx.github.open_pull_request(branch, base, title(drift), text)
        return Outcome(drift, "pull_request", created.url)
    ctx.github.edit_pull_request(open_pull.number, title(drift), text)
    return Outcome(drift, "pull_request", open_pull.url)


def applier_reverter(make_applier: Callable[[], Any]) -> Reverter:
    """A Reverter on top of apply, which stops at its first error: the failed change is recorded
    against its drift and the rest run on, so one stuck revert never holds the others back."""
    def revert(changes: Sequence[Change]) -> Mapping[str, str | None]:
        results: dict[str, str | None] = {}
        remaining = list(changes)
        while remaining:
            applier = make_applier()
            try:
                applier.run(Plan(changes=tuple(remaining)))
            except ReconcilerError as exc:
                done = applier.result.applied
                results.update({c.address: None for c in remaining[:done]})
                results[remaining[done].address] = str(exc)
                remaining = remaining[done + 1:]
                continue
            results.update({c.address: None for c in remaining})
            remaining = []
        return results
    return revert
