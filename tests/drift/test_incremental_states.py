"""The incremental path's baseline carries each account's AWS State from the last full scan (and
from the accounts it re-read since), never a default: an account the repository has closed is not
planned for closing again, nor reported as drift, by the incremental runs that follow."""

from __future__ import annotations

import time

from core_world import set_field
from drift_world import World

from reconciler.commands.apply import run_apply


def _close_through_the_repository(world: World, name: str) -> None:
    set_field(world.repo / "accounts" / f"{name}.yaml", "lifecycle_state", "closed")
    settings = world.repo / "organization.yaml"
    settings.write_text(settings.read_text().replace("allow_account_close: false",
                                                     "allow_account_close: true"))
    run_apply(world.repo, None, True, None, False)
    world.push()


def _state_of(world: World, name: str) -> str:
    account = world.org().describe_account(AccountId=world.ids()[name])["Account"]
    return str(account["State"])


def test_incremental_runs_do_not_close_a_closed_account_again(small_world: World) -> None:
    world = small_world
    world.ids()
    code, out, _ = world.reconcile()
    assert code == 0 and "scan: full (no earlier run)" in out, out

    _close_through_the_repository(world, "data-science-lab")
    assert _state_of(world, "data-science-lab") in ("PENDING_CLOSURE", "SUSPENDED")
    code, out, _ = world.reconcile()
    assert code == 0 and "scan: full (the repository changed)" in out, out
    assert "account.data-science-lab" not in out, out

    deadline = time.monotonic() + 15
    while _state_of(world, "data-science-lab") != "SUSPENDED" and time.monotonic() < deadline:
        time.sleep(0.05)
    for _ in range(2):  # the second run's CloudTrail window no longer holds the closure
        code, out, _ = world.reconcile()
        assert code == 0 and "scan: incremental" in out, out
        assert "account.data-science-lab" not in out, out
        assert "Drift: 0 found" in out, out
