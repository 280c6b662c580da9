"""The incremental path: CloudTrail since the last run, re-reading only what it names, with the
full scan as the safety net."""

from __future__ import annotations

import json
from typing import Any

from drift_world import INTRUDER, World, ou_id


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
    assert quiet == {"LookupEvents": 1}  # one lookup of write events, however many reads

    org: Any = world.org()
    source, target = ou_id(org, "Workloads/Production"), ou_id(org, "Sandbox")
    org.move_account(AccountId=world.ids()["cust-acme-prod"], SourceParentId=source,
                     DestinationParentId=target)
    out, moved = _run(world)
    assert "scan: incremental, 1 resources re-read" in out
    assert "account.cust-acme-prod: modified, reverted" in out
    reads = {k: v for k, v in moved.items() if k != "MoveAccount"}
    assert reads == {"LookupEvents": 1, "DescribeAccount": 1, "ListParents": 1, "ListTagsForResource": 1}
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


def test_access_denied_falls_back_to_a_full_scan(small_world: World) -> None:
    """A LookupEvents AccessDenied is one line naming the permission, and the run scans fully."""
    world = small_world
    world.ids()
    _run(world)
    world.sim.inject_fault("LookupEvents", "aws_error", code="AccessDeniedException")
    out, _ = _run(world)
    assert "scan: full (CloudTrail refused LookupEvents: the credentials lack cloudtrail:LookupEvents)" in out
    assert "Traceback" not in out


def test_events_on_resources_the_repository_does_not_know_are_noted(small_world: World) -> None:
    """An event on a policy the repository does not manage is skipped with a note (the full scan
    reports unmanaged resources), not re-read as if it were managed."""
    world = small_world
    world.ids()
    _run(world)
    org: Any = world.org()
    document = json.dumps({"Version": "2012-10-17",
                           "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]})
    rogue = org.create_policy(Name="rogue", Description="d", Type="SERVICE_CONTROL_POLICY",
                              Content=document)["Policy"]["PolicySummary"]["Id"]
    out, _ = _run(world)
    assert "scan: full (CloudTrail shows CreatePolicy)" in out
    org.update_policy(PolicyId=rogue, Description="changed")
    out, _ = _run(world)
    assert "scan: incremental, " in out
    assert f"skipped 1 CloudTrail event(s) for the full scan: {rogue}: not in the repository" in out, out
