"""A changed document of an SCP that AWS already has rolls out beside the old one, as a shadow
policy (docs/rollout.md), against orgsim (moto's CloudWatch behind it), ghfake and the clock: the
original keeps its old document and targets while the shadow takes the steps; the last step puts
the new document into the original and deletes the shadow; a rollback deletes the shadow and
leaves the original as it was; an edit mid-rollout starts the shadow over; and a run killed
between any two AWS calls converges on the next one, with one shadow and the record kept."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from drift_world import World

from reconciler.adapters import aws
from reconciler.commands.apply import run_apply
from reconciler.commands.cli import cli as command_line
from reconciler.model import shadow_description

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
NAME, SHADOW = "deny-s3-delete", "deny-s3-delete.rollout"
ROLLOUT = """rollout:
  steps:
    - targets: [ou:Sandbox]
      bake: 2h
    - accounts_percent: 5
      bake: 48h
    - accounts_percent: 25
      bake: 24h
    - targets: all
  rollback:
    cloudwatch_alarms: [scp-canary-denials]
"""


def document(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}


def policy_file(action: str, rollout: bool) -> str:
    """The policy's file; its document as JSON, which is YAML too."""
    head = f"name: {NAME}\ntype: SERVICE_CONTROL_POLICY\ntargets: [root]\n"
    head += f"document: {json.dumps(document(action))}\n"
    return head + (ROLLOUT if rollout else "")


OLD, NEW, THIRD = "s3:DeleteBucket", "s3:Delete*", "s3:PutBucketPolicy"


class Killed(BaseException):
    """A kill -9 stand-in: no `except Exception` of the product catches it, so nothing after the
    AWS call that returned is recorded."""


@pytest.fixture
def changed(world_factory: Callable[..., World], monkeypatch: pytest.MonkeyPatch) -> World:
    """The sample organization with the SCP at its old document on the root (no rollout), then
    the new document with a rollout: block, ready for the gated apply at T0."""
    world = world_factory(lambda repo: (repo / "policies" / f"{NAME}.yaml").write_text(
        policy_file(OLD, False)))
    world.sim.client("cloudwatch").put_metric_alarm(
        AlarmName="scp-canary-denials", MetricName="PolicyDeniedCalls", Namespace="OrgReconciler",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=10,
        ComparisonOperator="GreaterThanThreshold")
    (world.repo / "policies" / f"{NAME}.yaml").write_text(policy_file(NEW, True))
    for name, value in world._env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("RECONCILER_CLOCK", T0.isoformat())
    return world


@pytest.fixture
def rolling(changed: World) -> World:
    run_apply(changed.repo, None, True, None, False)
    return changed


def policies(world: World) -> dict[str, dict[str, Any]]:
    """Every customer SCP by name: its document, description and targets (`root`, `ou:<name>`,
    `account:<name>`)."""
    org = world.sim.client("organizations")
    kinds = {"ROOT": "root", "ORGANIZATIONAL_UNIT": "ou:", "ACCOUNT": "account:"}
    found = {}
    for page in org.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY"):
        for summary in page["Policies"]:
            if summary["AwsManaged"]:
                continue
            content = org.describe_policy(PolicyId=summary["Id"])["Policy"]["Content"]
            targets = org.list_targets_for_policy(PolicyId=summary["Id"])["Targets"]
            found[summary["Name"]] = {
                "document": json.loads(content), "description": summary.get("Description", ""),
                "targets": {kinds[t["Type"]] + ("" if t["Type"] == "ROOT" else t["Name"]) for t in targets}}
    return found


def original(world: World) -> tuple[dict[str, Any], set[str]]:
    policy = policies(world)[NAME]
    return policy["document"], policy["targets"]


def shadow(world: World) -> dict[str, Any] | None:
    return policies(world).get(SHADOW)


def accounts(found: set[str]) -> set[str]:
    return {t for t in found if t.startswith("account:")}


def run_at(world: World, when: datetime) -> None:
    world.sim.set_clock(now=when.isoformat())
    world.reconcile_at(when)


def status(world: World, *args: str) -> str:
    result = CliRunner().invoke(command_line, ["rollout", "status", "--repo", str(world.repo), *args])
    assert result.exit_code == 0, result.output
    return result.output


def issues(world: World) -> list[str]:
    repo = world.gh.github().get_repo(world.full_name)
    return [i.body for i in repo.get_issues(state="open")
            if i.pull_request is None and "rolled back" in i.title]


def test_the_gated_apply_creates_the_shadow_and_leaves_the_original(
        changed: World, capsys: pytest.CaptureFixture[str]) -> None:
    run_apply(changed.repo, None, True, None, False)
    shown = capsys.readouterr().out
    assert f"creates the shadow policy {SHADOW} with the new document and attaches only it, at step 1 " \
           "(ou:Sandbox)" in shown
    assert "narrowing an allow list is not tested by the canary until the last step" in shown
    assert "warning:" not in shown  # the in-place gap is gone
    assert original(changed) == (document(OLD), {"root"})
    made = shadow(changed)
    assert made is not None and made["document"] == document(NEW) and made["targets"] == {"ou:Sandbox"}
    assert made["description"] == shadow_description(NAME)
    text = status(changed)
    assert "running, step 1 of 4" in text and f"shadow policy {SHADOW} holds the new document" in text
    assert json.loads(status(changed, "--format", "json"))["rollouts"][0]["shadow"] == SHADOW


def test_the_shadow_walks_the_steps_and_the_last_step_puts_the_new_document_in_the_original(
        rolling: World) -> None:
    run_at(rolling, T0 + timedelta(hours=2))
    five = shadow(rolling)
    assert five is not None and len(accounts(five["targets"])) == 1 and "ou:Sandbox" in five["targets"]
    assert original(rolling) == (document(OLD), {"root"})  # everyone else keeps the old document
    run_at(rolling, T0 + timedelta(hours=50))
    quarter = shadow(rolling)
    assert quarter is not None and len(accounts(quarter["targets"])) == 3
    assert accounts(five["targets"]) <= accounts(quarter["targets"])
    assert original(rolling) == (document(OLD), {"root"})
    run_at(rolling, T0 + timedelta(hours=74))
    assert original(rolling) == (document(NEW), {"root"})
    assert shadow(rolling) is None
    run_at(rolling, T0 + timedelta(hours=80))  # settled: nothing comes back
    assert SHADOW not in policies(rolling) and original(rolling) == (document(NEW), {"root"})
    text = status(rolling)
    assert "done" in text and f"shadow policy {SHADOW} is deleted" in text


def test_a_rollback_deletes_the_shadow_and_the_original_never_changed(rolling: World) -> None:
    run_at(rolling, T0 + timedelta(hours=2))
    assert shadow(rolling) is not None
    rolling.sim.client("cloudwatch").set_alarm_state(
        AlarmName="scp-canary-denials", StateValue="ALARM", StateReason="denials in canary accounts")
    run_at(rolling, T0 + timedelta(hours=3))
    assert shadow(rolling) is None
    assert original(rolling) == (document(OLD), {"root"})
    found = issues(rolling)
    assert len(found) == 1 and f"its shadow policy {SHADOW} was detached and deleted" in found[0]
    text = status(rolling)
    assert "rolled back" in text and f"shadow policy {SHADOW} is deleted" in text
    for hours in (4, 60):
        rolling.sim.client("cloudwatch").set_alarm_state(
            AlarmName="scp-canary-denials", StateValue="OK", StateReason="quiet")
        run_at(rolling, T0 + timedelta(hours=hours))
        assert SHADOW not in policies(rolling) and original(rolling) == (document(OLD), {"root"})
    assert len(issues(rolling)) == 1


def test_an_edit_mid_rollout_updates_the_shadow_and_starts_over(rolling: World,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    run_at(rolling, T0 + timedelta(hours=2))
    (rolling.repo / "policies" / f"{NAME}.yaml").write_text(policy_file(THIRD, True))
    monkeypatch.setenv("RECONCILER_CLOCK", (T0 + timedelta(hours=3)).isoformat())
    run_apply(rolling.repo, None, True, None, False)
    again = shadow(rolling)
    assert again is not None and again["document"] == document(THIRD) and again["targets"] == {"ou:Sandbox"}
    assert original(rolling) == (document(OLD), {"root"})
    assert "running, step 1 of 4" in status(rolling)


@pytest.fixture
def kill_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, int], None]]:
    """kill_after(operation, n): the process 'dies' right after the nth call of `operation`
    returns, the worst moment (AWS acted, the reconciler recorded nothing)."""
    original_call = aws.AwsClient.call

    def arm(operation: str, nth: int) -> None:
        seen = [0]

        def call(self: aws.AwsClient, name: str, service: str = "organizations", **params: Any) -> Any:
            response = original_call(self, name, service, **params)
            if name == operation:
                seen[0] += 1
                if seen[0] == nth:
                    monkeypatch.setattr(aws.AwsClient, "call", original_call)
                    raise Killed(f"killed after {operation} #{nth}")
            return response

        monkeypatch.setattr(aws.AwsClient, "call", call)

    yield arm
    monkeypatch.setattr(aws.AwsClient, "call", original_call)


@pytest.mark.parametrize("operation", ["CreatePolicy", "AttachPolicy"])
def test_a_killed_gated_apply_converges_with_one_shadow_and_its_record(
        changed: World, kill_after: Callable[[str, int], None], operation: str) -> None:
    kill_after(operation, 1)
    with pytest.raises(Killed):
        run_apply(changed.repo, None, True, None, False)
    assert "running, step 1 of 4" in status(changed)  # recorded before the first AWS call
    run_apply(changed.repo, None, True, None, False)
    names = [n for n in policies(changed) if n.startswith(NAME)]
    assert sorted(names) == [NAME, SHADOW]  # no second shadow
    made = shadow(changed)
    assert made is not None and made["targets"] == {"ou:Sandbox"}
    assert original(changed) == (document(OLD), {"root"})


@pytest.mark.parametrize(("operation", "nth"), [("UpdatePolicy", 1), ("DetachPolicy", 1), ("DetachPolicy", 2),
                                                 ("DeletePolicy", 1)])
def test_a_last_step_killed_between_aws_calls_converges(
        rolling: World, kill_after: Callable[[str, int], None], operation: str, nth: int) -> None:
    for hours in (2, 50):
        run_at(rolling, T0 + timedelta(hours=hours))
    kill_after(operation, nth)
    with pytest.raises(Killed):
        run_at(rolling, T0 + timedelta(hours=74))
    run_at(rolling, T0 + timedelta(hours=75))
    assert original(rolling) == (document(NEW), {"root"})
    assert shadow(rolling) is None
    assert "done" in status(rolling)


@pytest.mark.parametrize("operation", ["DetachPolicy", "DeletePolicy"])
def test_a_rollback_killed_between_aws_calls_converges_with_one_issue(
        rolling: World, kill_after: Callable[[str, int], None], operation: str) -> None:
    run_at(rolling, T0 + timedelta(hours=2))
    rolling.sim.client("cloudwatch").set_alarm_state(
        AlarmName="scp-canary-denials", StateValue="ALARM", StateReason="denials in canary accounts")
    kill_after(operation, 1)
    with pytest.raises(Killed):
        run_at(rolling, T0 + timedelta(hours=3))
    run_at(rolling, T0 + timedelta(hours=4))
    assert shadow(rolling) is None and original(rolling) == (document(OLD), {"root"})
    assert len(issues(rolling)) == 1 and "rolled back" in status(rolling)


def test_a_leftover_shadow_is_deleted_by_the_next_run(rolling: World, tmp_path: Path) -> None:
    """A shadow the records no longer account for (its rollout over, the run that ended it
    stopped before deleting it) is cleaned up, never adopted or reported as unmanaged."""
    for hours in (2, 50, 74):
        run_at(rolling, T0 + timedelta(hours=hours))
    org = rolling.org()  # someone, or a crashed run, leaves a shadow behind
    content = json.dumps(document(NEW))
    made = org.create_policy(Name=SHADOW, Type="SERVICE_CONTROL_POLICY", Content=content,
                             Description=shadow_description(NAME))["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=made, TargetId=rolling.ids()["cust-acme-prod"])
    plan = CliRunner().invoke(command_line, ["plan", "--repo", str(rolling.repo), "--format", "json"])
    shown = json.loads(plan.output[plan.output.index("{"):])
    assert {(c["action"], c["address"]) for c in shown["changes"]} == {
        ("delete", f"attachment.{SHADOW}.account:cust-acme-prod"), ("delete", f"policy.{SHADOW}")}
    assert not [u for u in shown["unmanaged"] if SHADOW in u["address"]]
    run_at(rolling, T0 + timedelta(hours=90))
    assert shadow(rolling) is None and original(rolling) == (document(NEW), {"root"})
