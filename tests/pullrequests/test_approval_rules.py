"""Whose approval counts, end to end: the workflows' own `reconciler ...` lines against ghfake and
orgsim. A merge approved only by the Actions bot, only by a read-only user, only on an older
commit than the one planned, or only by someone who pushed a commit to it, is refused and AWS is
unchanged; approved by a writer on the planned head, it is applied. No branch protection is set:
the gate holds even where the repository's settings would let such a merge through."""

from __future__ import annotations

from typing import Any

import pytest
from pr_world import ORGANIZATION, World

STAGING = ORGANIZATION + "  - Workloads/Staging\n"


@pytest.fixture
def world(synced_world: World) -> World:
    return synced_world


def ou_names(orgsim: Any) -> set[str]:
    org = orgsim.client()

    def children(parent: str) -> list[Any]:
        found: list[Any] = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]
        return found

    (workloads,) = [ou for ou in children(org.list_roots()["Roots"][0]["Id"]) if ou["Name"] == "Workloads"]
    return {ou["Name"] for ou in children(workloads["Id"])}


def planned_pull(world: World) -> int:
    """alice's pull request adding the Staging OU, with its plan shown by the plan job."""
    world.push("staging", {"organization.yaml": STAGING}, "a Staging OU")
    number: int = world.repo("alice-token").create_pull(base="main", head="staging", title="Staging",
                                                        body="").number
    assert world.pull_request_run(number, "staging", "plan", "--comment").code == 0
    return number


def merge_and_apply(world: World, number: int) -> Any:
    world.repo("alice-token").get_pull(number).merge()
    return world.push_run("apply-merged")


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


def test_an_approval_by_a_writer_of_the_planned_head_is_applied(world: World, orgsim: Any) -> None:
    world.gh.set_role(world.name, "bob", "push")  # asked of GitHub, as the gate does
    number = planned_pull(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    result = merge_and_apply(world, number)
    assert result.code == 0, result.err
    assert "Staging" in ou_names(orgsim)
    assert any(c.body.startswith("**Applied**") for c in world.bot_comments(number))
