"""Issue 12's done-when, at a scale that runs fast: "A reconcile that would open 200 pull requests
under a 30-a-minute secondary limit finishes without losing one." Here 12 accounts made out of band,
at most 5 new pull requests a run, and ghfake refusing content-creating requests past 8 a minute
(GitHub's secondary limit, docs/ghfake.md). The adapter waits as GitHub says; its sleep advances
ghfake's clock instead of sleeping."""

from __future__ import annotations

from collections import Counter

import pytest
from drift_world import World

import reconciler.adapters.github as github_adapter

STRAYS = 12
CAP = 5
PER_MINUTE = 8


def test_a_mass_drift_under_a_secondary_limit_loses_no_pull_request(
        small_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = small_world
    world.sim.configure(create_account_seconds=0)
    world.set_setting("max_pull_requests_per_run: 30", f"max_pull_requests_per_run: {CAP}")
    org = world.org()
    for n in range(STRAYS):  # accounts made by hand: import pull requests are due
        org.create_account(Email=f"stray{n}@example.com", AccountName=f"stray-{n}")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        world.gh.advance_clock(seconds)

    monkeypatch.setattr(github_adapter, "sleep", sleep)
    world.gh.set_secondary_rate_limit(PER_MINUTE)
    try:
        deferred, waits = [], []
        for run in range(4):  # three runs open 5, 5 and 2; the fourth has nothing left to open
            before = len(slept)
            report = world.reconcile_json()  # exit code 0: no remediation failed
            strays = [d for d in report["drift"] if d["address"].startswith("account.stray-")]
            assert len(strays) == (STRAYS if run < 3 else 0)  # after a clean full scan, incremental
            assert {d["remediation"] for d in strays} <= {"pull_request", "deferred"}
            deferred.append(report["summary"]["deferred"])
            waits.append(len(slept) - before)
    finally:
        world.gh.set_secondary_rate_limit(None)
    assert deferred == [STRAYS - CAP, STRAYS - 2 * CAP, 0, 0]
    assert all(n > 0 for n in waits[:3])  # every run that opened pull requests met the limit
    pulls = world.gh.github().get_repo(world.full_name).get_pulls(state="all")
    heads = Counter(p.head.ref for p in pulls if "stray" in p.head.ref)
    assert len(heads) == STRAYS and set(heads.values()) == {1}  # none lost, none opened twice
    assert all(p.state == "open" for p in pulls if "stray" in p.head.ref)
