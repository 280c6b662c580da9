"""The incremental path: CloudTrail since the last run, re-reading only what it names, with the
full scan as the safety net."""

from __future__ import annotations

from typing import Any

from drift_world import INTRUDER, World, ou_id

from reconciler.live.cloudtrail import touched


def _calls(world: World, before: dict[str, int]) -> dict[str, int]:
    after = world.sim.calls()
    return {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}


def _run(world: World) -> tuple[str, dict[str, int]]:
    before = world.sim.calls()
    code, out, _ = world.reconcile()  # incremental is the default
    assert code == 0, out
    return out, _calls(world, before)


def test_incremental_reads_only_what_cloudtrail_names(small_world: World) -> None:
    world = small_world
    world.ids()  # orgsim records finished creations' CloudTrail events at the next call
    out, full = _run(world)
    assert "scan: full (no earlier run)" in out

    out, quiet = _run(world)
    assert "scan: incremental, 0 resources re-read" in out and "Drift: 0 found" in out
    assert quiet == {"LookupEvents": 2}  # one lookup per event source: Organizations, Account

    org: Any = world.org()
    source, target = ou_id(org, "Workloads/Production"), ou_id(org, "Sandbox")
    org.move_account(AccountId=world.ids()["cust-acme-prod"], SourceParentId=source,
                     DestinationParentId=target)
    out, moved = _run(world)
    assert "scan: incremental, 1 resources re-read" in out
    assert "account.cust-acme-prod: modified, reverted" in out
    reads = {k: v for k, v in moved.items() if k != "MoveAccount"}
    assert reads == {"LookupEvents": 2, "DescribeAccount": 1, "ListParents": 1, "ListTagsForResource": 1}
    assert sum(reads.values()) < sum(full.values()) / 5

    # A rename is the Account Management API's event, not Organizations': followed all the same.
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")  # renames by id need it
    account: Any = world.sim.client("account", access_key_id=INTRUDER)
    account.put_account_name(AccountId=world.ids()["cust-acme-prod"], AccountName="acme-renamed")
    out, renamed = _run(world)
    assert "scan: incremental" in out and "account.cust-acme-prod: modified, reverted" in out, out
    assert renamed.get("PutAccountName") == 1 and "cust-acme-prod" in world.ids()

    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Rogue")
    out, _ = _run(world)
    assert "scan: full (CloudTrail shows CreateOrganizationalUnit)" in out
    assert "ou.Rogue: unmanaged, reported" in out


def test_touched_sorts_events_into_accounts_policies_and_structure() -> None:
    events = [
        {"EventName": "MoveAccount", "Resources": [{"ResourceName": "123456789012"},
                                                   {"ResourceName": "ou-ab12-cd34ef56"}]},
        {"EventName": "AttachPolicy", "Resources": [{"ResourceName": "p-abc123"}]},
        {"EventName": "TagResource", "Resources": [{"ResourceName": "ou-ab12-cd34ef56"}]},
    ]
    found = touched(events)
    assert found.accounts == {"123456789012"} and found.policies == {"p-abc123"}
    assert found.structural == ("TagResource",)
    assert touched(events[:2]).structural == ()
