"""FullAWSAccess: left as AWS makes it by default, or held to the targets the repository declares."""

from __future__ import annotations

from dataclasses import replace

from plan_builders import acct, full_access, live_of, org, scp

from reconciler.model import ROOT, SCP, TAG_POLICY, Organization
from reconciler.plan.planner import plan

APP = acct("app", ou="Work", account_id="222222222222")
DEFAULT = org("Work", "Sandbox", accounts=(APP,), policies=(scp("deny", "ou:Work"),))
LIVE = live_of(DEFAULT)  # FullAWSAccess on root, both OUs, both accounts


def rows(desired: Organization, live: Organization) -> list[tuple[str, str]]:
    return [(c.address, c.action) for c in plan(desired, live).changes]


def test_default_mode_ignores_where_full_access_is() -> None:
    partial = replace(LIVE, policies=(LIVE.policies[0], full_access(ROOT)))
    assert rows(DEFAULT, partial) == []


def test_declared_mode_attaches_first_then_detaches() -> None:
    allow_list = replace(DEFAULT, policies=(*DEFAULT.policies, full_access(ROOT, "ou:Work", "ou:Sandbox")))
    live = replace(LIVE, policies=(LIVE.policies[0], full_access(ROOT, "ou:Sandbox", "account:app")))
    assert rows(allow_list, live) == [
        ("attachment.FullAWSAccess.ou:Work", "create"),
        ("attachment.FullAWSAccess.account:app", "delete"),
    ]


def test_declared_mode_never_touches_the_management_account_or_the_policy() -> None:
    allow_list = replace(DEFAULT, policies=(*DEFAULT.policies, full_access(ROOT, "ou:Work", "ou:Sandbox",
                                                                          "account:app")))
    live = replace(LIVE, policies=(LIVE.policies[0], full_access(ROOT, "ou:Work", "ou:Sandbox", "account:app",
                                                                 "account:management")))
    assert rows(allow_list, live) == []
    without = replace(live, policies=(LIVE.policies[0], full_access(ROOT, "ou:Work", "ou:Sandbox",
                                                                    "account:app")))
    assert rows(allow_list, without) == []


def test_new_ou_gets_full_access_from_aws_and_declared_mode_removes_it() -> None:
    allow_list = replace(DEFAULT, ous=(*DEFAULT.ous, *org("Quarantine").ous),
                         policies=(scp("deny", "ou:Work", "ou:Quarantine"),
                                   full_access(ROOT, "ou:Work", "ou:Sandbox", "account:app")))
    live = live_of(replace(allow_list, ous=DEFAULT.ous, policies=(scp("deny", "ou:Work"),
                   full_access(ROOT, "ou:Work", "ou:Sandbox", "account:app"))))
    assert rows(allow_list, live) == [
        ("ou.Quarantine", "create"),
        ("attachment.deny.ou:Quarantine", "create"),
        ("attachment.FullAWSAccess.ou:Quarantine", "delete"),
    ]


def test_enabling_scps_accounts_for_full_access_everywhere() -> None:
    desired = replace(DEFAULT, policies=(*DEFAULT.policies, full_access(ROOT, "ou:Work")))
    live = replace(live_of(replace(DEFAULT, policy_types=frozenset({TAG_POLICY}))), policies=())
    assert rows(desired, live) == [
        ("policy_type.SERVICE_CONTROL_POLICY", "create"),
        ("policy.deny", "create"),
        ("attachment.deny.ou:Work", "create"),
        ("attachment.FullAWSAccess.account:app", "delete"),
        ("attachment.FullAWSAccess.ou:Sandbox", "delete"),
    ]
    assert SCP in desired.policy_types


def test_renamed_account_keeps_its_full_access_attachment() -> None:
    declared = full_access(ROOT, "ou:Work", "ou:Sandbox", "account:app-renamed")
    desired = replace(DEFAULT, accounts=(DEFAULT.accounts[0], replace(APP, name="app-renamed")),
                      policies=(*DEFAULT.policies, declared))
    assert rows(desired, LIVE) == [("account.app-renamed", "update")]


def test_declared_mode_leaves_the_management_account_alone_without_its_file() -> None:
    declared = full_access(ROOT, "ou:Work", "ou:Sandbox", "account:app")
    allow_list = replace(DEFAULT, accounts=DEFAULT.accounts[1:], policies=(*DEFAULT.policies, declared))
    result = plan(allow_list, LIVE)
    assert result.empty
    # Declared by id in organization.yaml, so not reported as unmanaged either.
    assert result.unmanaged == ()
