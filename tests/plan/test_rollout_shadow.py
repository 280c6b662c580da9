"""The shadow policy a changed document rolls out as (docs/rollout.md), pure: its name within
CreatePolicy's Name limit and its mark; the canary's per-target quota counts the shadow's
attachment; the planner counts it at a step's targets; the effective state while it runs, after
the last step and after an edit; and drift handling deletes a retired shadow instead of
reporting it, however many attachments it had (max_destructive_changes counts none of them)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from reconciler import model
from reconciler.drift.detect import detect
from reconciler.errors import GuardrailError
from reconciler.model import (
    SCP,
    Account,
    Organization,
    OrganizationalUnit,
    Policy,
    Rollout,
    RolloutStep,
    shadow_name,
    shadow_of,
)
from reconciler.model import shadow_description as described
from reconciler.plan.planner import plan
from reconciler.plan.rollout import RolloutRecord, Rollouts, document_hash, effective, pick_canary


def document(action: str) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}]}


OLD, NEW = document("s3:DeleteBucket"), document("s3:Delete*")
STEPS = (RolloutStep(targets=("ou:Sandbox",), bake_seconds=7200, bake="2h"),
         RolloutStep(accounts_percent=100, bake_seconds=3600, bake="1h"), RolloutStep())
T0 = "2026-12-01T10:00:00+00:00"


def world(*, limit: int = 10, targets: frozenset[str] = frozenset({"root"}),
          others: tuple[Policy, ...] = ()) -> tuple[Organization, Organization]:
    accounts = tuple(Account(f"acct-{i}", f"a{i}@example.com", ("Sandbox", "Workloads")[i % 2],
                             account_id=f"{200000000000 + i}") for i in range(4))
    ous = (OrganizationalUnit("Sandbox", ou_id="ou-1"), OrganizationalUnit("Workloads", ou_id="ou-2"))
    policy = Policy("guard", SCP, document=NEW, targets=targets, rollout=Rollout(STEPS, ("canary",)))
    desired = Organization("111111111111", frozenset({SCP}), ous, accounts, (policy, *others),
                           quotas=model.Quotas(policies_per_target=limit))
    live = dataclasses.replace(desired, policies=(
        Policy("guard", SCP, document=OLD, targets=targets, policy_id="p-1"), *others))
    return desired, live


def running(step: int, status: str = "running") -> Rollouts:
    return Rollouts({"guard": RolloutRecord(document_hash(NEW), step, T0, status, T0,  # type: ignore[arg-type]
                                            {"document": OLD, "targets": ["root"]}, shadow="guard.rollout")})


def test_the_shadow_name_fits_createpolicys_limit_and_only_the_mark_makes_a_shadow() -> None:
    assert shadow_name("guard") == "guard.rollout"
    long_a, long_b = "a" * 127, "a" * 126 + "b"
    assert len(shadow_name(long_a)) == model.POLICY_NAME_MAX and shadow_name(long_a).endswith(".rollout")
    assert shadow_name(long_a) != shadow_name(long_b)  # the hash of the whole name keeps them apart
    assert shadow_of(shadow_name(long_a), described(long_a)) == long_a
    assert shadow_of("guard.rollout", described("guard")) == "guard"
    assert shadow_of("guard.rollout", "a person's own policy") is None
    assert shadow_of("other.rollout", described("guard")) is None  # the name must match
    assert len(described("x" * 128)) <= 512  # CreatePolicy's Description limit


def test_the_canary_counts_the_shadows_attachment_against_the_per_target_quota() -> None:
    """acct-0 has the original attached directly, and FullAWSAccess (undeclared: everywhere).
    Rolled out in place the canary reuses that attachment; a shadow would be a third SCP there."""
    desired, _ = world(limit=2, targets=frozenset({"root", "account:acct-0"}))
    policy = desired.policies[0]
    assert "acct-0" in pick_canary(desired, policy, 100).accounts
    beside = pick_canary(desired, policy, 100, shadow=True)
    assert "acct-0" not in beside.accounts and beside.skipped_full == ("acct-0",)


def test_the_planner_counts_the_shadow_at_a_steps_target() -> None:
    """Sandbox has FullAWSAccess and one more SCP: with a limit of 2 the shadow would be a third."""
    other = Policy("keep", SCP, document=document("iam:*"), targets=frozenset({"ou:Sandbox"}))
    desired, live = world(limit=2, others=(other,))
    with pytest.raises(GuardrailError, match="ou:Sandbox would have 3"):
        plan(effective(desired, live, Rollouts()), live)


def test_while_it_runs_the_original_is_untouched_and_after_the_last_step_the_shadow_goes() -> None:
    desired, live = world()
    step = effective(desired, live, running(1))
    by_name = {p.name: p for p in step.policies}
    assert (by_name["guard"].document, by_name["guard"].targets) == (OLD, frozenset({"root"}))
    assert by_name["guard.rollout"].document == NEW
    assert by_name["guard.rollout"].targets == {"ou:Sandbox", *(f"account:acct-{i}" for i in range(4))}
    live_now = dataclasses.replace(live, policies=(*live.policies, dataclasses.replace(
        by_name["guard.rollout"], policy_id="p-2")))
    done = effective(desired, live_now, running(2, "done"))
    final = plan(done, live_now)  # six deletes, over max_destructive_changes (5): the shadow's own
    assert desired.guardrails.max_destructive_changes < final.summary()["delete"] == 6
    assert [(c.action, c.address) for c in final.changes] == [
        ("update", "policy.guard"),  # the new document first, then the shadow goes
        *[("delete", f"attachment.guard.rollout.{t}") for t in sorted(by_name["guard.rollout"].targets)],
        ("delete", "policy.guard.rollout")]
    assert not [u for u in final.unmanaged if "rollout" in u.address]
    drifts = {d.address: d.decision for d in detect(done, live_now, final)}
    assert drifts["policy.guard.rollout"] == "revert"  # the reconciler's own: deleted, not reported


def test_a_policy_that_only_looks_like_a_shadow_stays_unmanaged() -> None:
    desired, live = world()
    stranger = Policy("guard.rollout", SCP, "a person's own", OLD, frozenset({"root"}), policy_id="p-9")
    live = dataclasses.replace(live, policies=(*live.policies, stranger))
    done = effective(desired, live, running(2, "done"))
    made = plan(done, dataclasses.replace(live, policies=(
        dataclasses.replace(live.policies[0], document=NEW), stranger)))
    assert not [c for c in made.changes if "rollout" in c.address]
    assert "policy.guard.rollout" in [u.address for u in made.unmanaged]


def test_a_record_of_an_in_place_rollout_carries_on_as_a_shadow_rollout() -> None:
    """A record written before shadows (no `shadow` key) of a changed document: the original goes
    back to its old document and the shadow takes the current step."""
    desired, live = world()
    old_record = {"document": document_hash(NEW), "step": 0, "since": T0, "status": "running", "started": T0,
                  "previous": {"document": OLD, "targets": ["root"]}, "checks": {}, "reason": None,
                  "evidence": {}, "issue": None}
    rollouts = Rollouts.from_json(json.dumps({"version": 1, "rollouts": {"guard": old_record}}))
    in_place = dataclasses.replace(live, policies=(dataclasses.replace(
        live.policies[0], document=NEW, targets=frozenset({"ou:Sandbox"})),))
    made = plan(effective(desired, in_place, rollouts), in_place)
    assert sorted((c.action, c.address) for c in made.changes) == [
        ("create", "attachment.guard.rollout.ou:Sandbox"), ("create", "attachment.guard.root"),
        ("create", "policy.guard.rollout"), ("delete", "attachment.guard.ou:Sandbox"),
        ("update", "policy.guard")]
