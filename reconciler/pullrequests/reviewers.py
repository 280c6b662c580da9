"""Whose approval counts for the apply gate: the approval rules, as a pure decision over facts
GitHub gave (reconciler.pullrequests.gate gathers them through the port).

An approval counts only when its reviewer
- has write, maintain or admin permission on the repository (GitHub's permission endpoint, never
  assumed): a read-only user's approval is not one GitHub's branch protection would count;
- is a person, not a bot (type `Bot`, or a login ending in `[bot]`): with "Allow GitHub Actions
  to create and approve pull requests" on, any pull request's own code can approve as
  github-actions[bot] from its plan job;
- is none of the pull request's author, the requester it was opened for, and anyone who authored
  or committed one of its commits: nobody approves their own change;
- approved the head commit that was planned (the review's `commit_id`): the plan comment is edited
  in place, so an approval of an older commit was given to a plan nobody approving has seen.

A change request from someone with write permission blocks, whatever else was approved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reconciler.pullrequests.port import PullRequest, Review

APPROVED = "APPROVED"
CHANGES_REQUESTED = "CHANGES_REQUESTED"
# Review states that replace a reviewer's earlier verdict; COMMENTED and PENDING do not.
VERDICTS = frozenset({APPROVED, CHANGES_REQUESTED, "DISMISSED"})
WRITERS = frozenset({"admin", "maintain", "write"})
# A request pull request is opened by the product for the person who filed the issue: they count
# as its author, so they cannot approve their own request.
_REQUESTER = re.compile(r"<!-- reconciler:request issue=\d+ requester=([A-Za-z0-9-]{1,39}) -->")


@dataclass(frozen=True)
class PeopleFacts:
    """What GitHub says about the people around one pull request."""

    permissions: Mapping[str, str]  # lowercased login -> admin | maintain | write | triage | read | none
    contributors: frozenset[str] = frozenset()  # lowercased logins that authored or committed a commit


def is_bot(login: str, user_type: str = "User") -> bool:
    return user_type == "Bot" or login.lower().endswith("[bot]")


def shown(login: str) -> str:
    """A login as refusal text: a code span, so it can neither mention anyone nor format."""
    return "`" + login.replace("`", "'").replace("\n", " ")[:60] + "`"


def authors(pull: PullRequest, pr_author_login: str) -> set[str]:
    """The pull request's author and, for one the product opened from an account request (its
    author is the product's pull request login, or any bot), the requester it names."""
    names = {pull.author.lower()}
    if pull.author.lower() == pr_author_login.lower() or is_bot(pull.author):
        names.update(m.lower() for m in _REQUESTER.findall(pull.body))
    return names


def latest_verdicts(reviews: Sequence[Review]) -> dict[str, Review]:
    """Each reviewer's last verdict, in the order GitHub recorded the reviews."""
    verdicts: dict[str, Review] = {}
    for review in sorted(reviews, key=lambda r: (r.submitted_at is None, r.submitted_at, r.id)):
        if review.state in VERDICTS:
            verdicts[review.author.lower()] = review
    return verdicts


def broken_rules(review: Review, facts: PeopleFacts, own: set[str], head: str) -> list[str]:
    """Every rule an approval breaks; empty when it counts."""
    login = review.author.lower()
    broken = []
    if is_bot(review.author, review.author_type):
        broken.append("the reviewer is a bot")
    elif facts.permissions.get(login, "none") not in WRITERS:
        broken.append(f"the reviewer has {facts.permissions.get(login, 'none')} permission, not write, "
                      "maintain or admin")
    if login in own:
        broken.append("the reviewer is the pull request's author or requester")
    if login in facts.contributors:
        broken.append("the reviewer authored or pushed a commit of the pull request")
    if review.commit_id != head:
        commit = review.commit_id[:12] or "an unknown commit"
        broken.append(f"it approved {commit}, not the planned head {head[:12]}")
    return broken


def counted_approvers(pull: PullRequest, reviews: Sequence[Review], facts: PeopleFacts, head: str,
                      pr_author_login: str) -> list[str]:
    """The reviewers whose approval counts, by the same rules: what the audit record names."""
    own = authors(pull, pr_author_login)
    return [r.author for _, r in sorted(latest_verdicts(reviews).items())
            if r.state == APPROVED and not broken_rules(r, facts, own, head)]


def approval_refusals(pull: PullRequest, reviews: Sequence[Review], facts: PeopleFacts, head: str,
                      pr_author_login: str) -> list[str]:
    """Why the reviews do not approve `head` of `pull`; empty when they do."""
    verdicts = latest_verdicts(reviews)
    own = authors(pull, pr_author_login)
    refusals = [f"{shown(r.author)} requested changes and has not approved since"
                for login, r in sorted(verdicts.items())
                if r.state == CHANGES_REQUESTED and facts.permissions.get(login, "none") in WRITERS]
    approvals = {login: broken_rules(r, facts, own, head)
                 for login, r in sorted(verdicts.items()) if r.state == APPROVED}
    if not any(not broken for broken in approvals.values()):
        ignored = "".join(f"; the approval of {shown(verdicts[login].author)} does not count: "
                          + ", and ".join(broken) for login, broken in approvals.items())
        who = ", ".join(shown(a) for a in sorted(own))
        refusals.append(f"no approval that counts from a reviewer with write access other than the "
                        f"author ({who}) and the pull request's committers{ignored}")
    return refusals
