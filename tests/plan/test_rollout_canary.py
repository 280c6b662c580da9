"""Canary selection (reconciler.plan.rollout), pure: deterministic, spread across OUs, never the
management account or a manual one, within quotas.policies_per_target, and at 10,000 accounts."""

from __future__ import annotations

import dataclasses

from reconciler.model import (
    SCP,
    Account,
    Organization,
    OrganizationalUnit,
    Policy,
    Quotas,
    Rollout,
    RolloutStep,
)
from reconciler.plan.rollout import (
    RolloutRecord,
    Rollouts,
    direct_scps,
    document_hash,
    effective,
    pick_canary,
    step_targets,
)

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteBucket",
                                               "Resource": "*"}]}
STEPS = (RolloutStep(targets=("ou:Sandbox",), bake_seconds=7200, bake="2h"),
         RolloutStep(accounts_percent=5, bake_seconds=172800, bake="48h"),
         RolloutStep(accounts_percent=25, bake_seconds=86400, bake="24h"), RolloutStep())
OUS = ("Sandbox", "Workloads", "Workloads/Production", "Workloads/Staging", "Security")


def org(count: int, *, manual_every: int = 0, others: tuple[Policy, ...] = (),
        limit: int = 10) -> tuple[Organization, Policy]:
    accounts = tuple(
        Account(name=f"acct-{i:05d}", email=f"a{i}@example.com", ou=OUS[i % len(OUS)],
                account_id=f"{200000000000 + i}",
                automation_level="manual" if manual_every and i % manual_every == 0 else "full")
        for i in range(count))
    management = Account(name="management", email="m@example.com", ou="root", account_id="111111111111")
    policy = Policy("deny-s3", SCP, document=DOC, targets=frozenset({"root"}), rollout=Rollout(STEPS, ("a",)))
    return Organization(
        "111111111111", frozenset({SCP}), tuple(OrganizationalUnit(p) for p in OUS),
        (management, *accounts), (policy, *others), quotas=Quotas(policies_per_target=limit)), policy


def test_ten_thousand_accounts_same_canary_every_run_spread_and_within_quota() -> None:
    desired, policy = org(10_000, manual_every=7)
    first = pick_canary(desired, policy, 5)
    again = pick_canary(dataclasses.replace(desired, accounts=tuple(reversed(desired.accounts))), policy, 5)
    assert first.accounts == again.accounts  # order of the files does not matter: same accounts
    assert first.reach == 10_000 - len(range(0, 10_000, 7))  # manual ones and the management excluded
    assert len(first.accounts) == -(-first.reach * 5 // 100)
    assert "management" not in first.accounts
    manual = {f"acct-{i:05d}" for i in range(0, 10_000, 7)}
    assert not manual & set(first.accounts)
    by_ou: dict[str, int] = {}
    ou_of = {a.name: a.ou for a in desired.accounts}
    for name in first.accounts:
        by_ou[ou_of[name]] = by_ou.get(ou_of[name], 0) + 1
    assert len(by_ou) == len(OUS) and max(by_ou.values()) - min(by_ou.values()) <= 2  # spread evenly
    quarter = pick_canary(desired, policy, 25)
    assert set(first.accounts) <= set(quarter.accounts)  # 25% keeps the 5% canaries
    counts = direct_scps(dataclasses.replace(desired, policies=(
        dataclasses.replace(policy, targets=step_targets(desired, policy, 2)),)))
    assert max(counts.values()) <= desired.quotas.policies_per_target


def test_another_policy_picks_other_accounts() -> None:
    desired, policy = org(200)
    other = dataclasses.replace(policy, name="deny-other")
    assert pick_canary(desired, policy, 5).accounts != pick_canary(desired, other, 5).accounts


def test_an_account_at_its_quota_is_passed_over() -> None:
    desired, policy = org(40, limit=2)
    first = pick_canary(desired, policy, 5)
    # one more SCP attached directly to the first canary: with FullAWSAccess that fills its 2 places
    full = Policy("other", SCP, document=DOC, targets=frozenset({f"account:{first.accounts[0]}"}))
    crowded, policy = org(40, limit=2, others=(full,))
    again = pick_canary(crowded, policy, 5)
    assert first.accounts[0] in again.skipped_full and first.accounts[0] not in again.accounts
    assert len(again.accounts) == len(first.accounts)


def test_effective_state_by_record() -> None:
    desired, policy = org(100)
    live = dataclasses.replace(desired, policies=())  # the policy is new
    fresh = effective(desired, live, Rollouts()).policy("deny-s3")
    assert fresh is not None and fresh.targets == frozenset({"ou:Sandbox"})
    record = RolloutRecord(document_hash(DOC), 1, "2026-12-01T12:00:00+00:00")
    live_now = dataclasses.replace(desired, policies=(dataclasses.replace(policy, targets=fresh.targets),))
    at_five = effective(desired, live_now, Rollouts({"deny-s3": record})).policy("deny-s3")
    assert at_five is not None and "ou:Sandbox" in at_five.targets and len(at_five.targets) == 1 + 5
    record.status = "rolled_back"
    back = effective(desired, live_now, Rollouts({"deny-s3": record})).policy("deny-s3")
    assert back is not None and back.targets == frozenset()
    record.status = "done"
    done = effective(desired, live_now, Rollouts({"deny-s3": record})).policy("deny-s3")
    assert done is not None and done.targets == frozenset({"root"})
    # no record, AWS already has this document: attachments are left as they are
    kept = effective(desired, live_now, Rollouts()).policy("deny-s3")
    assert kept is not None and kept.targets == fresh.targets
