"""The account lifecycle end to end, with both clocks set: a sandbox lease ends, the retirement pull
request is merged and applied (quarantine), the grace period ends, the close pull request is merged
and applied with allow_account_close; and the cost-flag issue kept up to date."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from drift_world import World, ou_id

from orgsim.testing import OrgSim
from reconciler.commands.apply import run_apply
from reconciler.commands.cli import cli

T0 = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
LIFECYCLE = """
lifecycle:
  quarantine_ou: Suspended
  grace_days: 30
  lease_warning_days: 7
"""


def _keep(names: tuple[str, ...], extra: str = "", lease: str | None = None) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        for path in (repo / "accounts").glob("*.yaml"):
            if path.stem not in names:
                path.unlink()
        org = repo / "organization.yaml"
        org.write_text(org.read_text() + extra)
        if lease:
            account = repo / "accounts" / f"{names[0]}.yaml"
            account.write_text(account.read_text() + lease)
    return edit


def _at(world: World, monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    """Both clocks to `when`: the product's (RECONCILER_CLOCK) and orgsim's."""
    monkeypatch.setenv("RECONCILER_CLOCK", when.isoformat())
    world.sim.set_clock(now=when.isoformat())


def _run(world: World, monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    _at(world, monkeypatch, when)
    world.reconcile_at(when)


def _pulls(world: World) -> list[Any]:
    return list(world.gh.github().get_repo(world.full_name).get_pulls(state="all"))


def _issues(world: World) -> list[Any]:
    return [i for i in world.gh.github().get_repo(world.full_name).get_issues(state="all")
            if i.pull_request is None]


def _merge_and_apply(world: World, number: int) -> None:
    """People merge the pull request; the gated apply brings AWS to main (here: apply on the merge)."""
    world.gh.github().get_repo(world.full_name).get_pull(number).merge()
    merged = world.clone("main")
    for path in (merged / "accounts").glob("*.yaml"):
        (world.repo / "accounts" / path.name).write_text(path.read_text())
    run_apply(world.repo, None, True, None, False)


def _parent(world: World, name: str) -> str:
    return str(world.org().list_parents(ChildId=world.ids()[name])["Parents"][0]["Id"])


def _state(world: World, name: str) -> str:
    account_id = world.ids()[name]
    return str(world.org().describe_account(AccountId=account_id)["Account"]["State"])


def test_lease_retirement_grace_and_close(world_factory: Callable[..., World], orgsim: OrgSim,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    orgsim.set_clock(now=T0.isoformat())
    world = world_factory(_keep(("sandbox-alice", "cust-acme-prod"), LIFECYCLE, "lease:\n  days: 30\n"))
    _run(world, monkeypatch, T0)  # first sight: the lease counts from here
    assert _pulls(world) == []

    _run(world, monkeypatch, T0 + timedelta(days=23, hours=1))  # within lease_warning_days
    [warning] = _issues(world)
    assert warning.state == "open" and "sandbox-alice" in warning.body

    _run(world, monkeypatch, T0 + timedelta(days=29, hours=23))  # day 29: not yet
    assert _pulls(world) == []
    _run(world, monkeypatch, T0 + timedelta(days=30))  # day 30: the lease ended
    [retire] = _pulls(world)
    assert retire.title == "Retire sandbox-alice: its sandbox lease ended"
    assert [f.filename for f in retire.get_files()] == ["accounts/sandbox-alice.yaml"]
    assert "+lifecycle_state: retiring" in retire.get_files()[0].patch
    assert [i.state for i in _issues(world)] == ["closed"]  # nothing ends soon any more

    _at(world, monkeypatch, T0 + timedelta(days=30, hours=2))
    _merge_and_apply(world, retire.number)
    assert _parent(world, "sandbox-alice") == ou_id(world.org(), "Suspended")
    _run(world, monkeypatch, T0 + timedelta(days=30, hours=3))  # the grace period starts
    _run(world, monkeypatch, T0 + timedelta(days=60, hours=2))  # 30 days minus an hour: not yet
    assert len(_pulls(world)) == 1
    _run(world, monkeypatch, T0 + timedelta(days=60, hours=3))
    close = next(p for p in _pulls(world) if p.number != retire.number)
    assert close.title == "Close sandbox-alice: its grace period in quarantine ended"
    assert "+lifecycle_state: closed" in close.get_files()[0].patch

    _at(world, monkeypatch, T0 + timedelta(days=60, hours=4))
    world.set_setting("allow_account_close: false", "allow_account_close: true")
    _merge_and_apply(world, close.number)
    assert _state(world, "sandbox-alice") in ("PENDING_CLOSURE", "SUSPENDED")



def _spend(world: World, daily: dict[str, float], end: datetime) -> None:
    """Cost Explorer fed: each account's daily cost for the 30 days before `end`."""
    ids = world.ids()
    world.sim.seed_spend([{"account_id": ids[name], "date": (end - timedelta(days=n)).date().isoformat(),
                           "amount": amount} for name, amount in daily.items() for n in range(1, 31)])


def _flagged(issue: Any) -> list[str]:
    return sorted(re.findall(r"^\| `([a-z0-9-]+)` \|", issue.body, flags=re.MULTILINE))


def _cost_reads(world: World) -> int:
    return sum(count for name, count in world.sim.calls().items() if "GetCostAndUsage" in name)


def test_cost_flag_issue_lists_exactly_the_accounts_under_the_threshold(
        world_factory: Callable[..., World], orgsim: OrgSim, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    orgsim.set_clock(now=T0.isoformat())
    world = world_factory(_keep(("cust-acme-prod", "cust-umbrella-prod", "data-science-lab"),
                                "\nlifecycle:\n  flag_below_monthly_usd: 10\n"))
    # $150, $9.90 (under $10 by a little) and nothing at all in the last 30 days
    _spend(world, {"cust-acme-prod": 5.0, "cust-umbrella-prod": 0.33}, T0)
    before = _cost_reads(world)
    _run(world, monkeypatch, T0)
    [issue] = _issues(world)
    assert issue.title == "Accounts spending under $10.00 a month"
    assert _flagged(issue) == ["cust-umbrella-prod", "data-science-lab"]
    assert _cost_reads(world) == before + 1

    _spend(world, {"cust-acme-prod": 5.0, "cust-umbrella-prod": 1.0}, T0)
    _run(world, monkeypatch, T0 + timedelta(hours=2))  # the same day: Cost Explorer is not asked again
    assert _cost_reads(world) == before + 1
    assert _flagged(world.gh.github().get_repo(world.full_name).get_issue(issue.number)) == [
        "cust-umbrella-prod", "data-science-lab"]

    next_day = T0 + timedelta(days=1)
    _spend(world, {"cust-acme-prod": 5.0, "cust-umbrella-prod": 1.0}, next_day)
    _run(world, monkeypatch, next_day)  # the next day: read again, the list edited in place
    assert _cost_reads(world) == before + 2
    [edited] = _issues(world)
    assert edited.number == issue.number and _flagged(edited) == ["data-science-lab"]

    later = T0 + timedelta(days=2)
    _spend(world, {"cust-acme-prod": 5.0, "cust-umbrella-prod": 1.0, "data-science-lab": 0.5}, later)
    _run(world, monkeypatch, later)
    [closed] = _issues(world)
    assert closed.number == issue.number and closed.state == "closed"


def _sandboxes(count: int) -> Callable[[Path], None]:
    def edit(repo: Path) -> None:
        template = (repo / "accounts" / "sandbox-alice.yaml").read_text()
        for path in (repo / "accounts").glob("*.yaml"):
            path.unlink()
        for n in range(1, count + 1):
            name = f"sbx-{n:02d}"
            (repo / "accounts" / f"{name}.yaml").write_text(template.replace("sandbox-alice", name))
        org = repo / "organization.yaml"
        org.write_text(org.read_text().replace("max_destructive_changes: 5", "max_destructive_changes: 50")
                       + "\nlifecycle:\n  close_quota: 25\n")
    return edit


def _closed(world: World) -> int:
    accounts = world.org().get_paginator("list_accounts").paginate()
    return sum(1 for page in accounts for a in page["Accounts"] if a["State"] != "ACTIVE")


def _closing_all(world_factory: Callable[..., World], orgsim: OrgSim, monkeypatch: pytest.MonkeyPatch,
                 count: int, aws_quota: int) -> World:
    """`count` sandboxes applied at T0, then every one set to `closed` (repository quota 25)."""
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    orgsim.set_clock(now=T0.isoformat())
    world = world_factory(_sandboxes(count))
    orgsim.configure(close_account_quota=aws_quota, close_account_seconds=3600)
    for path in (world.repo / "accounts").glob("sbx-*.yaml"):
        path.write_text(path.read_text().replace("lifecycle_state: active", "lifecycle_state: closed"))
    world.set_setting("allow_account_close: false", "allow_account_close: true")
    return world


def test_forty_closes_run_in_quota_sized_waves_none_lost_none_over(
        world_factory: Callable[..., World], orgsim: OrgSim, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An organization whose CloseAccount quota is 25 a rolling 30 days retires 40 accounts at once:
    25 close in the first 30 days (3 at a time), the other 15 when the window rolls on."""
    world = _closing_all(world_factory, orgsim, monkeypatch, 40, aws_quota=25)
    capsys.readouterr()
    run_apply(world.repo, None, True, None, False)  # the merged change, applied
    shown = capsys.readouterr().out
    assert ("3 of 40 account closes start now (account.sbx-01, account.sbx-02, account.sbx-03); "
            "37 wait") in shown
    assert "account.sbx-04: waits for one of the 3 closes in progress to finish" in shown
    assert "account.sbx-26: waits 30.0 days" in shown  # the 26th waits for the first to leave
    assert "account.sbx-40: waits more than 30 days" in shown
    assert _closed(world) == 3

    def attempts() -> int:
        return world.sim.calls().get("CloseAccount", 0)

    when = T0
    for _ in range(10):  # a run every two hours: three more each, until the quota is used up
        when += timedelta(hours=2)
        _run(world, monkeypatch, when)
        assert attempts() == _closed(world) <= 25  # every attempt succeeded: none over a quota
    assert _closed(world) == 25
    _run(world, monkeypatch, T0 + timedelta(days=29))
    assert _closed(world) == 25 == attempts()

    when = T0 + timedelta(days=30)
    for _ in range(8):  # the first wave leaves the rolling window: the second wave runs
        when += timedelta(hours=2)
        _run(world, monkeypatch, when)
        assert attempts() == _closed(world)
    assert _closed(world) == 40 == attempts()  # none lost, none closed twice


def test_auto_merge_merges_the_named_transition_only(world_factory: Callable[..., World], orgsim: OrgSim,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    orgsim.set_clock(now=T0.isoformat())
    settings = LIFECYCLE.replace("grace_days: 30", "grace_days: 0") + "  auto_merge: [retire_lease]\n"
    ended = "lease:\n  expires: 2027-01-01\n"
    world = world_factory(_keep(("sandbox-alice", "sandbox-bob"), settings, ended))
    bob = world.repo / "accounts" / "sandbox-bob.yaml"
    bob.write_text(bob.read_text().replace("lifecycle_state: active", "lifecycle_state: retiring"))
    world.push()
    _run(world, monkeypatch, T0)  # alice's lease ended; bob is moved into quarantine
    _run(world, monkeypatch, T0 + timedelta(hours=1))  # bob's grace (0 days) started and ended
    pulls = {p.title: p for p in _pulls(world)}
    retire = pulls["Retire sandbox-alice: its sandbox lease ended"]
    assert retire.merged and retire.state == "closed"  # lifecycle.auto_merge: retire_lease
    merged = world.clone("main") / "accounts" / "sandbox-alice.yaml"
    assert "lifecycle_state: retiring" in merged.read_text()
    close = pulls["Close sandbox-bob: its grace period in quarantine ended"]
    assert not close.merged and close.state == "open"  # close is not in auto_merge: people decide


def test_a_close_aws_refuses_for_its_quota_waits_and_the_apply_says_so(
        world_factory: Callable[..., World], orgsim: OrgSim, monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository allows 25 closes a window, AWS (orgsim) only 2: the third CloseAccount is
    refused with CLOSE_ACCOUNT_QUOTA_EXCEEDED. That close and the one after it wait (never a
    failure, never "No changes"), and the apply says which."""
    world = _closing_all(world_factory, orgsim, monkeypatch, 4, aws_quota=2)
    ran = CliRunner().invoke(cli, ["apply", "--repo", str(world.repo), "--auto-approve",
                                   "--no-writeback-commit"])
    assert ran.exit_code == 0, ran.output
    assert world.sim.calls().get("CloseAccount", 0) == 3 and _closed(world) == 2
    assert "Apply complete: 2 changes made" in ran.output
    assert ("2 account closes wait for AWS's CloseAccount quotas (account.sbx-03, account.sbx-04): "
            "the scheduled reconcile starts each when the quotas allow") in ran.output
    assert "No changes" not in ran.output
