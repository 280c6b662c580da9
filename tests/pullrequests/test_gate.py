"""The apply gate's decision, as a table of plain values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from reconciler.plan.changes import Plan
from reconciler.pullrequests.comment import PlanMarker
from reconciler.pullrequests.gate import Evidence, refusal_comment, refusals
from reconciler.pullrequests.port import PullRequest, Review
from reconciler.pullrequests.reviewers import PeopleFacts, approval_refusals

BOT = "github-actions[bot]"
APP = "org-reconciler[bot]"
T0 = datetime(2026, 1, 1)
HEAD, OLD = "h" * 40, "o" * 40
PLAN = Plan(repository_fingerprint="sha256:repo", live_fingerprint="sha256:live")
SHOWN = PlanMarker(HEAD, "sha256:repo", "sha256:live")
WRITERS = PeopleFacts({"bob": "write", "carol": "admin", "dave": "maintain", "alice": "write",
                       BOT: "none", "reader": "read", "triager": "triage"})


def pull(author: str = "alice", merged: bool = True, body: str = "") -> PullRequest:
    return PullRequest(5, "t", body, author, "closed", merged, "feature", HEAD, "main", "m" * 40)


def review(author: str, state: str, minutes: int, commit: str = HEAD, kind: str = "User") -> Review:
    return Review(minutes, author, state, T0 + timedelta(minutes=minutes), commit, kind)


def approves(reviews: list[Review], facts: PeopleFacts = WRITERS, author: str = "alice", body: str = "",
             pr_author: str = BOT) -> list[str]:
    return approval_refusals(pull(author=author, body=body), reviews, facts, HEAD, pr_author)


@pytest.mark.parametrize(("reviews", "ok"), [
    ([review("bob", "APPROVED", 1)], True),
    ([review("carol", "APPROVED", 1)], True),  # admin
    ([review("dave", "APPROVED", 1)], True),  # maintain
    ([], False),
    ([review("alice", "APPROVED", 1)], False),  # the author's own approval never counts
    ([review("bob", "COMMENTED", 1)], False),
    ([review("bob", "APPROVED", 1), review("bob", "CHANGES_REQUESTED", 2)], False),
    ([review("bob", "CHANGES_REQUESTED", 1), review("bob", "APPROVED", 2)], True),
    ([review("bob", "APPROVED", 1), review("bob", "COMMENTED", 2)], True),  # a comment keeps the verdict
    ([review("bob", "APPROVED", 1), review("bob", "DISMISSED", 2)], False),
    ([review("bob", "APPROVED", 1), review("carol", "CHANGES_REQUESTED", 2)], False),  # a writer blocks
    ([review("bob", "APPROVED", 1), review("reader", "CHANGES_REQUESTED", 2)], True),  # a reader does not
    ([review("BOB", "APPROVED", 2), review("bob", "CHANGES_REQUESTED", 1)], True),  # by time, any case
    ([review(BOT, "APPROVED", 1, kind="Bot")], False),  # the Actions bot
    ([review(APP, "APPROVED", 1)], False),  # a login ending in [bot], whatever its type says
    ([review("robot", "APPROVED", 1, kind="Bot")], False),  # type Bot, whatever its login
    ([review("reader", "APPROVED", 1)], False),  # read permission
    ([review("triager", "APPROVED", 1)], False),  # triage is not write
    ([review("stranger", "APPROVED", 1)], False),  # no permission known: none
    ([review("bob", "APPROVED", 1, commit=OLD)], False),  # an older commit than the one planned
    ([review("bob", "APPROVED", 1, commit="")], False),  # no commit at all
    ([review("bob", "APPROVED", 1, commit=OLD), review("bob", "APPROVED", 2)], True),  # re-approved
])
def test_which_approvals_count(reviews: list[Review], ok: bool) -> None:
    assert (approves(reviews) == []) is ok


def test_a_committer_or_commit_author_cannot_approve() -> None:
    pushed = PeopleFacts({"bob": "write", "carol": "write"}, frozenset({"bob"}))
    assert approves([review("bob", "APPROVED", 1)], pushed)
    assert not approves([review("bob", "APPROVED", 1), review("carol", "APPROVED", 2)], pushed)


def test_the_requester_of_a_product_opened_request_cannot_approve_it() -> None:
    body = "Adds x.\n<!-- reconciler:request issue=3 requester=bob -->"
    assert approves([review("bob", "APPROVED", 1)], author=BOT, body=body)
    assert not approves([review("carol", "APPROVED", 1)], author=BOT, body=body)


def test_the_requester_counts_when_requests_are_opened_by_an_app() -> None:
    """With an App token for the request workflow, the pull request's author is the App's bot:
    RECONCILER_PR_AUTHOR_LOGIN names it, and any bot author is honoured all the same."""
    body = "<!-- reconciler:request issue=3 requester=bob -->"
    assert approves([review("bob", "APPROVED", 1)], author=APP, body=body, pr_author=APP)
    assert approves([review("bob", "APPROVED", 1)], author=APP, body=body, pr_author=BOT)
    assert approves([review("bob", "APPROVED", 1)], author="requests-user", body=body,
                    pr_author="requests-user")


def test_a_requester_marker_in_a_humans_pull_request_changes_nothing() -> None:
    body = "<!-- reconciler:request issue=3 requester=bob -->"
    assert not approves([review("bob", "APPROVED", 1)], author="alice", body=body)


def test_the_refusal_says_which_rule_each_ignored_review_broke() -> None:
    facts = PeopleFacts({"reader": "read", "bob": "write", "alice": "write"}, frozenset({"bob"}))
    reasons = approves([review(BOT, "APPROVED", 1, kind="Bot"), review("reader", "APPROVED", 2),
                        review("bob", "APPROVED", 3, commit=OLD), review("alice", "APPROVED", 4)], facts)
    text = refusal_comment("m" * 40, reasons)
    assert f"`{BOT}` does not count: the reviewer is a bot" in text
    assert "`reader` does not count: the reviewer has read permission, not write, maintain or admin" in text
    assert "`bob` does not count: the reviewer authored or pushed a commit of the pull request, and it " \
           f"approved {OLD[:12]}, not the planned head {HEAD[:12]}" in text
    assert "`alice` does not count: the reviewer is the pull request's author or requester" in text


def test_a_hostile_login_cannot_format_the_refusal() -> None:
    hostile = "x`<!-- @everyone [a](http://e) -->"
    reasons = approves([review(hostile, "APPROVED", 1)], PeopleFacts({}))
    assert "`x'<!-- @everyone [a](http://e) -->`" in reasons[0]  # one code span: no mention, no link


def evidence(shown: PlanMarker | None = SHOWN, merged: bool = True) -> Evidence:
    return Evidence(pull(merged=merged), (review("bob", "APPROVED", 1),), shown, None, WRITERS)


@pytest.mark.parametrize(("ev", "plan", "reason"), [
    (evidence(), PLAN, None),
    (evidence(merged=False), PLAN, "not merged"),
    (evidence(shown=None), PLAN, "no plan was shown"),
    (evidence(shown=PlanMarker("o" * 40, "sha256:repo", "sha256:live")), PLAN, "not the last commit"),
    (evidence(), Plan(repository_fingerprint="sha256:other", live_fingerprint="sha256:live"), "merged tree"),
    (evidence(), Plan(repository_fingerprint="sha256:repo", live_fingerprint="sha256:moved"), "AWS changed"),
])
def test_the_plan_must_be_the_one_shown(ev: Evidence, plan: Plan, reason: str | None) -> None:
    found = refusals(ev, plan, BOT)
    if reason is None:
        assert found == []
    else:
        assert any(reason in r for r in found), found


def test_approvals_must_be_of_the_planned_head() -> None:
    """The plan shown is for OLD; bob approved the pull request's later head, never shown a plan."""
    ev = Evidence(pull(), (review("bob", "APPROVED", 1),), PlanMarker(OLD, "sha256:repo", "sha256:live"),
                  None, WRITERS)
    assert any("not the planned head" in r for r in refusals(ev, PLAN, BOT))
