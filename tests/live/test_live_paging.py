"""Every list operation the product calls is read past its first page: orgsim answers pages of one
item (AWS "might return fewer results than the maximum") and an empty page with a NextToken first
("can occasionally return an empty set of results even when more results are available")."""

from __future__ import annotations

import json
from typing import Any

import pytest
from core_world import create_account

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.errors import AwsError
from reconciler.live.read import read_organization
from reconciler.live.reread import read_accounts
from reconciler.live.scope import account_state

SCP = "SERVICE_CONTROL_POLICY"
DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
# the list operations of a full read, each with more than one item to list (ListRoots: one root,
# read past an empty page). Tags come from GetResources (its paging: tests/live/test_live_tags.py).
READ_LISTS = ("ListRoots", "ListOrganizationalUnitsForParent", "ListAccounts", "ListPolicies",
              "ListTargetsForPolicy")


def _arrange(org: Any) -> dict[str, str]:
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType=SCP)
    work = org.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    org.create_organizational_unit(ParentId=root, Name="Sandbox")
    prod = org.create_organizational_unit(ParentId=work, Name="Production")["OrganizationalUnit"]["Id"]
    org.create_organizational_unit(ParentId=work, Name="Staging")
    tags = {"environment": "production", "team": "x", "cost-center": "CC-1"}
    first = create_account(org, "a@example.com", "acme-prod", tags)
    second = create_account(org, "b@example.com", "acme-dev", tags)
    org.move_account(AccountId=first, SourceParentId=root, DestinationParentId=prod)
    for name in ("deny-s3", "deny-s3-again"):
        policy = org.create_policy(Content=json.dumps(DOC), Description="", Name=name, Type=SCP)
        policy_id = policy["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=policy_id, TargetId=prod)
        org.attach_policy(PolicyId=policy_id, TargetId=second)
    return {"root": root, "first": first, "second": second, "prod": prod}


def _empty_first_pages(sim: OrgSim, operations: tuple[str, ...]) -> None:
    for operation in operations:
        sim.inject_fault(operation, "empty_page")


def test_a_full_read_through_pages_of_one_sees_the_same_organization(aws: OrgSim, org: Any) -> None:
    _arrange(org)
    whole = AwsClient()
    expected = read_organization(whole)
    aws.configure(page_size=1)
    _empty_first_pages(aws, READ_LISTS)
    paged = AwsClient()
    assert read_organization(paged) == expected
    for operation in READ_LISTS:  # past one page: more calls than with full pages
        assert paged.calls[operation] > whole.calls[operation], operation
    assert paged.calls["ListRoots"] == 2  # the empty page, then the root


def test_rereads_and_apply_read_past_pages_too(aws: OrgSim, org: Any) -> None:
    ids = _arrange(org)
    baseline = read_organization(AwsClient())
    aws.configure(page_size=1)
    _empty_first_pages(aws, ("ListParents", "ListParents", "ListTagsForResource"))
    client = AwsClient()
    fresh = {a.account_id: a for a in read_accounts(client, baseline, [ids["first"], ids["second"]])}
    assert fresh[ids["first"]] == baseline.account("acme-prod")
    assert fresh[ids["second"]] == baseline.account("acme-dev")
    assert client.calls["ListParents"] == 4 and client.calls["ListTagsForResource"] > 6
    writer = OrganizationsWriter(client)
    _empty_first_pages(aws, ("ListParents", "ListCreateAccountStatus"))
    assert writer.parent_of(ids["first"]) == ids["prod"]
    before = client.calls["ListCreateAccountStatus"]
    names = {s.name for s in writer.create_requests(["SUCCEEDED"])}
    assert names == {"acme-prod", "acme-dev"}
    assert client.calls["ListCreateAccountStatus"] - before == 3  # empty, one, one
    assert writer.find_account("b@example.com") == (ids["second"], "acme-dev")  # ListAccounts pages


def test_an_account_without_a_known_state_is_an_error_never_active() -> None:
    """Status was retired on 2026-09-09; reading it (or defaulting to ACTIVE) would take a closed
    account for an open one."""
    assert account_state({"Id": "123456789012", "State": "SUSPENDED"}) == "SUSPENDED"
    for item in ({"Id": "123456789012", "Status": "ACTIVE"}, {"Id": "123456789012", "State": "GONE"}):
        with pytest.raises(AwsError, match="123456789012"):
            account_state(item)
