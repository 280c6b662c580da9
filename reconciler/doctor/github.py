"""The GitHub side of `doctor`, through its own small port (what it reads of a repository).

- the labels the product relies on exist (`account-request`: an issue form applies it only if it
  exists, and `request` skips an issue without it);
- the default branch is protected: approving reviews required, stale approvals dismissed, approval
  of the most recent push required, and the `validate` and `plan` checks required;
- GitHub Actions may create pull requests (request, write-back, drift and import pull requests
  are opened with the workflow's token).

Reading protection and Actions settings needs administration read access, which a workflow's
`GITHUB_TOKEN` does not have: those checks are then `skipped`, saying so, rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reconciler.doctor.findings import Finding
from reconciler.errors import GitHubError
from reconciler.pullrequests.request_form import LABEL

REQUIRED_CHECKS = ("validate", "plan")


@dataclass(frozen=True)
class Protection:
    required_approvals: int
    dismiss_stale_reviews: bool
    required_checks: tuple[str, ...]
    last_push_approval: bool = False  # "Require approval of the most recent reviewable push"


class NotAllowed(Exception):
    """The token may not read this setting (GitHub answered 403, or 404 for a hidden one)."""


class DoctorGitHub(Protocol):
    def default_branch(self) -> str: ...
    def label_names(self) -> set[str]: ...
    def branch_protection(self, branch: str) -> Protection | None:
        """None when the branch is not protected; NotAllowed when the token may not tell."""
        ...
    def actions_can_create_pull_requests(self) -> bool:
        """NotAllowed when the token may not tell."""
        ...


def github_findings(github: DoctorGitHub) -> list[Finding]:
    checks: list[Callable[[], Finding]] = [
        lambda: _labels(github), lambda: _protection(github), lambda: _actions(github)]
    return [_guarded(check) for check in checks]


def _guarded(check: Callable[[], Finding]) -> Finding:
    try:
        return check()
    except GitHubError as exc:
        return Finding("github", "github", "fix", str(exc),
                       "check GITHUB_REPOSITORY, GITHUB_TOKEN and GITHUB_API_URL; run doctor again")


def _labels(github: DoctorGitHub) -> Finding:
    if LABEL in github.label_names():
        return Finding("github", "labels", "ok", f"label {LABEL!r} exists")
    return Finding("github", "labels", "fix",
                   f"label {LABEL!r} does not exist: the account request form cannot apply it, and "
                   "every request issue is skipped", f"create the label: gh label create {LABEL}")


def _protection(github: DoctorGitHub) -> Finding:
    branch = github.default_branch()
    try:
        found = github.branch_protection(branch)
    except NotAllowed:
        return Finding("github", "branch-protection", "skipped",
                       f"this token may not read {branch}'s protection (it needs administration read "
                       "access); run doctor with a repository admin's token to check it")
    if found is None:
        return Finding("github", "branch-protection", "fix", f"{branch} is not protected: anyone with "
                       "write access can push changes that reconcile then sees", _PROTECT)
    missing = []
    if found.required_approvals < 1:
        missing.append("no approving review is required")
    if not found.dismiss_stale_reviews:
        missing.append("stale approvals are not dismissed on new commits")
    if not found.last_push_approval:
        missing.append("approval of the most recent push is not required (only GitHub knows who pushed)")
    missing += [f"the {name!r} check is not required" for name in REQUIRED_CHECKS
                if name not in found.required_checks]
    if missing:
        return Finding("github", "branch-protection", "fix", f"{branch}: " + "; ".join(missing), _PROTECT)
    return Finding("github", "branch-protection", "ok",
                   f"{branch} requires {found.required_approvals} approval(s) and the validate and "
                   "plan checks")


_PROTECT = ("protect the default branch: require a pull request with 1 approval, dismiss stale "
            "approvals, require approval of the most recent push, require the validate and plan "
            "checks (docs/pull-requests.md, Setting up a "
            "repository)")


def _actions(github: DoctorGitHub) -> Finding:
    try:
        allowed = github.actions_can_create_pull_requests()
    except NotAllowed:
        return Finding("github", "actions-pull-requests", "skipped",
                       "this token may not read the Actions settings; run doctor with a repository "
                       "admin's token to check them")
    if allowed:
        return Finding("github", "actions-pull-requests", "ok", "GitHub Actions may create pull requests")
    return Finding("github", "actions-pull-requests", "fix",
                   "GitHub Actions may not create pull requests: account requests, id write-backs and "
                   "drift pull requests cannot be opened",
                   "Settings > Actions > General > Workflow permissions: allow GitHub Actions to create "
                   "and approve pull requests (the gate never counts a bot's approval)")
