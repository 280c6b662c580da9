"""The live reader against a real HTTP endpoint: the snapshot and what it costs in calls."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from core_world import create_account

from reconciler.adapters.aws import AwsClient
from reconciler.errors import AwsError
from reconciler.live.read import read_organization
from reconciler.live.scope import ReadScope

SCP = "SERVICE_CONTROL_POLICY"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}


def _arrange(org: Any) -> dict[str, str]:
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType=SCP)
    work = org.create_organizational_unit(ParentId=root, Name="Workloads",
                                          Tags=[{"Key": "purpose", "Value": "apps"}])
    work_id = work["OrganizationalUnit"]["Id"]
    prod_id = org.create_organizational_unit(ParentId=work_id, Name="Production")["OrganizationalUnit"]["Id"]
    account_id = create_account(org, "a@example.com", "acme-prod", {
        "environment": "production", "compliance-scope": "soc2 gdpr", "team": "x"})
    org.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=prod_id)
    policy = org.create_policy(Content=json.dumps(DOC), Description="no s3", Name="deny-s3", Type=SCP)
    policy_id = policy["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy_id, TargetId=prod_id)
    org.attach_policy(PolicyId=policy_id, TargetId=account_id)
    return {"root": root, "account": account_id, "prod": prod_id}


def test_snapshot_holds_ous_accounts_policies_and_attachments(org: Any) -> None:
    ids = _arrange(org)
    live = read_organization(AwsClient())
    assert live.root_id == ids["root"]
    assert live.policy_types == frozenset({SCP})
    assert [ou.path for ou in live.ous] == ["Workloads", "Workloads/Production"]
    assert live.ou("Workloads").tags == {"purpose": "apps"}
    account = live.account("acme-prod")
    assert account is not None
    assert (account.account_id, account.email, account.ou) == (ids["account"], "a@example.com",
                                                                "Workloads/Production")
    assert account.environment == "production"
    assert account.compliance_scope == ("soc2", "gdpr")
    assert account.extra_tags == {"team": "x"}
    policy = live.policy("deny-s3")
    assert policy is not None and policy.document == DOC and policy.description == "no s3"
    assert policy.targets == {"ou:Workloads/Production", "account:acme-prod"}
    full = live.policy("FullAWSAccess")
    assert full is not None and full.aws_managed and "root" in full.targets
    management = [a for a in live.accounts if a.account_id == live.management_account_id]
    assert len(management) == 1


def test_a_full_read_costs_close_to_the_minimum(org: Any) -> None:
    _arrange(org)
    client = AwsClient()
    live = read_organization(client)
    ous, accounts, policies = len(live.ous), len(live.accounts), len(live.policies)
    targets = sum(len(p.targets) for p in live.policies)
    minimum = (1 + (ous + 1) + math.ceil(accounts / 20) + 2 * policies + math.ceil(targets / 20)
               + math.ceil((accounts + ous) / 100))  # tags: GetResources, 100 a page
    paths_fallback = client.calls["ListParents"]
    assert sum(client.calls.values()) - paths_fallback <= minimum
    assert client.calls["ListTargetsForPolicy"] == policies
    assert client.calls["DescribePolicy"] == policies - 1  # AWS-managed content is never read


def test_scope_limits_tag_reads_to_what_the_plan_needs(org: Any) -> None:
    ids = _arrange(org)
    client = AwsClient()
    live = read_organization(client, ReadScope(account_tags=frozenset({ids["account"]}),
                                               ou_tags=frozenset(), aws_managed_targets=False))
    assert client.calls["GetResources"] == 1 and client.calls["ListTagsForResource"] == 0
    assert live.account("acme-prod").tags["environment"] == "production"
    assert live.ou("Workloads").tags == {}
    assert live.policy("FullAWSAccess").targets == frozenset()


def test_unreachable_endpoint_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLESECRETKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-print-me")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(AwsError) as caught:
        read_organization(AwsClient())
    message = str(caught.value)
    assert "ListRoots" in message and "do-not-print-me" not in message
    assert caught.value.__cause__ is not None


def test_api_errors_read_as_one_line(org: Any) -> None:
    with pytest.raises(AwsError, match="AWS refused DescribePolicy: PolicyNotFoundException"):
        AwsClient().call("DescribePolicy", PolicyId="p-00000000")
