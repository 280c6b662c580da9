"""Policy quotas and rules from AWS Organizations' published limits and API Reference."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id, scp

from orgsim.testing import OrgSim

SCP = "SERVICE_CONTROL_POLICY"


def _enable_scp(org: object) -> str:
    rid = root_id(org)
    org.enable_policy_type(RootId=rid, PolicyType=SCP)  # type: ignore[attr-defined]
    return rid


def _create(org: object, name: str, content: str, kind: str = SCP) -> str:
    policy = org.create_policy(Name=name, Description=name, Type=kind, Content=content)  # type: ignore[attr-defined]
    return str(policy["Policy"]["PolicySummary"]["Id"])


def _padded(size: int) -> str:
    """An SCP document of exactly `size` characters (padding inside the Sid)."""
    base = scp()
    doc = json.loads(base)
    doc["Statement"][0]["Sid"] = "S" * (size - len(base) - len(', "Sid": ""'))
    text = json.dumps(doc)
    assert len(text) == size
    return text


def test_scp_size_limit_is_10240_characters(orgsim: OrgSim) -> None:
    """SCPs at most 10,240 characters since 2026-05-15 (issue 14; Quotas for AWS Organizations,
    Maximum size of a policy document) -> ConstraintViolation POLICY_CONTENT_LIMIT_EXCEEDED."""
    org = orgsim.client()
    assert _create(org, "fits", _padded(10240))
    with pytest.raises(ClientError) as caught:
        _create(org, "too-big", _padded(10241))
    assert error_of(caught.value) == ("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED")


def test_tag_policy_size_limit_is_10000_characters(orgsim: OrgSim) -> None:
    """Quotas: maximum tag policy size 10,000 characters."""
    org = orgsim.client()
    def tag_policy(size: int) -> str:
        empty = json.dumps({"tags": {"team": {"tag_key": {"@@assign": ""}}}})
        return empty.replace('""', '"' + "x" * (size - len(empty)) + '"')

    with pytest.raises(ClientError) as caught:
        _create(org, "tags", tag_policy(10001), "TAG_POLICY")
    assert error_of(caught.value)[1] == "POLICY_CONTENT_LIMIT_EXCEEDED"
    assert len(tag_policy(10000)) == 10000
    assert _create(org, "tags-ok", tag_policy(10000), "TAG_POLICY")


BAD_DOCUMENTS = ["{not json", json.dumps({"Statement": [{"Effect": "Maybe", "Action": "*"}]}),
                 json.dumps({"Version": "2012-10-17"}), json.dumps(["a list"])]


@pytest.mark.parametrize("content", BAD_DOCUMENTS)
def test_malformed_documents_are_refused(orgsim: OrgSim, content: str) -> None:
    """CreatePolicy: MalformedPolicyDocumentException for invalid JSON or SCP grammar."""
    with pytest.raises(ClientError) as caught:
        _create(orgsim.client(), "bad", content)
    assert error_of(caught.value)[0] == "MalformedPolicyDocumentException"


def test_attach_needs_the_policy_type_enabled(orgsim: OrgSim) -> None:
    """AttachPolicy: PolicyTypeNotEnabledException until EnablePolicyType."""
    org = orgsim.client()
    policy = _create(org, "deny", scp())
    with pytest.raises(ClientError) as caught:
        org.attach_policy(PolicyId=policy, TargetId=root_id(org))
    assert error_of(caught.value)[0] == "PolicyTypeNotEnabledException"
    _enable_scp(org)
    org.attach_policy(PolicyId=policy, TargetId=root_id(org))


def test_enabling_scps_attaches_full_aws_access_everywhere(orgsim: OrgSim) -> None:
    """User Guide: enabling SCPs attaches FullAWSAccess to the root, every OU and every account;
    disabling detaches every SCP."""
    org = orgsim.client()
    account = create_account(org, "member")
    ou = org.create_organizational_unit(ParentId=root_id(org), Name="Unit")["OrganizationalUnit"]["Id"]
    rid = _enable_scp(org)
    for target in (rid, ou, account, "111111111111"):
        names = [p["Name"] for p in org.list_policies_for_target(TargetId=target, Filter=SCP)["Policies"]]
        assert names == ["FullAWSAccess"], target
    later = org.create_organizational_unit(ParentId=rid, Name="Later")["OrganizationalUnit"]["Id"]
    assert org.list_policies_for_target(TargetId=later, Filter=SCP)["Policies"]
    org.disable_policy_type(RootId=rid, PolicyType=SCP)
    assert org.list_policies_for_target(TargetId=ou, Filter=SCP)["Policies"] == []


def test_ten_policies_of_a_type_per_target(orgsim: OrgSim) -> None:
    """Quotas: 10 SCPs directly attached per target, FullAWSAccess included ->
    MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED on the 11th."""
    org = orgsim.client()
    rid = _enable_scp(org)
    ou = org.create_organizational_unit(ParentId=rid, Name="Full")["OrganizationalUnit"]["Id"]
    policies = [_create(org, f"p{n}", scp(f"s3:Get{n}")) for n in range(10)]
    for policy in policies[:9]:
        org.attach_policy(PolicyId=policy, TargetId=ou)
    with pytest.raises(ClientError) as caught:
        org.attach_policy(PolicyId=policies[9], TargetId=ou)
    assert error_of(caught.value)[1] == "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"


def test_last_scp_cannot_be_detached(orgsim: OrgSim) -> None:
    """DetachPolicy: MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED when it would leave no SCP; with a
    second SCP attached first, FullAWSAccess can go (allow-list strategy)."""
    org = orgsim.client()
    rid = _enable_scp(org)
    with pytest.raises(ClientError) as caught:
        org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=rid)
    assert error_of(caught.value)[1] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    allow = _create(org, "allow", scp("*", "Allow"))
    org.attach_policy(PolicyId=allow, TargetId=rid)
    org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=rid)
    with pytest.raises(ClientError) as again:
        org.detach_policy(PolicyId="p-FullAWSAccess", TargetId=rid)
    assert error_of(again.value)[0] == "PolicyNotAttachedException"


def test_duplicate_attachment_is_refused(orgsim: OrgSim) -> None:
    org = orgsim.client()
    rid = _enable_scp(org)
    with pytest.raises(ClientError) as caught:
        org.attach_policy(PolicyId="p-FullAWSAccess", TargetId=rid)
    assert error_of(caught.value)[0] == "DuplicatePolicyAttachmentException"


def test_aws_managed_policy_is_immutable(orgsim: OrgSim) -> None:
    """FullAWSAccess is AWS managed: InvalidInputException IMMUTABLE_POLICY ("a policy that is
    managed by AWS and can't be modified") for UpdatePolicy and DeletePolicy; tagging it fails too."""
    org = orgsim.client()
    with pytest.raises(ClientError) as updated:
        org.update_policy(PolicyId="p-FullAWSAccess", Content=scp())
    assert error_of(updated.value) == ("InvalidInputException", "IMMUTABLE_POLICY")
    with pytest.raises(ClientError) as deleted:
        org.delete_policy(PolicyId="p-FullAWSAccess")
    assert error_of(deleted.value) == ("InvalidInputException", "IMMUTABLE_POLICY")
    with pytest.raises(ClientError) as tagged:
        org.tag_resource(ResourceId="p-FullAWSAccess", Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(tagged.value)[0] == "InvalidInputException"


def test_no_scp_on_the_management_account(orgsim: OrgSim) -> None:
    """SCPs never affect the management account; orgsim refuses attaching one there (see docs)."""
    org = orgsim.client()
    _enable_scp(org)
    policy = _create(org, "deny", scp())
    with pytest.raises(ClientError) as caught:
        org.attach_policy(PolicyId=policy, TargetId="111111111111")
    assert error_of(caught.value)[0] == "ConstraintViolationException"


def test_policy_number_limit(orgsim: OrgSim) -> None:
    """Quotas: 1,000 policies of each type -> POLICY_NUMBER_LIMIT_EXCEEDED (lowered here to stay quick)."""
    orgsim.configure(policy_limit=2)
    org = orgsim.client()
    _create(org, "one", scp())
    _create(org, "two", scp())
    with pytest.raises(ClientError) as caught:
        _create(org, "three", scp())
    assert error_of(caught.value) == ("ConstraintViolationException", "POLICY_NUMBER_LIMIT_EXCEEDED")
    assert _create(org, "a-tag-policy", json.dumps({"tags": {}}), "TAG_POLICY")


def test_update_policy_checks_content_too(orgsim: OrgSim) -> None:
    org = orgsim.client()
    policy = _create(org, "grow", scp())
    with pytest.raises(ClientError) as caught:
        org.update_policy(PolicyId=policy, Content=_padded(10241))
    assert error_of(caught.value)[1] == "POLICY_CONTENT_LIMIT_EXCEEDED"
    org.update_policy(PolicyId=policy, Content=scp("ec2:*"))
    assert "ec2:*" in org.describe_policy(PolicyId=policy)["Policy"]["Content"]
