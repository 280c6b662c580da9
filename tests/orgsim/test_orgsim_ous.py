"""OU limits and the Path/Paths fields, from AWS Organizations' quotas and API Reference."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of, root_id

from orgsim.testing import OrgSim


def _ou(org: object, parent: str, name: str) -> dict[str, str]:
    return dict(org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"])  # type: ignore[attr-defined]


def test_ou_depth_is_limited_to_five(orgsim: OrgSim) -> None:
    """Quotas: OUs nest at most five levels under the root -> OU_DEPTH_LIMIT_EXCEEDED."""
    org = orgsim.client()
    parent = root_id(org)
    for level in range(5):
        parent = _ou(org, parent, f"L{level}")["Id"]
    with pytest.raises(ClientError) as caught:
        _ou(org, parent, "L5")
    assert error_of(caught.value) == ("ConstraintViolationException", "OU_DEPTH_LIMIT_EXCEEDED")


def test_sibling_names_are_unique_but_cousins_may_share(orgsim: OrgSim) -> None:
    """CreateOrganizationalUnit / UpdateOrganizationalUnit: DuplicateOrganizationalUnitException
    for a name already used by a sibling."""
    org = orgsim.client()
    rid = root_id(org)
    prod = _ou(org, rid, "Production")
    staging = _ou(org, rid, "Staging")
    _ou(org, prod["Id"], "Apps")
    apps_staging = _ou(org, staging["Id"], "Apps")
    with pytest.raises(ClientError) as created:
        _ou(org, rid, "Production")
    assert error_of(created.value)[0] == "DuplicateOrganizationalUnitException"
    with pytest.raises(ClientError) as renamed:
        org.update_organizational_unit(OrganizationalUnitId=staging["Id"], Name="Production")
    assert error_of(renamed.value)[0] == "DuplicateOrganizationalUnitException"
    moved = org.update_organizational_unit(OrganizationalUnitId=apps_staging["Id"], Name="Web")
    assert moved["OrganizationalUnit"]["Name"] == "Web"


def test_ou_number_limit(orgsim: OrgSim) -> None:
    """Quotas: 2,000 OUs per organization -> OU_NUMBER_LIMIT_EXCEEDED (lowered here to stay quick)."""
    orgsim.configure(ou_limit=3)
    org = orgsim.client()
    rid = root_id(org)
    for n in range(3):
        _ou(org, rid, f"U{n}")
    with pytest.raises(ClientError) as caught:
        _ou(org, rid, "U3")
    assert error_of(caught.value)[1] == "OU_NUMBER_LIMIT_EXCEEDED"


def test_only_empty_ous_can_be_deleted(orgsim: OrgSim) -> None:
    """DeleteOrganizationalUnit: OrganizationalUnitNotEmptyException while it holds accounts or OUs."""
    org = orgsim.client()
    rid = root_id(org)
    ou = _ou(org, rid, "Busy")["Id"]
    account = create_account(org, "inside")
    org.move_account(AccountId=account, SourceParentId=rid, DestinationParentId=ou)
    with pytest.raises(ClientError) as caught:
        org.delete_organizational_unit(OrganizationalUnitId=ou)
    assert error_of(caught.value)[0] == "OrganizationalUnitNotEmptyException"
    org.move_account(AccountId=account, SourceParentId=ou, DestinationParentId=rid)
    org.enable_policy_type(RootId=rid, PolicyType="SERVICE_CONTROL_POLICY")
    org.delete_organizational_unit(OrganizationalUnitId=ou)
    targets = org.list_targets_for_policy(PolicyId="p-FullAWSAccess")["Targets"]
    assert ou not in [t["TargetId"] for t in targets]


def test_move_account_checks_source_and_destination(orgsim: OrgSim) -> None:
    """MoveAccount: SourceParentNotFoundException, DuplicateAccountException."""
    org = orgsim.client()
    rid = root_id(org)
    ou = _ou(org, rid, "Dest")["Id"]
    account = create_account(org, "mover")
    with pytest.raises(ClientError) as wrong_source:
        org.move_account(AccountId=account, SourceParentId=ou, DestinationParentId=rid)
    assert error_of(wrong_source.value)[0] == "SourceParentNotFoundException"
    with pytest.raises(ClientError) as same:
        org.move_account(AccountId=account, SourceParentId=rid, DestinationParentId=rid)
    assert error_of(same.value)[0] == "DuplicateAccountException"


def test_paths_on_accounts_and_ous(orgsim: OrgSim) -> None:
    """API Reference Account.Paths / OrganizationalUnit.Path: the entity path
    o-id/r-id/ou-id/.../ as IAM's aws:PrincipalOrgPaths spells it, ending in the entity's own id."""
    org = orgsim.client()
    org_id = org.describe_organization()["Organization"]["Id"]
    rid = root_id(org)
    parent = _ou(org, rid, "Workloads")
    child = _ou(org, parent["Id"], "Production")
    assert child["Path"] == f"{org_id}/{rid}/{parent['Id']}/{child['Id']}/"
    described = org.describe_organizational_unit(OrganizationalUnitId=child["Id"])["OrganizationalUnit"]
    assert described["Path"] == child["Path"]
    listed = org.list_organizational_units_for_parent(ParentId=parent["Id"])["OrganizationalUnits"]
    assert [o["Path"] for o in listed] == [child["Path"]]
    account = create_account(org, "pathy")
    org.move_account(AccountId=account, SourceParentId=rid, DestinationParentId=child["Id"])
    expected = [f"{child['Path']}{account}/"]
    assert org.describe_account(AccountId=account)["Account"]["Paths"] == expected
    by_id = {a["Id"]: a for a in org.list_accounts()["Accounts"]}
    assert by_id[account]["Paths"] == expected
    assert by_id["111111111111"]["Paths"] == [f"{org_id}/{rid}/111111111111/"]
    in_parent = org.list_accounts_for_parent(ParentId=child["Id"])["Accounts"]
    assert in_parent[0]["Paths"] == expected


def test_put_account_name_renames_the_account(orgsim: OrgSim) -> None:
    """Account Management API PutAccountName / GetAccountInformation (moto lacks them): the new name
    shows in Organizations; the call is in CloudTrail with EventSource account.amazonaws.com."""
    org = orgsim.client()
    account_id = create_account(org, "old-name")
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    account = orgsim.client("account")
    account.put_account_name(AccountId=account_id, AccountName="new-name")
    assert org.describe_account(AccountId=account_id)["Account"]["Name"] == "new-name"
    info = account.get_account_information(AccountId=account_id)
    assert (info["AccountName"], info["AccountState"]) == ("new-name", "ACTIVE")
    with pytest.raises(ClientError) as caught:
        account.put_account_name(AccountId="999999999999", AccountName="x")
    assert error_of(caught.value)[0] == "ResourceNotFoundException"
    assert orgsim.calls()["PutAccountName"] == 2
    events = orgsim.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "account.amazonaws.com"}])
    names = [e["EventName"] for e in events["Events"]]  # reads are events too
    assert names == ["PutAccountName", "GetAccountInformation", "PutAccountName"]


def test_tag_limits(orgsim: OrgSim) -> None:
    """Organizations tags: at most 50 per resource (ConstraintViolation MAX_TAG_LIMIT_EXCEEDED),
    keys up to 128 and values up to 256 characters (InvalidInput MAX_LENGTH_EXCEEDED), no key twice
    in one request (DUPLICATE_TAG_KEY)."""
    org = orgsim.client()
    ou = _ou(org, root_id(org), "Tagged")["Id"]
    org.tag_resource(ResourceId=ou, Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(49)])
    org.tag_resource(ResourceId=ou, Tags=[{"Key": "k0", "Value": "again"}, {"Key": "k49", "Value": "v"}])
    with pytest.raises(ClientError) as too_many:
        org.tag_resource(ResourceId=ou, Tags=[{"Key": "k50", "Value": "v"}])
    assert error_of(too_many.value) == ("ConstraintViolationException", "MAX_TAG_LIMIT_EXCEEDED")
    with pytest.raises(ClientError) as too_long:
        org.create_organizational_unit(ParentId=root_id(org), Name="Long",
                                       Tags=[{"Key": "k", "Value": "v" * 257}])
    assert error_of(too_long.value) == ("InvalidInputException", "MAX_LENGTH_EXCEEDED")
    with pytest.raises(ClientError) as twice:
        org.tag_resource(ResourceId=ou, Tags=[{"Key": "k0", "Value": "a"}, {"Key": "k0", "Value": "b"}])
    assert error_of(twice.value) == ("InvalidInputException", "DUPLICATE_TAG_KEY")
