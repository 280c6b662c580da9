"""Attribution names the out-of-band actor: the reconciler's own calls (apply's, earlier runs'
reverts) are left out of "who changed it"."""

from __future__ import annotations

import json
from typing import Any

from drift_world import World, ou_id

from orgsim.testing import ACCESS_KEY_ID
from reconciler.drift.attribution import CallerIdentity, by_a_caller, made_by, principal

ROLE = "arn:aws:iam::111111111111:role/ci/reconciler-apply"
SESSION = "arn:aws:sts::111111111111:assumed-role/reconciler-apply/GitHubActions"


def _event(arn: str | None, key: str = "ASIAOTHER", **identity: Any) -> dict[str, Any]:
    user = {"arn": arn, **identity} if arn else identity
    return {"EventName": "MoveAccount", "AccessKeyId": key, "Username": "x",
            "CloudTrailEvent": json.dumps({"userIdentity": user})}


def test_a_role_is_itself_in_every_session_and_path() -> None:
    assert principal(SESSION) == principal(ROLE) == "arn:aws:iam::111111111111:role/reconciler-apply"
    assert principal("arn:aws:iam::111111111111:user/alice") == "arn:aws:iam::111111111111:user/alice"
    assert principal("arn:aws:sts::222222222222:assumed-role/reconciler-apply/x") != principal(ROLE)


def test_own_events_are_the_same_key_or_the_same_principal() -> None:
    me = CallerIdentity(SESSION, "ASIATHISRUN")
    assert made_by(_event(None, key="ASIATHISRUN"), me)
    assert made_by(_event("arn:aws:sts::111111111111:assumed-role/reconciler-apply/apply-run-7"), me)
    assert made_by(_event(None, sessionContext={"sessionIssuer": {"arn": ROLE}}), me)
    assert not made_by(_event("arn:aws:sts::111111111111:assumed-role/admin/alice"), me)
    assert not made_by(_event("arn:aws:iam::111111111111:user/mallory"), me)
    assert not made_by({"AccessKeyId": "ASIAOTHER", "CloudTrailEvent": "{not json"}, me)
    assert not by_a_caller({"CloudTrailEvent": json.dumps({"eventType": "AwsServiceEvent"})})
    assert by_a_caller(_event("arn:aws:iam::111111111111:user/mallory"))


def test_the_pull_request_names_the_intruder_not_the_reconciler(small_world: World) -> None:
    world = small_world
    org: Any = world.org()
    umbrella = world.ids()["cust-umbrella-prod"]
    source, target = ou_id(org, "Workloads/Production"), ou_id(org, "Infrastructure")
    # The reconciler itself moved it too (as apply does, within the first run's 24-hour look-back).
    own: Any = world.sim.client("organizations")
    own.move_account(AccountId=umbrella, SourceParentId=source, DestinationParentId=target)
    own.move_account(AccountId=umbrella, SourceParentId=target, DestinationParentId=source)
    org.move_account(AccountId=umbrella, SourceParentId=source, DestinationParentId=target)
    report = world.reconcile_json()
    drift = {d["address"]: d for d in report["drift"]}["account.cust-umbrella-prod"]
    assert drift["remediation"] == "pull_request"
    pull = world.gh.github().get_repo(world.full_name).get_pull(int(drift["pull_request"].rsplit("/", 1)[1]))
    lines = [line for line in pull.body.splitlines() if line.startswith("- `")]
    assert lines and all("`mallory`" in line for line in lines), pull.body
    assert ACCESS_KEY_ID not in pull.body
