"""Issue 11's done-when for CloudTrail: with AWS_REGION elsewhere than us-east-1 and no
`Resources` in any LookupEvents answer (orgsim invents none, as AWS documents none for
Organizations), a moved account, an edited SCP and a re-tagged account are each found by an
incremental run and named with the person behind the assumed role that did it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from drift_world import INTRUDER, World, ou_id

from orgsim.testing import ACCESS_KEY_ID
from reconciler.adapters.aws import AwsClient
from reconciler.drift.attribution import CallerIdentity, attribution
from reconciler.live.cloudtrail import lookup_events

PERSON = "mallory (role admin)"


def _run(world: World) -> str:
    code, out, _ = world.reconcile()
    assert code == 0, out
    return out


def _pull_body(world: World, address: str) -> str:
    pulls = world.gh.github().get_repo(world.full_name).get_pulls(state="open")
    [body] = [p.body for p in pulls if address in p.body]
    return str(body)


def _who(resource: str) -> list[tuple[str, str]]:
    """The product's attribution over CloudTrail as the product reads it (AWS_REGION as set)."""
    events = lookup_events(AwsClient(), datetime.now(UTC) - timedelta(hours=1))
    me = CallerIdentity("arn:aws:iam::111111111111:user/orgsim-admin", ACCESS_KEY_ID)
    return [(a.actor, a.event) for a in attribution(events, resource, lambda: me)]


def test_changes_are_followed_and_named_with_aws_region_elsewhere(small_world: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    world = small_world
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    world.sim.configure(identities={INTRUDER: {"type": "AssumedRole", "role": "admin", "session": "mallory"}})
    world.ids()  # orgsim records finished creations' CloudTrail events at the next call
    assert "scan: full (no earlier run)" in _run(world)
    assert "scan: incremental, 0 resources re-read" in _run(world)
    trail: Any = world.sim.client("cloudtrail")
    assert all("Resources" not in e for e in trail.lookup_events()["Events"])
    org: Any = world.org()
    ids = world.ids()

    umbrella = ids["cust-umbrella-prod"]
    org.move_account(AccountId=umbrella, SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Infrastructure"))
    out = _run(world)
    assert "scan: incremental, 1 resources re-read" in out, out
    assert "account.cust-umbrella-prod: modified" in out, out
    assert f"`MoveAccount` by `{PERSON}`" in _pull_body(world, "account.cust-umbrella-prod")
    assert _who(umbrella) == [(PERSON, "MoveAccount")]

    policies = {p["Name"]: p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]}
    edited = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    org.update_policy(PolicyId=policies["deny-root-user"], Content=json.dumps(edited))
    out = _run(world)
    assert "scan: incremental" in out and "policy.deny-root-user: modified, reverted" in out, out
    assert _who(policies["deny-root-user"]) == [(PERSON, "UpdatePolicy")]  # the revert is the reconciler's

    acme = ids["cust-acme-prod"]
    org.tag_resource(ResourceId=acme, Tags=[{"Key": "cost-center", "Value": "rogue"}])
    out = _run(world)
    assert "scan: incremental" in out and "account.cust-acme-prod: modified, reverted" in out, out
    assert _who(acme) == [(PERSON, "TagResource")]
