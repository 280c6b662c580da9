"""Attribution names the out-of-band actor: the reconciler's own calls (apply's, earlier runs'
reverts) are left out of "who changed it"."""

from __future__ import annotations

import json
from typing import Any

from drift_world import PROJECT, World, ou_id

from orgsim.testing import ACCESS_KEY_ID
from reconciler.drift.attribution import CallerIdentity, actor, attribution, by_a_caller, made_by, principal

ROLE = "arn:aws:iam::111111111111:role/ci/reconciler-apply"
SESSION = "arn:aws:sts::111111111111:assumed-role/reconciler-apply/GitHubActions"
FIXTURES = PROJECT / "tests" / "orgsim" / "fixtures" / "cloudtrail"


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


def _example(name: str, **changes: Any) -> dict[str, Any]:
    """A LookupEvents event around AWS's example record (or only its userIdentity) in the fixtures."""
    record = {"eventName": "MoveAccount", "requestParameters": {"accountId": "555555555555"},
              **json.loads((FIXTURES / name).read_text())["record"], **changes}
    return {"EventName": record["eventName"], "EventTime": "t", "CloudTrailEvent": json.dumps(record)}


def test_actor_is_the_person_behind_a_role_a_user_or_root() -> None:
    """CloudTrail User Guide, "CloudTrail userIdentity element": an assumed role's session name
    and role, an IAM user's name, root; AWS services' calls and service events are nobody's."""
    assert actor(_example("user-identity-assumed-role.json")) == "MySessionName (role RoleToBeAssumed)"
    assert actor(_example("user-identity-iam-user.json")) == "Alice"
    assert actor(_example("user-identity-root.json")) == "root"
    assert not by_a_caller(_example("user-identity-aws-service.json"))
    assert not by_a_caller(_example("close-account-result.json"))
    me = CallerIdentity(SESSION, "ASIATHISRUN")
    events = [_example("user-identity-assumed-role.json"), _example("close-account-result.json"),
              _example("close-account.json"), _example("user-identity-root.json", errorCode="AccessDenied"),
              _example("user-identity-iam-user.json", requestParameters={"accountId": "999999999999"}),
              {"EventName": "MoveAccount", "CloudTrailEvent": "{not json"}]
    who = attribution(events, "555555555555", lambda: me)
    assert [(a.actor, a.event) for a in who] == [("MySessionName (role RoleToBeAssumed)", "MoveAccount"),
                                                 ("my-session-id (role my-admin-role)", "CloseAccount")]


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
