"""Whose approval counts, end to end: the workflows' own `reconciler ...` lines against ghfake and
orgsim. A merge approved only by the Actions bot, only by a read-only user, only on an older
commit than the one planned, or only by someone who pushed a commit to it, is refused and AWS is
unchanged; approved by a writer on the planned head, it is applied. No branch protection is set:
the gate holds even where the repository's settings would let such a merge through."""

from __future__ import annotations

from typing import Any

import pytest
from pr_world import World, merge_and_apply, ou_names, planned_pull

from reconciler.apply.audit import read_audit


@pytest.fixture
def world(synced_world: World) -> World:
    return synced_world


def assert_refused(world: World, orgsim: Any, number: int, result: Any, rule: str) -> None:
    assert result.code == 1, result.err
    assert rule in result.err
    assert "Staging" not in ou_names(orgsim)
    assert any(c.body.startswith("**Apply refused**") and rule in c.body for c in world.bot_comments(number))


def test_an_approval_by_the_actions_bot_does_not_count(world: World, orgsim: Any) -> None:
    # The plan job runs the pull request's own code with pull-requests: write; with "Allow
    # GitHub Actions to create and approve pull requests" on, that code can approve.
    number = planned_pull(world)
    world.repo(world.gh.token).get_pull(number).create_review(event="APPROVE")
    result = merge_and_apply(world, number)
    rule = "`github-actions[bot]` does not count: the reviewer is a bot"
    assert_refused(world, orgsim, number, result, rule)


def test_an_approval_by_a_read_only_user_does_not_count(world: World, orgsim: Any) -> None:
    world.gh.set_role(world.name, "bob", "pull")
    number = planned_pull(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    result = merge_and_apply(world, number)
    assert_refused(world, orgsim, number, result, "the reviewer has read permission")


def test_an_approval_of_an_older_commit_does_not_count(world: World, orgsim: Any) -> None:
    number = planned_pull(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    world.push("staging", {"README.md": "# org, with Staging\n"}, "later")
    # The plan job runs again and edits its comment in place: bob never saw this plan.
    assert world.pull_request_run(number, "staging", "plan", "--comment").code == 0
    result = merge_and_apply(world, number)
    assert_refused(world, orgsim, number, result, "not the planned head")


def test_an_approval_by_someone_who_pushed_a_commit_does_not_count(world: World, orgsim: Any) -> None:
    number = planned_pull(world)
    world.push("staging", {"README.md": "# org, bob was here\n"}, "bob's commit", who="bob")
    assert world.pull_request_run(number, "staging", "plan", "--comment").code == 0
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    result = merge_and_apply(world, number)
    assert_refused(world, orgsim, number, result, "the reviewer authored or pushed a commit")


def test_an_approval_by_a_writer_of_the_planned_head_is_applied(world: World, orgsim: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    audit = world.tmp / "audit.jsonl"
    monkeypatch.setenv("RECONCILER_AUDIT_URI", str(audit))  # a local path: the log goes there
    world.gh.set_role(world.name, "bob", "push")  # asked of GitHub, as the gate does
    number = planned_pull(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    result = merge_and_apply(world, number)
    assert result.code == 0, result.err
    assert "Staging" in ou_names(orgsim)
    assert any(c.body.startswith("**Applied**") for c in world.bot_comments(number))
    # The audit trail says why: the pull request, its author and the approvals that counted.
    (record,) = [r for r in read_audit(audit) if r["address"] == "ou.Workloads/Staging"]
    assert record["reason"]["kind"] == "gated_apply" and record["reason"]["pull_request"] == number
    assert record["reason"]["approvers"] == ["bob"] and record["reason"]["author"] == "alice"
