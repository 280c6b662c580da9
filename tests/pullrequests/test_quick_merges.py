"""Two merges in quick succession are both applied, in order: the second was planned (and
approved) before the first was applied, so its plan also showed the first one's changes."""

from __future__ import annotations

from typing import Any

from pr_world import STAGING, World, ou_names, planned_pull

DEV = STAGING + "  - Workloads/Dev\n"


def _approve(world: World, number: int) -> None:
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")


def test_two_quick_merges_are_both_applied_in_order(synced_world: World, orgsim: Any) -> None:
    world = synced_world
    world.gh.set_role(world.name, "bob", "push")
    first = planned_pull(world)  # Staging
    _approve(world, first)
    world.repo("alice-token").get_pull(first).merge()
    second = planned_pull(world, "dev", DEV)  # made from main with Staging merged, not yet applied
    _approve(world, second)
    assert world.push_run("apply-merged").code == 0  # the first merge's apply
    assert ou_names(orgsim) == {"Production", "Staging"}

    world.repo("alice-token").get_pull(second).merge()
    result = world.push_run("apply-merged")  # the second: AWS moved on by the first's changes only
    assert result.code == 0, result.err
    assert "plan was shown before the previous merge was applied" in result.err
    assert ou_names(orgsim) == {"Production", "Staging", "Dev"}
    main = world.repo("alice-token")
    assert main.get_git_ref("reconciler/applied").object.sha == main.get_branch("main").commit.sha


def test_aws_changed_otherwise_is_still_refused(synced_world: World, orgsim: Any) -> None:
    world = synced_world
    world.gh.set_role(world.name, "bob", "push")
    first = planned_pull(world)
    _approve(world, first)
    world.repo("alice-token").get_pull(first).merge()
    second = planned_pull(world, "dev", DEV)
    _approve(world, second)
    assert world.push_run("apply-merged").code == 0
    org = orgsim.client()  # someone else changes what the repository manages: not what was shown
    root = org.list_roots()["Roots"][0]["Id"]
    (workloads,) = [o for o in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
                    if o["Name"] == "Workloads"]
    production = next(o for o in org.list_organizational_units_for_parent(ParentId=workloads["Id"])
                      ["OrganizationalUnits"] if o["Name"] == "Production")
    org.delete_organizational_unit(OrganizationalUnitId=production["Id"])
    world.repo("alice-token").get_pull(second).merge()
    result = world.push_run("apply-merged")
    assert result.code == 1 and "AWS changed since the plan was shown" in result.err
    assert ou_names(orgsim) == {"Staging"}  # neither Dev created nor Production put back
