"""Safety rules: closing accounts, the management account, the destructive-change limit, quotas."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plan_builders import MGMT_ID, acct, full_access, generated, live_of, org, scp

from reconciler.errors import GuardrailError, RepositoryError
from reconciler.model import ROOT, Guardrails, Organization, OrganizationalUnit, Quotas
from reconciler.plan.planner import plan

APP = acct("app", ou="Work", account_id="222222222222")
BASE = org("Work", accounts=(APP,), policies=(scp("deny", "ou:Work"),))
LIVE = live_of(BASE)
CLOSED = replace(APP, lifecycle_state="closed")


def test_close_with_allow_is_a_delete_and_runs_last() -> None:
    desired = replace(BASE, accounts=(BASE.accounts[0], CLOSED),
                      guardrails=Guardrails(allow_account_close=True),
                      policies=(scp("deny", "ou:Work", "account:new"),))
    desired = replace(desired, accounts=(*desired.accounts, acct("new", ou="Work")))
    result = plan(desired, LIVE)
    assert [(c.address, c.action) for c in result.changes][-1] == ("account.app", "delete")
    assert result.changes[-1].before is not None and result.changes[-1].after is None


@pytest.mark.parametrize("state", ["PENDING_CLOSURE", "SUSPENDED", "CLOSED"])
def test_already_closed_account_plans_nothing(state: str) -> None:
    """AWS's State: a closing or closed account is never closed again, nor changed."""
    desired = replace(BASE, accounts=(BASE.accounts[0], replace(CLOSED, ou=ROOT)),
                      guardrails=Guardrails(allow_account_close=True))
    live = replace(LIVE, accounts=(LIVE.accounts[0], replace(LIVE.accounts[1], status=state)))
    assert plan(desired, live).empty


def test_an_account_pending_activation_is_open() -> None:
    """PENDING_ACTIVATION (sign-up not completed) is not closed: it is moved and closed as asked."""
    live = replace(LIVE, accounts=(LIVE.accounts[0], replace(LIVE.accounts[1], status="PENDING_ACTIVATION")))
    moved = replace(BASE, accounts=(BASE.accounts[0], replace(APP, ou=ROOT)))
    assert [(c.address, c.action) for c in plan(moved, live).changes] == [("account.app", "update")]
    closing = replace(BASE, accounts=(BASE.accounts[0], CLOSED),
                      guardrails=Guardrails(allow_account_close=True))
    assert [(c.address, c.action) for c in plan(closing, live).changes] == [("account.app", "delete")]


def test_suspended_account_the_repository_calls_active_is_a_note() -> None:
    live = replace(LIVE, accounts=(LIVE.accounts[0], replace(LIVE.accounts[1], status="SUSPENDED")))
    result = plan(BASE, live)
    assert result.empty and "AWS Support" in result.notes[0]


GUARDED = {
    "close without allow": (
        replace(BASE, accounts=(BASE.accounts[0], CLOSED)), "allow_account_close: true"),
    "close the management account": (
        replace(BASE, accounts=(replace(BASE.accounts[0], lifecycle_state="closed"), APP),
                guardrails=Guardrails(allow_account_close=True)),
        "management account, which is never closed"),
    "move the management account": (
        replace(BASE, accounts=(replace(BASE.accounts[0], ou="Work"), APP)), "never moves"),
    "policy on the management account": (
        replace(BASE, policies=(scp("deny", "ou:Work", "account:management"),)), "never a policy target"),
    "too many destructive changes": (
        replace(BASE, policies=(scp("deny"),), guardrails=Guardrails(max_destructive_changes=0)),
        "the plan has 1 destructive changes"),
    "OU too deep": (
        replace(BASE, ous=(*BASE.ous, *(OrganizationalUnit("Work" + "/d" * i) for i in range(1, 6)))),
        "6 levels deep; AWS allows 5"),
    "document too large": (
        replace(BASE, policies=(scp("deny", "ou:Work", document={"Sid": "x" * 10240}),)),
        "policy 'deny' is 10250 characters as minified JSON; AWS allows 10240"),
    "too many policies on a target": (
        replace(BASE, policies=(BASE.policies[0], *(scp(f"p{i}", "ou:Work") for i in range(9)))),
        "ou:Work would have 11 SERVICE_CONTROL_POLICY policies attached directly; AWS allows 10"),
}


@pytest.mark.parametrize("name", list(GUARDED))
def test_guardrails_refuse(name: str) -> None:
    desired, message = GUARDED[name]
    with pytest.raises(GuardrailError) as info:
        plan(desired, LIVE)
    assert message in str(info.value)


def test_quota_limits_come_from_the_repository() -> None:
    desired = replace(GUARDED["too many policies on a target"][0], quotas=Quotas(policies_per_target=11))
    assert len(plan(desired, LIVE).changes) == 18


def test_destructive_limit_counts_detaches_at_the_limit() -> None:
    desired = replace(BASE, policies=(scp("deny"),), guardrails=Guardrails(max_destructive_changes=1))
    assert [c.action for c in plan(desired, LIVE).changes] == ["delete"]


REFUSED = {
    "another organization": (
        BASE, replace(LIVE, management_account_id="999999999999"), "check the credentials"),
    "type not enabled": (replace(BASE, policy_types=frozenset()), LIVE, "does not enable"),
    "type change": (BASE, replace(LIVE, policies=(replace(LIVE.policies[0], type="TAG_POLICY"),
                                                  *LIVE.policies[1:])), "type cannot change"),
    "edit an AWS-managed policy": (
        replace(BASE, policies=(*BASE.policies, scp("FullAWSAccess", document={"Statement": []}))),
        replace(LIVE, policies=(*LIVE.policies, replace(full_access(), policy_id="p-FullAWSAccess"))),
        "cannot be edited"),
    "unknown AWS-managed policy": (
        replace(BASE, policies=(*BASE.policies, replace(full_access(ROOT), name="NotAws"))), LIVE,
        "AWS has no AWS-managed policy"),
    "two files, one account": (
        replace(BASE, accounts=(*BASE.accounts, acct("twin", email=APP.email))), LIVE, "both match"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_repository_errors(name: str) -> None:
    desired, live, message = REFUSED[name]
    with pytest.raises(RepositoryError) as info:
        plan(desired, live)
    assert message in str(info.value)


def test_closed_accounts_plan_nothing_once_closed() -> None:
    for seed in range(10):
        x = generated(seed)
        accounts = tuple(replace(a, lifecycle_state="closed") if i % 7 == 3 else a
                         for i, a in enumerate(x.accounts))
        x = replace(x, accounts=accounts, guardrails=Guardrails(allow_account_close=True,
                                                                max_destructive_changes=1000))
        live = live_of(x)
        assert plan(x, live).empty
        closes = plan(x, replace(live, accounts=tuple(replace(a, status="ACTIVE") for a in live.accounts)))
        assert {c.address for c in closes.changes} == {f"account.{a.name}" for a in accounts[3::7]}


def test_reach_counts_accounts_through_inheritance() -> None:
    desired = generated(3)
    live = replace(live_of(desired), policies=())
    by_address = {c.address: c.reach for c in plan(desired, live).changes}
    active = len(desired.accounts)
    for address, reach in by_address.items():
        target = address.split(".", 2)[2] if address.startswith("attachment.") else None
        if target == ROOT:
            assert reach == active
        elif target and target.startswith("ou:"):
            path = target[3:]
            assert reach == sum(1 for a in desired.accounts if a.ou == path or a.ou.startswith(path + "/"))
        elif target:
            assert reach == 1
    assert MGMT_ID


def _canary_moved_up(policy_type: str) -> tuple[Organization, Organization]:
    """Live: the policy on ou:Work/Team's two accounts directly (a rollout's canary); desired: on the
    OU above them only, as a rollout's last step leaves it."""
    accounts = (acct("a1", ou="Work/Team", account_id="222222222221"),
                acct("a2", ou="Work/Team", account_id="222222222222"))
    moved = replace(scp("p", "ou:Work"), type=policy_type)
    desired = org("Work", "Work/Team", accounts=accounts, policies=(moved,),
                  types=frozenset({"SERVICE_CONTROL_POLICY", policy_type}),
                  guardrails=Guardrails(max_destructive_changes=0))
    live = live_of(replace(desired, policies=(replace(moved, targets=frozenset(
        {"ou:Work", "account:a1", "account:a2"})),)))
    return desired, live


def test_detaching_an_scp_a_parent_still_has_is_not_destructive() -> None:
    """The policy still reaches both accounts from ou:Work: their permissions do not change."""
    desired, live = _canary_moved_up("SERVICE_CONTROL_POLICY")
    result = plan(desired, live)
    assert [(c.address, c.action) for c in result.changes] == [
        ("attachment.p.account:a1", "delete"), ("attachment.p.account:a2", "delete")]


def test_a_management_policy_detach_counts_even_with_the_parent_attached() -> None:
    """Management policies merge with inheritance operators, so a child attachment can matter."""
    desired, live = _canary_moved_up("TAG_POLICY")
    with pytest.raises(GuardrailError, match="2 destructive changes"):
        plan(desired, live)


def test_an_scp_detach_without_the_parent_attached_counts() -> None:
    desired, live = _canary_moved_up("SERVICE_CONTROL_POLICY")
    elsewhere = replace(desired.policies[0], targets=frozenset({"ou:Work/Other"}))
    desired = replace(desired, policies=(elsewhere,), ous=(*desired.ous, OrganizationalUnit("Work/Other")))
    with pytest.raises(GuardrailError, match="destructive changes"):
        plan(desired, live)


def test_an_allow_list_scp_detach_counts_even_with_the_parent_attached() -> None:
    """Every level must allow: the account's own level may have nothing else that allows."""
    desired, live = _canary_moved_up("SERVICE_CONTROL_POLICY")
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    desired = replace(desired, policies=(replace(desired.policies[0], document=allow),))
    live = replace(live, policies=(replace(live.policies[0], document=allow),))
    with pytest.raises(GuardrailError, match="2 destructive changes"):
        plan(desired, live)
