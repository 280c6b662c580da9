"""reconcile.max_pull_requests_per_run: a mass drift opens at most that many pull requests a run,
and the rest wait for the next runs; none is lost."""

from __future__ import annotations

from drift_world import World

from reconciler.drift.remediate import Budget


def test_budget_counts_what_it_lets_through_and_what_waits() -> None:
    budget = Budget(2)
    assert [budget.take() for _ in range(5)] == [True, True, False, False, False]
    assert (budget.opened, budget.deferred) == (2, 3)
    unlimited = Budget()
    assert all(unlimited.take() for _ in range(100))


def test_a_mass_drift_opens_at_most_the_cap_a_run_and_loses_none(small_world: World) -> None:
    world = small_world
    world.sim.configure(create_account_seconds=0)
    world.set_setting("max_pull_requests_per_run: 30", "max_pull_requests_per_run: 2")
    org = world.org()
    for n in range(5):  # five accounts made by hand: five import pull requests are due
        org.create_account(Email=f"stray{n}@example.com", AccountName=f"stray-{n}")
    assert sum(a["Name"].startswith("stray-") for a in org.list_accounts()["Accounts"]) == 5

    opened: list[set[str]] = []
    deferred: list[int] = []
    for _ in range(3):
        report = world.reconcile_json()
        strays = [d for d in report["drift"] if d["address"].startswith("account.stray-")]
        opened.append({d["address"] for d in strays if d["remediation"] == "pull_request"})
        deferred.append(report["summary"]["deferred"])
    assert [len(o) for o in opened] == [2, 4, 5]  # earlier pull requests are kept open, and counted
    assert deferred == [3, 1, 0]
    pulls = world.gh.github().get_repo(world.full_name).get_pulls(state="open")
    assert sum("stray" in p.head.ref for p in pulls) == 5
