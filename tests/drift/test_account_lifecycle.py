"""The account lifecycle end to end, with both clocks set: a sandbox lease ends, the retirement pull
request is merged and applied (quarantine), the grace period ends, the close pull request is merged
and applied with allow_account_close; and the cost-flag issue kept up to date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from drift_world import World, ou_id

from orgsim.testing import OrgSim
from reconciler.commands.apply import run_apply

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

