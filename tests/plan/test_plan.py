"""Table tests of the planner: each row is desired and live organizations built from plain values,
and the changes (address, action, changed) the plan must hold, in order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plan_builders import DENY, MGMT_ID, acct, full_access, generated, live_of, org, scp

from reconciler.model import ROOT, SCP, TAG_POLICY, OrganizationalUnit
from reconciler.plan.changes import Plan
from reconciler.plan.planner import plan

A1 = acct("app-prod", ou="Workloads/Prod", account_id="222222222222")
BASE = org("Workloads", "Workloads/Prod", accounts=(A1,),
           policies=(scp("deny-leave", ROOT, "ou:Workloads/Prod", "account:app-prod"),))
LIVE = live_of(BASE)


def rows(result: Plan) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.address, c.action, c.changed) for c in result.changes]


CASES = {
    "nothing to do": (BASE, LIVE, []),
    "enable tag policies": (
        replace(BASE, policy_types=frozenset({SCP, TAG_POLICY})), LIVE,
        [("policy_type.TAG_POLICY", "create", ())],
    ),
    "new OUs parents first": (
        replace(BASE, ous=(*BASE.ous, OrganizationalUnit("Sandbox/Deep/Er"),
                           OrganizationalUnit("Sandbox"), OrganizationalUnit("Sandbox/Deep"))),
        LIVE,
        [("ou.Sandbox", "create", ()), ("ou.Sandbox/Deep", "create", ()),
         ("ou.Sandbox/Deep/Er", "create", ())],
    ),
    "OU tags": (
        replace(BASE, ous=(OrganizationalUnit("Workloads", tags={"a": "1"}), BASE.ous[1])), LIVE,
        [("ou.Workloads", "update", ("tags",))],
    ),
    "new account": (
        replace(BASE, accounts=(*BASE.accounts, acct("new-one", ou="Workloads"))), LIVE,
        [("account.new-one", "create", ())],
    ),
    "move and retag": (
        replace(BASE, accounts=(BASE.accounts[0], acct("app-prod", ou="Workloads",
                                account_id="222222222222", extra_tags={"x": "y"}))),
        LIVE, [("account.app-prod", "update", ("ou", "tags"))],
    ),
    "new policy and its attachments": (
        replace(BASE, policies=(*BASE.policies, scp("deny-root", "ou:Workloads"))), LIVE,
        [("policy.deny-root", "create", ()), ("attachment.deny-root.ou:Workloads", "create", ())],
    ),
    "policy document edited": (
        replace(BASE, policies=(scp("deny-leave", ROOT, "ou:Workloads/Prod", "account:app-prod",
                                    document={**DENY, "Version": "2008-10-17"}),)),
        LIVE, [("policy.deny-leave", "update", ("document",))],
    ),
    "policy description edited": (
        replace(BASE, policies=(replace(BASE.policies[0], description="new words"),)), LIVE,
        [("policy.deny-leave", "update", ("description",))],
    ),
    "rename, move and retag at once": (
        replace(BASE, accounts=(BASE.accounts[0], acct("app-production", ou="Workloads",
                                account_id="222222222222", extra_tags={"x": "y"})),
                policies=(scp("deny-leave", ROOT, "ou:Workloads/Prod", "account:app-production"),)),
        LIVE, [("account.app-production", "update", ("name", "ou", "tags"))],
    ),
    "attachment moved: attach before detach": (
        replace(BASE, policies=(scp("deny-leave", ROOT, "ou:Workloads"),)), LIVE,
        [("attachment.deny-leave.ou:Workloads", "create", ()),
         ("attachment.deny-leave.account:app-prod", "delete", ()),
         ("attachment.deny-leave.ou:Workloads/Prod", "delete", ())],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_plan_table(name: str) -> None:
    desired, live, expected = CASES[name]
    assert rows(plan(desired, live)) == expected


def test_order_follows_apply_sequence() -> None:
    desired = replace(
        BASE,
        policy_types=frozenset({SCP, TAG_POLICY}),
        ous=(*BASE.ous, OrganizationalUnit("New")),
        accounts=(BASE.accounts[0], acct("app-prod", ou="New", account_id="222222222222"),
                  acct("fresh", ou="New")),
        policies=(scp("deny-leave", "ou:New", document={"Version": "1"}),),
    )
    kinds = [(c.kind, c.action) for c in plan(desired, LIVE).changes]
    assert kinds == [
        ("policy_type", "create"), ("ou", "create"), ("policy", "update"), ("account", "create"),
        ("account", "update"), ("attachment", "create"), ("attachment", "delete"),
        ("attachment", "delete"), ("attachment", "delete"),
    ]


def test_rename_keeps_attachments() -> None:
    renamed = acct("app-production", ou="Workloads/Prod", account_id="222222222222")
    desired = replace(BASE, accounts=(BASE.accounts[0], renamed),
                      policies=(scp("deny-leave", ROOT, "ou:Workloads/Prod", "account:app-production"),))
    assert rows(plan(desired, LIVE)) == [("account.app-production", "update", ("name",))]


def test_match_by_email_case_insensitive_without_id() -> None:
    no_id = acct("app-prod", ou="Workloads/Prod", email="AWS+App-Prod@Example.com")
    desired = replace(BASE, accounts=(BASE.accounts[0], no_id))
    live = replace(LIVE, accounts=(LIVE.accounts[0], replace(LIVE.accounts[1],
        email="aws+app-prod@example.com")))
    assert plan(desired, live).empty


def test_unknown_account_id_is_a_note_not_a_create() -> None:
    ghost = acct("ghost", account_id="999999999999")
    result = plan(replace(BASE, accounts=(*BASE.accounts, ghost)), LIVE)
    assert result.empty
    assert any("999999999999" in n and "not in this organization" in n for n in result.notes)


def test_root_email_change_is_a_note() -> None:
    desired = replace(BASE, accounts=(BASE.accounts[0], replace(A1, email="other@example.com")))
    result = plan(desired, LIVE)
    assert result.empty
    assert any("root email" in n and "other@example.com" in n for n in result.notes)


def test_unmanaged_items_are_reported_not_deleted() -> None:
    stray = acct("stray", account_id="333333333333")
    live = replace(LIVE, ous=(*LIVE.ous, OrganizationalUnit("Old")), accounts=(*LIVE.accounts, stray),
                   policies=(*LIVE.policies, scp("legacy", "ou:Old", "account:stray")),
                   policy_types=frozenset({SCP, TAG_POLICY}))
    result = plan(BASE, live)
    assert result.empty
    assert [u.address for u in result.unmanaged] == [
        "account.stray", "attachment.legacy.account:stray", "attachment.legacy.ou:Old", "ou.Old",
        "policy.legacy", "policy_type.TAG_POLICY",
    ]


def test_managed_policy_attached_out_of_band_is_detached() -> None:
    stray = acct("stray", account_id="333333333333")
    live = replace(LIVE, accounts=(*LIVE.accounts, stray), policies=(
        scp("deny-leave", ROOT, "ou:Workloads/Prod", "account:app-prod", "account:stray"),
        *LIVE.policies[1:]))
    assert rows(plan(BASE, live)) == [("attachment.deny-leave.account:stray", "delete", ())]


def test_generated_organizations_plan_empty_against_themselves() -> None:
    for seed in range(20):
        desired = generated(seed)
        assert plan(desired, live_of(desired)).empty, seed
        assert plan(desired, desired).empty, seed


def test_plan_of_x_against_x_is_empty() -> None:
    for seed in range(20):
        x = live_of(generated(seed))
        result = plan(x, x)
        assert result.empty and not result.unmanaged and not result.notes, seed


def test_live_fingerprint_tracks_live_state() -> None:
    first = plan(BASE, LIVE)
    moved = replace(LIVE, accounts=(LIVE.accounts[0], replace(LIVE.accounts[1], ou="Workloads")))
    assert first.live_fingerprint.startswith("sha256:")
    assert plan(BASE, moved).live_fingerprint != first.live_fingerprint
    assert plan(BASE, moved).repository_fingerprint == first.repository_fingerprint
    assert MGMT_ID in BASE.management_account_id


def test_full_access_is_left_alone_by_default() -> None:
    live = replace(LIVE, policies=(*LIVE.policies[:1], full_access(ROOT, "ou:Workloads")))
    assert plan(BASE, live).empty
