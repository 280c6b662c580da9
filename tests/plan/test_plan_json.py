"""Plan JSON: the round trip behind `plan --out` and `apply --plan`, and refusing bad plan files."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from plan_builders import acct, generated, live_of, org, scp

from reconciler.model import ROOT, OrganizationalUnit
from reconciler.plan.changes import Plan
from reconciler.plan.file import plan_from_text
from reconciler.plan.planner import PlanFileError, plan, plan_from_json, plan_to_json


def sample_plan() -> Plan:
    desired = org("Work", accounts=(acct("app", ou="Work", account_id="222222222222"), acct("new")),
                  policies=(scp("deny", ROOT, "account:new"),))
    live = live_of(org(OrganizationalUnit("Work", tags={"t": "1"}),
                       accounts=(acct("app", account_id="222222222222", email="old@example.com"),
                                 acct("stray", account_id="333333333333")),
                       policies=(scp("deny", "ou:Work"),)))
    return plan(desired, live)


def test_round_trip_keeps_everything() -> None:
    original = sample_plan()
    assert original.changes and original.unmanaged and original.notes
    data = json.loads(json.dumps(plan_to_json(original)))
    assert plan_from_json(data) == original


def test_json_shape_follows_the_documented_format() -> None:
    data = plan_to_json(sample_plan())
    assert data["format_version"] == 1
    assert data["summary"] == {"create": 3, "update": 2, "delete": 1}
    assert set(data["fingerprint"]) == {"repository", "live"}
    account = next(c for c in data["changes"] if c["address"] == "account.app")
    assert account["action"] == "update" and account["changed"] == ["ou"]
    attach = next(c for c in data["changes"] if c["kind"] == "attachment")
    assert attach["after"] == {"policy": "deny", "target": "account:new"} and attach["reach"] == 1


def test_round_trip_of_generated_plans() -> None:
    for seed in range(5):
        desired = generated(seed)
        live = replace(live_of(generated(seed + 100)), management_account_id=desired.management_account_id)
        original = plan(desired, live)
        assert plan_from_text(json.dumps(plan_to_json(original))) == original


BAD = {
    "not json": ("{nope", "is not JSON"),
    "not an object": ("[]", "expected a JSON object"),
    "future version": ('{"format_version": 2, "changes": [], "fingerprint": {}}', "format_version 2"),
    "no version": ('{"changes": []}', "format_version None"),
    "no changes": ('{"format_version": 1, "fingerprint": {}}', "'changes' is missing"),
    "bad action": ('{"format_version": 1, "fingerprint": {}, "changes": '
                   '[{"address": "ou.x", "action": "nuke"}]}',
                   "changes[0] needs an address"),
    "bad before": ('{"format_version": 1, "fingerprint": {}, "changes": '
                   '[{"address": "ou.x", "action": "create", "before": 3}]}', "changes[0].before"),
    "bad unmanaged": ('{"format_version": 1, "fingerprint": {}, "changes": [], "unmanaged": [1]}',
                      "unmanaged entry"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_plan_files_are_refused_clearly(name: str) -> None:
    text, message = BAD[name]
    with pytest.raises(PlanFileError) as info:
        plan_from_text(text, name="plan.json")
    assert message in str(info.value) and "plan.json" in str(info.value)
