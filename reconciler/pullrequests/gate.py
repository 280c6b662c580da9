"""Apply gating: the rules a pushed commit must meet before `apply-merged` changes AWS.

The decision is pure (`refusals`), so tests can drive it with plain values; `gather` only reads
what it needs through the GitHub port. Changes reach AWS only from a merged pull request with an
approval that counts (reconciler.pullrequests.reviewers), and only when the plan computed now is
the plan that was shown on it: same merged tree (repository fingerprint), same AWS (live
fingerprint), same change set (the marker's digest).

A re-run of an apply that died half-way finds AWS changed by its own earlier run. It may go on only
with the approval record the first run stored (reconciler.pullrequests.approval), and only when
the record matches the plan comment and every change left is one the record approves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.plan.changes import Plan
from reconciler.pullrequests.approval import (
    RecordStore,
    approved_keys,
    digest,
    load_record,
    parse_record,
    plan_digest,
    predecessor_keys,
    unapproved,
)
from reconciler.pullrequests.comment import PlanMarker, find_plan_comment, parse_marker
from reconciler.pullrequests.port import GitHubPort, PullRequest, Review
from reconciler.pullrequests.reviewers import PeopleFacts, approval_refusals, latest_verdicts


@dataclass(frozen=True)
class Evidence:
    pull: PullRequest
    reviews: tuple[Review, ...]
    shown: PlanMarker | None
    record: str | None = None  # the approval record's text, when an earlier run stored one
    people: PeopleFacts = field(default_factory=lambda: PeopleFacts({}))
    # The keys the previous merge's gated apply carried out (its approval record): a plan shown
    # before that apply holds them too, and they have simply left the plan since.
    predecessor: frozenset[str] = frozenset()

    @property
    def planned_head(self) -> str:
        """The commit approvals must be of: the one the plan was shown for."""
        return self.shown.head if self.shown is not None else self.pull.head_sha


def plan_refusals(evidence: Evidence, plan: Plan) -> list[str]:
    shown, pull = evidence.shown, evidence.pull
    if shown is None:
        return ["no plan was shown on the pull request (no plan comment by the bot)"]
    refusals = []
    if shown.head != pull.head_sha:
        refusals.append(f"the plan shown was for commit {shown.head[:12]}, not the last commit "
                        f"{pull.head_sha[:12]} of the pull request")
    if shown.repository != plan.repository_fingerprint:
        refusals.append("the merged tree is not the tree that was planned (was the branch up to date "
                        "with main?)")
    if follows_predecessor(evidence, plan):
        return refusals
    if not resuming(evidence, plan):
        if shown.changes and shown.changes != plan_digest(plan):
            refusals.append("the plan computed now is not the change set shown on the pull request")
        return refusals
    return refusals + resume_refusals(shown, pull, evidence.record, plan)


def follows_predecessor(evidence: Evidence, plan: Plan) -> bool:
    """Two merges in quick succession: this plan was shown before the previous merge was applied,
    so it also showed that merge's changes. AWS has moved on by exactly those (the previous gated
    apply's own record), and the changes left, with those, are exactly the set shown."""
    shown = evidence.shown
    return bool(shown is not None and shown.changes and evidence.record is None and evidence.predecessor
                and resuming(evidence, plan)
                and digest(approved_keys(plan) | evidence.predecessor) == shown.changes)


def resuming(evidence: Evidence, plan: Plan) -> bool:
    """AWS is not as the plan found it: only the rest of an interrupted apply may go on."""
    return evidence.shown is not None and evidence.shown.live != plan.live_fingerprint


_CHANGED = ("AWS changed since the plan was shown{why}; push a commit or re-run the pull request's "
            "plan job to show the new plan, and merge again")


def resume_refusals(shown: PlanMarker, pull: PullRequest, text: str | None, plan: Plan) -> list[str]:
    if text is None or not shown.changes:
        return [_CHANGED.format(why="")]
    try:
        record = parse_record(text)
    except ValueError as exc:
        return [f"the approval record of this merge is damaged ({exc}); nothing was changed"]
    if (record.pull, record.merge, record.head) != (pull.number, pull.merge_commit_sha, shown.head) \
            or record.repository != shown.repository or record.digest != shown.changes \
            or digest(record.keys) != record.digest:
        return ["the approval record of this merge does not match the plan comment (tampered with?)"]
    left = unapproved(plan, record.keys)
    if left:
        names = ", ".join("`" + a.replace("`", "'") + "`" for a in left[:10])
        names += " ..." if len(left) > 10 else ""
        return [_CHANGED.format(why=f", and the plan now holds changes that were not approved: {names}")]
    return []


def refusals(evidence: Evidence, plan: Plan, pr_author_login: str) -> list[str]:
    """Every reason to refuse the apply; empty means go. `pr_author_login` is the login the
    product opens pull requests as (its request pull requests name their requester)."""
    if not evidence.pull.merged:
        return [f"pull request #{evidence.pull.number} is not merged"]
    approvals = approval_refusals(evidence.pull, evidence.reviews, evidence.people, evidence.planned_head,
                                  pr_author_login)
    return approvals + plan_refusals(evidence, plan)


def gather(port: GitHubPort, pull: PullRequest, bot_login: str, store: RecordStore | None = None,
           applied: str | None = None) -> Evidence:
    """What the gate decides on, read through the port. `bot_login` is the plan comment's author;
    `applied` the commit the last gated apply brought AWS to."""
    comment = find_plan_comment(port.comments(pull.number), bot_login)
    shown = parse_marker(comment.body) if comment else None
    record = load_record(store, pull.merge_commit_sha) if store and pull.merge_commit_sha else None
    reviews = tuple(port.reviews(pull.number))
    previous = predecessor_keys(store, applied, pull.merge_commit_sha) if store else frozenset()
    return Evidence(pull, reviews, shown, record, people_facts(port, pull, reviews), previous)


def people_facts(port: GitHubPort, pull: PullRequest, reviews: Sequence[Review]) -> PeopleFacts:
    """The permission of everyone whose verdict counts for something, and who made the commits."""
    reviewers = {r.author.lower(): r.author for r in latest_verdicts(reviews).values()}
    permissions = {login: port.permission(name) for login, name in sorted(reviewers.items())}
    contributors = {name.lower() for c in port.pull_commits(pull.number)
                    for name in (c.author, c.committer) if name}
    return PeopleFacts(permissions, frozenset(contributors))


def refusal_comment(sha: str, reasons: Sequence[str]) -> str:
    lines = "\n".join(f"- {r}" for r in reasons)
    return (f"**Apply refused** for `{sha[:12]}`: nothing was changed in AWS.\n\n{lines}\n\n"
            "Fix the cause and merge a new pull request (or re-run the apply workflow).")
