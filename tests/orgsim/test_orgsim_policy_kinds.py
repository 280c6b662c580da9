"""Every policy type in botocore's PolicyType enum, RCPFullAWSAccess, and DescribeEffectivePolicy.

Sources: botocore's organizations model (`PolicyType`, `EffectivePolicyType`, DescribeEffectivePolicy
and its errors); Organizations User Guide "RCP evaluation" (RCPFullAWSAccess attached to the root,
every OU and account when RCPs are enabled, and it cannot be detached), "Understanding management
policy inheritance" and "Inheritance operators" (the effective policy).
"""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id

from orgsim.policy_kinds import KINDS, MANAGEMENT
from orgsim.testing import OrgSim

MODEL = botocore.session.get_session().get_service_model("organizations")


def _enable(org: Any, *types: str) -> str:
    rid = root_id(org)
    for policy_type in types:
        org.enable_policy_type(RootId=rid, PolicyType=policy_type)
    return rid


def _policy(org: Any, name: str, policy_type: str, document: dict[str, Any]) -> str:
    made = org.create_policy(Name=name, Description="", Type=policy_type, Content=json.dumps(document))
    return str(made["Policy"]["PolicySummary"]["Id"])


def test_orgsims_types_are_botocores_policy_type_enum() -> None:
    assert sorted(KINDS) == sorted(MODEL.shape_for("PolicyType").enum)
    assert sorted(MANAGEMENT) == sorted(MODEL.shape_for("EffectivePolicyType").enum)


def test_every_type_is_enabled_created_listed_and_attached(orgsim: OrgSim) -> None:
    org = orgsim.client(retries={"total_max_attempts": 1})
    rid = _enable(org, *KINDS)
    assert {t["Type"] for t in org.list_roots()["Roots"][0]["PolicyTypes"]} == set(KINDS)
    for policy_type in MANAGEMENT:
        policy_id = _policy(org, policy_type.lower().replace("_", "-"), policy_type, {"x": {"@@assign": "y"}})
        org.attach_policy(PolicyId=policy_id, TargetId=rid)
        listed = org.list_policies(Filter=policy_type)["Policies"]
        assert [p["Id"] for p in listed] == [policy_id]
        assert f"/{policy_type.lower()}/{policy_id}" in listed[0]["Arn"]


def test_rcp_full_aws_access_is_attached_everywhere_and_cannot_be_detached(orgsim: OrgSim) -> None:
    org = orgsim.client()
    account = create_account(org, "member")
    rid = _enable(org, "RESOURCE_CONTROL_POLICY")
    for target in (rid, account):
        names = [p["Name"] for p in org.list_policies_for_target(
            TargetId=target, Filter="RESOURCE_CONTROL_POLICY")["Policies"]]
        assert names == ["RCPFullAWSAccess"]
    with pytest.raises(ClientError) as caught:
        org.detach_policy(PolicyId="p-RCPFullAWSAccess", TargetId=account)
    assert error_of(caught.value) == ("InvalidInputException", "NON_DETACHABLE_POLICY")


def test_effective_policy_merges_root_ou_and_account(orgsim: OrgSim) -> None:
    org = orgsim.client()
    rid = _enable(org, "TAG_POLICY")
    ou = org.create_organizational_unit(ParentId=rid, Name="Work")["OrganizationalUnit"]["Id"]
    account = create_account(org, "member")
    org.move_account(AccountId=account, SourceParentId=rid, DestinationParentId=ou)
    root_doc = {"tags": {"team": {"tag_key": {"@@assign": "Team"},
                                  "tag_value": {"@@assign": ["a", "b"]},
                                  "enforced_for": {"@@assign": ["s3:bucket"],
                                                   "@@operators_allowed_for_child_policies": ["@@none"]}}}}
    ou_doc = {"tags": {"team": {"tag_value": {"@@append": ["c"]},
                                "enforced_for": {"@@assign": ["ec2:volume"]}}}}
    account_doc = {"tags": {"team": {"tag_value": {"@@remove": ["a"]}}}}
    for name, doc, target in (("r", root_doc, rid), ("o", ou_doc, ou), ("a", account_doc, account)):
        org.attach_policy(PolicyId=_policy(org, name, "TAG_POLICY", doc), TargetId=target)
    answer = org.describe_effective_policy(PolicyType="TAG_POLICY", TargetId=account)["EffectivePolicy"]
    assert json.loads(answer["PolicyContent"]) == {
        "tags": {"team": {"tag_key": "Team", "tag_value": ["b", "c"], "enforced_for": ["s3:bucket"]}}}
    assert (answer["TargetId"], answer["PolicyType"]) == (account, "TAG_POLICY")


def test_effective_policy_errors(orgsim: OrgSim) -> None:
    org = orgsim.client()
    rid = _enable(org, "S3_POLICY")
    cases = [
        ({"PolicyType": "S3_POLICY"}, ("EffectivePolicyNotFoundException", None)),
        ({"PolicyType": "SERVICE_CONTROL_POLICY"}, ("InvalidInputException", "INVALID_ENUM_POLICY_TYPE")),
        ({"PolicyType": "S3_POLICY", "TargetId": rid}, ("InvalidInputException", "TARGET_NOT_SUPPORTED")),
        ({"PolicyType": "S3_POLICY", "TargetId": "999999999999"}, ("TargetNotFoundException", None)),
    ]
    for params, expected in cases:
        with pytest.raises(ClientError) as caught:
            org.describe_effective_policy(**params)
        assert error_of(caught.value) == expected, params
