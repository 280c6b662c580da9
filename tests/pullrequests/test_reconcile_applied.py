"""Reconcile enforces what the gate applied, not what was merged: a merge the gate refused stays
out of AWS through the scheduled reconciles, which say it waits for the gate."""

from __future__ import annotations

from typing import Any

from pr_world import STAGING, World, merge_and_apply, ou_names, planned_pull

from ghfake.testing import schedule_event

DEV = STAGING + "  - Workloads/Dev\n"


def _reconcile(world: World) -> Any:
    payload = schedule_event(repository=world.name, cron="*/15 * * * *")
    return world.run(world.checkout("main"), "schedule", payload, "reconcile")


def test_a_refused_merge_stays_unapplied_through_scheduled_reconciles(
        synced_world: World, orgsim: Any) -> None:
    world = synced_world
    world.gh.set_role(world.name, "bob", "push")
    approved = planned_pull(world)
    world.repo("bob-token").get_pull(approved).create_review(event="APPROVE")
    assert merge_and_apply(world, approved).code == 0
    main = world.repo("alice-token")
    applied = main.get_git_ref("reconciler/applied").object.sha
    assert applied == main.get_branch("main").commit.sha  # the gate records what it applied

    refused = planned_pull(world, "dev", DEV)
    world.repo(world.gh.token).get_pull(refused).create_review(event="APPROVE")  # a bot's: no
    assert merge_and_apply(world, refused).code == 1
    assert main.get_git_ref("reconciler/applied").object.sha == applied  # not moved

    for _ in range(3):
        result = _reconcile(world)
        assert result.code == 0, result.err
        assert "1 merged change on main since the last applied commit" in result.out
        assert "waits for the apply gate" in result.out
        assert "Dev" not in ou_names(orgsim) and "Staging" in ou_names(orgsim)


def test_reconcile_without_a_recorded_apply_says_so(synced_world: World) -> None:
    result = _reconcile(synced_world)
    assert result.code == 0, result.err
    assert "no applied commit is recorded yet" in result.out
