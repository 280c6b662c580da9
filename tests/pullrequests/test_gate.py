"""The apply gate's decision, as a table of plain values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from reconciler.plan.changes import Plan
from reconciler.pullrequests.comment import PlanMarker
from reconciler.pullrequests.gate import Evidence, approval_refusals, refusals
from reconciler.pullrequests.port import PullRequest, Review

BOT = "github-actions[bot]"
T0 = datetime(2026, 1, 1)
PLAN = Plan(repository_fingerprint="sha256:repo", live_fingerprint="sha256:live")
SHOWN = PlanMarker("h" * 40, "sha256:repo", "sha256:live")


def pull(author: str = "alice", merged: bool = True, body: str = "") -> PullRequest:
    return PullRequest(5, "t", body, author, "closed", merged, "feature", "h" * 40, "main", "m" * 40)


def review(author: str, state: str, minutes: int) -> Review:
    return Review(minutes, author, state, T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(("reviews", "ok"), [
    ([review("bob", "APPROVED", 1)], True),
    ([], False),
    ([review("alice", "APPROVED", 1)], False),  # the author's own approval never counts
    ([review("bob", "COMMENTED", 1)], False),
    ([review("bob", "APPROVED", 1), review("bob", "CHANGES_REQUESTED", 2)], False),
    ([review("bob", "CHANGES_REQUESTED", 1), review("bob", "APPROVED", 2)], True),
    ([review("bob", "APPROVED", 1), review("bob", "COMMENTED", 2)], True),  # a comment keeps the verdict
    ([review("bob", "APPROVED", 1), review("bob", "DISMISSED", 2)], False),
    ([review("bob", "APPROVED", 1), review("carol", "CHANGES_REQUESTED", 2)], False),
    ([review("BOB", "APPROVED", 2), review("bob", "CHANGES_REQUESTED", 1)], True),  # by time, any case
])
def test_approval_by_someone_other_than_the_author(reviews: list[Review], ok: bool) -> None:
    assert (approval_refusals(pull(), reviews, BOT) == []) is ok


def test_the_requester_of_a_bot_opened_request_cannot_approve_it() -> None:
    body = "Adds x.\n<!-- reconciler:request issue=3 requester=bob -->"
    assert approval_refusals(pull(author=BOT, body=body), [review("bob", "APPROVED", 1)], BOT)
    assert not approval_refusals(pull(author=BOT, body=body), [review("carol", "APPROVED", 1)], BOT)


def test_a_requester_marker_in_a_humans_pull_request_changes_nothing() -> None:
    body = "<!-- reconciler:request issue=3 requester=bob -->"
    assert not approval_refusals(pull(author="alice", body=body), [review("bob", "APPROVED", 1)], BOT)


def evidence(shown: PlanMarker | None = SHOWN, merged: bool = True) -> Evidence:
    return Evidence(pull(merged=merged), (review("bob", "APPROVED", 1),), shown)


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
