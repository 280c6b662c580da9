"""Issue 15's "Done when": a new SCP rolled out in steps against orgsim (with moto's CloudWatch
behind it) and ghfake, the clock walked by RECONCILER_CLOCK and the reconcile run's own clock:
the sandbox OU first, then 5% and 25% of the accounts it reaches as direct account attachments,
then its declared targets with no step attachment left; and an alarm in ALARM during the 5% bake
rolls it back, opens one issue, and keeps it detached."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from drift_world import World

from reconciler.commands.apply import run_apply
from reconciler.commands.cli import cli as command_line

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
POLICY = """name: deny-s3-delete
type: SERVICE_CONTROL_POLICY
targets: [root]
document:
  Version: "2012-10-17"
  Statement:
    - Effect: Deny
      Action: s3:DeleteBucket
      Resource: "*"
rollout:
  steps:
    - targets: [ou:Sandbox]          # attach here first (any target list)
      bake: 2h
    - accounts_percent: 5            # then directly to 5% of the accounts the final targets reach
      bake: 48h
    - accounts_percent: 25
      bake: 24h
    - targets: all                   # finally the policy's own `targets:`; step attachments go
  rollback:
    cloudwatch_alarms: [scp-canary-denials]   # any of them in ALARM during a bake: roll back
    max_denied_calls: 50             # or: more SCP denials than this in the rollout's accounts
"""


@pytest.fixture
def rolled(world_factory: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> World:
    """The sample organization applied, then the new SCP applied at T0 with GitHub configured."""
    world = world_factory()
    world.sim.client("cloudwatch").put_metric_alarm(
        AlarmName="scp-canary-denials", MetricName="PolicyDeniedCalls", Namespace="OrgReconciler",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=10,
        ComparisonOperator="GreaterThanThreshold")
    (world.repo / "policies" / "deny-s3-delete.yaml").write_text(POLICY)
    for name, value in world._env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    run_apply(world.repo, None, True, None, False)
    return world


def run_at(world: World, when: datetime) -> None:
    """One scheduled run at `when`, with orgsim's clock (alarm times, metric data) moved with it."""
    world.sim.set_clock(now=when.isoformat())
    world.reconcile_at(when)


def targets(world: World) -> set[str]:
    """Where the policy is attached, as `ou:<name>`, `account:<name>` or `root`."""
    org = world.sim.client("organizations")
    policy = next(p for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
                  if p["Name"] == "deny-s3-delete")
    found = org.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]
    kinds = {"ROOT": "root", "ORGANIZATIONAL_UNIT": "ou:", "ACCOUNT": "account:"}
    return {kinds[t["Type"]] + ("" if t["Type"] == "ROOT" else t["Name"]) for t in found}


def accounts(found: set[str]) -> set[str]:
    return {t for t in found if t.startswith("account:")}


def status(world: World) -> str:
    result = CliRunner().invoke(command_line, ["rollout", "status", "--repo", str(world.repo)])
    assert result.exit_code == 0, result.output
    return result.output


def test_rollout_walks_its_steps_to_the_declared_targets(rolled: World,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = {"ou:Sandbox"}
    assert targets(rolled) == sandbox
    run_at(rolled, T0 + timedelta(hours=1))  # baking: nothing moves
    assert targets(rolled) == sandbox
    monkeypatch.setenv("RECONCILER_CLOCK", (T0 + timedelta(hours=2)).isoformat())
    rolled.sim.set_clock(now=(T0 + timedelta(hours=2)).isoformat())
    code, out, summary = rolled.reconcile()  # the command's own output names the step taken
    assert code == 0, out
    assert "rollout of deny-s3-delete: step 2 of 4: 5% of the accounts it reaches" in out
    assert "rollout of deny-s3-delete: step 2 of 4" in summary.read_text()
    five = targets(rolled)
    # 12 accounts reached (the manual one never a canary): 5% is 1, attached directly
    assert len(accounts(five)) == 1 and five - accounts(five) == sandbox
    run_at(rolled, T0 + timedelta(hours=2 + 47))
    assert targets(rolled) == five
    run_at(rolled, T0 + timedelta(hours=2 + 48))
    quarter = targets(rolled)
    assert len(accounts(quarter)) == 3 and accounts(five) <= accounts(quarter)
    assert "data-science-lab" not in " ".join(quarter)  # automation_level: manual
    run_at(rolled, T0 + timedelta(hours=2 + 48 + 24))
    assert targets(rolled) == {"root"}
    run_at(rolled, T0 + timedelta(hours=80))
    assert targets(rolled) == {"root"}
    assert "done" in status(rolled)


def test_an_alarm_during_the_canary_bake_rolls_back_and_stays_back(rolled: World,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    run_at(rolled, T0 + timedelta(hours=2))
    assert len(accounts(targets(rolled))) == 1
    rolled.sim.client("cloudwatch").set_alarm_state(
        AlarmName="scp-canary-denials", StateValue="ALARM", StateReason="denials in canary accounts")
    run_at(rolled, T0 + timedelta(hours=3))
    assert targets(rolled) == set()
    issues = _issues(rolled)
    assert len(issues) == 1 and "scp-canary-denials" in issues[0]["body"]
    assert "ALARM since 2026-12-01T12:0" in issues[0]["body"]  # orgsim's clock, set with the run's
    shown = status(rolled)
    assert "rolled back" in shown and "alarm scp-canary-denials in ALARM" in shown
    for hours in (4, 60, 200):  # the alarm clears; nothing re-attaches, no second issue
        rolled.sim.client("cloudwatch").set_alarm_state(
            AlarmName="scp-canary-denials", StateValue="OK", StateReason="quiet")
        run_at(rolled, T0 + timedelta(hours=hours))
        assert targets(rolled) == set()
    assert len(_issues(rolled)) == 1
    monkeypatch.setenv("RECONCILER_CLOCK", (T0 + timedelta(hours=200)).isoformat())
    result = CliRunner().invoke(command_line, ["rollout", "retry", "deny-s3-delete"])
    assert result.exit_code == 0, result.output
    run_at(rolled, T0 + timedelta(hours=201))  # step 1 again: the sandbox OU
    assert targets(rolled) == {"ou:Sandbox"}
    assert "running, step 1 of 4" in status(rolled)


def test_denials_over_the_maximum_roll_back_with_the_accounts_named(rolled: World) -> None:
    run_at(rolled, T0 + timedelta(hours=2))
    canary = next(iter(accounts(targets(rolled)))).split(":", 1)[1]
    account_id = rolled.ids()[canary]
    rolled.sim.client("cloudwatch").put_metric_data(Namespace="OrgReconciler", MetricData=[{
        "MetricName": "PolicyDeniedCalls", "Dimensions": [{"Name": "AccountId", "Value": account_id}],
        "Value": 51, "Timestamp": T0 + timedelta(hours=2, minutes=30)}])
    run_at(rolled, T0 + timedelta(hours=3))
    assert targets(rolled) == set()
    body = _issues(rolled)[0]["body"]
    assert "51 calls denied" in body and account_id in body


def _issues(world: World) -> list[dict[str, Any]]:
    repo = world.gh.github().get_repo(world.full_name)
    return [{"number": i.number, "body": i.body} for i in repo.get_issues(state="open")
            if i.pull_request is None and "rolled back" in i.title]


def test_status_as_json(rolled: World) -> None:
    args = ["rollout", "status", "--repo", str(rolled.repo), "--format", "json"]
    result = CliRunner().invoke(command_line, args)
    rows = json.loads(result.output)["rollouts"]
    assert rows[0]["policy"] == "deny-s3-delete" and rows[0]["step"] == 1 and rows[0]["steps"] == 4
    assert rows[0]["attached"] == ["ou:Sandbox"]


def test_retry_of_a_rollout_that_is_not_rolled_back_is_refused(rolled: World,
                                                                 cli: Callable[..., Any]) -> None:
    refused = (("deny-s3-delete", "is running, not rolled back"), ("nope", "no rollout of 'nope'"))
    for name, words in refused:
        ran = cli("rollout", "retry", name)
        assert ran.returncode == 1 and words in ran.stderr and "Traceback" not in ran.stderr
