"""One run at a time changes AWS: the lease on refs/reconciler/lease. The rules with a plain store;
then, against ghfake and orgsim, an apply that waits, and a reconcile that finds the lease taken and
only reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pr_world import World, merge_and_apply, ou_names, planned_pull

from ghfake.testing import schedule_event
from reconciler.adapters.github import GitHubClient
from reconciler.pullrequests.lease import FILE, REF, STALE_AFTER, Holder, acquire, release

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class Store:
    """The lease port with plain values: a ref that exists or not, as GitHub's refs API answers."""

    def __init__(self) -> None:
        self.refs: dict[str, str] = {}

    def create_ref_file(self, ref: str, path: str, text: str, message: str) -> bool:
        if ref in self.refs:
            return False
        self.refs[ref] = text
        return True

    def read_ref_file(self, ref: str, path: str) -> str | None:
        return self.refs.get(ref)

    def delete_ref(self, ref: str) -> None:
        self.refs.pop(ref, None)


class Clock:
    def __init__(self) -> None:
        self.at = T0
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)


def _holder(command: str, since: datetime = T0) -> Holder:
    return Holder(command, f"{command}-1", None, since.isoformat())


def test_one_holder_at_a_time_and_release_lets_the_next_in() -> None:
    store, clock = Store(), Clock()
    first, second = _holder("apply-merged"), _holder("reconcile")
    assert acquire(store, first, clock.now, clock.sleep, timedelta(0)).held
    taken = acquire(store, second, clock.now, clock.sleep, timedelta(0))
    assert not taken.held and taken.other == first and clock.slept == []  # no waiting asked
    release(store, second)  # not its lease: nothing happens
    assert REF in store.refs
    release(store, first)
    assert acquire(store, second, clock.now, clock.sleep, timedelta(0)).held


def test_a_waiting_apply_gives_up_after_its_wait_without_the_lease() -> None:
    store, clock = Store(), Clock()
    acquire(store, _holder("reconcile"), clock.now, clock.sleep, timedelta(0))
    waited = acquire(store, _holder("apply-merged"), clock.now, clock.sleep, timedelta(minutes=1))
    assert not waited.held and sum(clock.slept) >= 60 and len(clock.slept) == 4  # every 15 s


def test_a_stale_or_unreadable_lease_is_broken() -> None:
    store, clock = Store(), Clock()
    dead = _holder("reconcile", since=T0 - STALE_AFTER)
    store.refs[REF] = dead.text()
    outcome = acquire(store, _holder("apply-merged"), clock.now, clock.sleep, timedelta(0))
    assert outcome.held and outcome.broken == dead
    store.refs[REF] = "not json"
    assert acquire(store, _holder("reconcile"), clock.now, clock.sleep, timedelta(0)).held


def _hold_as_apply(world: World) -> GitHubClient:
    client = GitHubClient(world.name, world.gh.token, world.gh.url)
    holder = Holder("apply-merged", "777-1", "https://example.invalid/run/777", datetime.now(UTC).isoformat())
    assert client.create_ref_file(REF, FILE, holder.text(), "lease")
    assert not client.create_ref_file(REF, FILE, holder.text(), "lease")  # GitHub refuses a second create
    return client


def test_a_reconcile_that_meets_a_running_apply_changes_nothing_and_says_so(synced_world: World,
                                                                          orgsim: Any) -> None:
    world = synced_world
    org = orgsim.client()
    root = org.list_roots()["Roots"][0]["Id"]
    (workloads,) = [o for o in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
                    if o["Name"] == "Workloads"]
    (production,) = org.list_organizational_units_for_parent(ParentId=workloads["Id"])["OrganizationalUnits"]
    org.delete_organizational_unit(OrganizationalUnitId=production["Id"])  # drift reconcile would revert
    client = _hold_as_apply(world)
    payload = schedule_event(repository=world.name, cron="*/15 * * * *")
    result = world.run(world.checkout("main"), "schedule", payload, "reconcile")
    assert result.code == 0, result.err
    assert "another run is changing AWS (apply-merged run 777-1" in result.out
    assert "Production" not in ou_names(orgsim)  # detected, reported, not reverted
    client.delete_ref(REF)
    again = world.run(world.checkout("main"), "schedule", payload, "reconcile")
    assert again.code == 0 and "Production" in ou_names(orgsim)


def test_an_apply_that_cannot_get_the_lease_changes_nothing_and_says_who_holds_it(
        synced_world: World, orgsim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = synced_world
    world.gh.set_role(world.name, "bob", "push")
    number = planned_pull(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    client = _hold_as_apply(world)
    monkeypatch.setenv("RECONCILER_LEASE_WAIT", "0")
    refused = merge_and_apply(world, number)
    assert refused.code == 1 and "another run changes AWS now (apply-merged run 777-1" in refused.err
    assert "Staging" not in ou_names(orgsim)
    client.delete_ref(REF)
    assert world.push_run("apply-merged").code == 0  # the re-run the message asks for
    assert "Staging" in ou_names(orgsim)
    assert client.read_ref_file(REF, FILE) is None  # let go


def test_a_rerun_takes_over_the_lease_of_its_own_earlier_attempt_only() -> None:
    store, clock = Store(), Clock()
    killed = Holder("apply-merged", "4242-1", None, T0.isoformat())
    store.refs[REF] = killed.text()
    other_run = acquire(store, Holder("apply-merged", "4243-1", None, T0.isoformat()),
                        clock.now, clock.sleep, timedelta(0))
    assert not other_run.held  # another run waits: the holder may be alive
    rerun = acquire(store, Holder("apply-merged", "4242-2", None, T0.isoformat()), clock.now, clock.sleep,
                    timedelta(0))
    assert rerun.held and rerun.broken == killed


def test_a_lease_wait_that_is_not_seconds_is_refused_before_anything(
        synced_world: World, orgsim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_LEASE_WAIT", "ten minutes")
    result = synced_world.push_run("apply-merged")
    assert result.code == 1 and "RECONCILER_LEASE_WAIT='ten minutes' is not a number of seconds" in result.err
    assert "Traceback" not in result.err
