"""A reconcile's revert in the durable audit trail: its drift rule and automation level, and the
run's own summary record (docs/audit.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from drift_world import World

BUCKET = "audit-bucket"
URI = f"s3://{BUCKET}/reconciler"


def _records(world: World) -> list[dict[str, Any]]:
    s3 = world.sim.client("s3")
    (found,) = s3.list_objects_v2(Bucket=BUCKET, Prefix="reconciler/dt=")["Contents"]
    body = s3.get_object(Bucket=BUCKET, Key=found["Key"])["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def test_a_revert_is_recorded_with_its_drift_rule_and_the_run_summary(
        small_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = small_world
    world.sim.client("s3").create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("RECONCILER_AUDIT_URI", URI)
    ids = world.ids()
    world.org().tag_resource(ResourceId=ids["cust-acme-prod"],
                             Tags=[{"Key": "owner-team", "Value": "intruder"}])
    report = world.reconcile_json()
    assert {d["address"]: d["remediation"] for d in report["drift"]}["account.cust-acme-prod"] == "reverted"
    records = _records(world)
    revert = next(r for r in records if r["address"] == "account.cust-acme-prod" and r["operation"])
    assert revert["command"] == "reconcile" and revert["run_id"].endswith("-1")  # run id and attempt
    assert revert["reason"]["kind"] == "drift" and revert["reason"]["automation_level"] == "full"
    assert revert["reason"]["rule"] == "revert"
    summary = next(r for r in records if r["action"] == "summary")
    assert summary["after"]["reverted"] == 1 and summary["after"]["scan"].startswith("full")


