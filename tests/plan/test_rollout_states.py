"""Rollout records and the desired state they stand for (reconciler.plan.rollout), pure: the plan
of a new policy attaches step 1 only and says so in its notes; an edit mid-rollout starts over; a
changed document rolls out beside the old one, as a shadow policy, and a rollback leaves the
original as it was;
one step a run in reconciler.drift.rollout."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from reconciler.commands.plan import rollout_plan
from reconciler.drift.rollout import advance, rollouts_unsettled
from reconciler.live.rollout_checks import Alarm, CheckResult
from reconciler.model import SCP, Account, Organization, OrganizationalUnit, Policy, Rollout, RolloutStep
from reconciler.plan.rollout import RolloutRecord, Rollouts, document_hash, effective, start


def document(action: str) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}


OLD, NEW = document("s3:DeleteBucket"), document("s3:Delete*")
STEPS = (RolloutStep(targets=("ou:Sandbox",), bake_seconds=7200, bake="2h"),
         RolloutStep(accounts_percent=50, bake_seconds=3600, bake="1h"), RolloutStep())
T0 = datetime(2026, 12, 1, 10, tzinfo=UTC)


def world(text: dict[str, object]) -> tuple[Organization, Organization]:
    accounts = tuple(Account(f"acct-{i}", f"a{i}@example.com", ("Sandbox", "Workloads")[i % 2],
                             account_id=f"{200000000000 + i}") for i in range(6))
    ous = (OrganizationalUnit("Sandbox", ou_id="ou-1"), OrganizationalUnit("Workloads", ou_id="ou-2"))
    policy = Policy("guard", SCP, document=text, targets=frozenset({"root"}),
                    rollout=Rollout(STEPS, ("canary-alarm",)))
    desired = Organization("111111111111", frozenset({SCP}), ous, accounts, (policy,))
    live = dataclasses.replace(desired, policies=(
        Policy("guard", SCP, document=OLD, targets=frozenset({"root"}), policy_id="p-1"),))
    return desired, live


def test_a_new_policy_is_planned_at_step_one_with_notes() -> None:
    desired, live = world(NEW)
    plan = rollout_plan(desired, dataclasses.replace(live, policies=()), Rollouts())
    attached = [c.address for c in plan.changes if c.kind == "attachment"]
    assert attached == ["attachment.guard.ou:Sandbox"]
    note = next(n for n in plan.notes if n.startswith("rollout of guard starts"))
    assert "step 1 (ou:Sandbox), which reaches 3 accounts (acct-0, acct-2, acct-4)" in note
    assert "1. ou:Sandbox, bake 2h; 2. 50% (3 accounts), bake 1h; 3. its declared targets (root)" in note


def test_a_changed_document_rolls_out_as_a_shadow_and_a_rollback_leaves_the_original() -> None:
    desired, live = world(NEW)
    rollouts = Rollouts()
    plan = rollout_plan(desired, live, rollouts)
    kinds = sorted((c.kind, c.action, c.address) for c in plan.changes)
    assert kinds == [("attachment", "create", "attachment.guard.rollout.ou:Sandbox"),
                     ("policy", "create", "policy.guard.rollout")]  # the original is not touched
    assert not [n for n in plan.notes if n.startswith("warning:")]  # no gap to warn about any more
    note = next(n for n in plan.notes if n.startswith("note: guard keeps its old document"))
    assert "narrowing an allow list is not tested by the canary until the last step" in note
    assert start(rollouts, desired, live, T0.isoformat()) == ["guard"]
    record = rollouts.records["guard"]
    assert record.previous == {"document": OLD, "targets": ["root"]} and record.shadow == "guard.rollout"
    record.status = "rolled_back"
    back = effective(desired, live, rollouts)
    assert [p.name for p in back.policies] == ["guard"]  # the shadow is gone from the desired state
    assert back.policies[0].document == OLD and back.policies[0].targets == frozenset({"root"})
    assert rollout_plan(desired, live, rollouts).changes == ()  # AWS already has the old one


def test_an_edit_mid_rollout_starts_over_and_keeps_the_first_previous_document() -> None:
    desired, live = world(NEW)
    rollouts = Rollouts({"guard": RolloutRecord(document_hash(NEW), 1, T0.isoformat(), "running",
                                                T0.isoformat(), {"document": OLD, "targets": ["root"]})})
    edited = document("s3:Put*")
    policy = dataclasses.replace(desired.policies[0], document=edited)
    desired = dataclasses.replace(desired, policies=(policy,))
    live = dataclasses.replace(live, policies=(dataclasses.replace(live.policies[0], document=NEW),))
    assert start(rollouts, desired, live, (T0 + timedelta(hours=5)).isoformat()) == ["guard"]
    record = rollouts.records["guard"]
    assert (record.step, record.document, record.previous) == (0, document_hash(edited),
                                                               {"document": OLD, "targets": ["root"]})


def test_one_step_a_run_only_after_the_bake_and_never_while_a_check_fails() -> None:
    desired, _ = world(NEW)
    record = RolloutRecord(document_hash(NEW), 0, T0.isoformat(), "running", T0.isoformat())
    rollouts = Rollouts({"guard": record})
    clean = lambda *_: CheckResult([Alarm("canary-alarm", "OK")])  # noqa: E731
    assert advance(rollouts, desired, T0 + timedelta(hours=1), clean).steps[0].what == "baking"
    assert advance(rollouts, desired, T0 + timedelta(hours=9), clean).steps[0].what == "advanced"
    assert rollouts.records["guard"].step == 1  # one step, however long past the bake
    missing = lambda *_: CheckResult([Alarm("canary-alarm", "MISSING")])  # noqa: E731
    assert advance(rollouts, desired, T0 + timedelta(hours=20), missing).steps[0].what == "held"
    firing = lambda *_: CheckResult([Alarm("canary-alarm", "ALARM", "2026-12-01T19:00:00+00:00")])  # noqa: E731
    report = advance(rollouts, desired, T0 + timedelta(hours=21), firing).steps[0]
    assert report.what == "rolled_back" and "canary-alarm in ALARM since 2026-12-01T19:00" in report.line
    assert advance(rollouts, desired, T0 + timedelta(hours=99), clean).steps[0].what == "stopped"


def test_only_a_running_or_starting_rollout_makes_a_run_scan_in_full() -> None:
    desired, _ = world(NEW)
    assert not rollouts_unsettled(Rollouts(), desired)  # no record: `rollout:` on an applied policy
    plain = dataclasses.replace(desired, policies=(dataclasses.replace(desired.policies[0], rollout=None),))
    ours = document_hash(NEW)

    def record(status: str, document: str = ours) -> Rollouts:
        return Rollouts({"guard": RolloutRecord(document, 1, T0.isoformat(), status)})  # type: ignore[arg-type]

    assert rollouts_unsettled(record("running"), desired)
    assert not rollouts_unsettled(record("done"), desired)
    assert not rollouts_unsettled(record("rolled_back"), desired)
    assert rollouts_unsettled(record("done", document_hash(OLD)), desired)  # a new document starts
    assert not rollouts_unsettled(record("running"), plain)  # `rollout:` removed: nothing steps it
