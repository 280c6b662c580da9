"""Working inside a member account (orgsim.member_accounts, docs/orgsim.md): the role CreateAccount
makes, STS AssumeRole into it acting in that account, and default VPCs as AWS creates them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, wait_created

from orgsim.testing import OrgSim


def _default_vpc(ec2: Any) -> dict[str, Any]:
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    return dict(vpc)


def test_assume_role_into_the_role_create_account_made_acts_in_that_account(orgsim: OrgSim) -> None:
    """API Ref CreateAccount, RoleName (default OrganizationAccountAccessRole); STS API Reference,
    AssumeRole: the credentials act in the role's account."""
    account_id = create_account(orgsim.client(), "member-one")
    sts = orgsim.member_client(account_id, "sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == account_id
    role = "OrganizationAccountAccessRole"
    assert identity["Arn"].startswith(f"arn:aws:sts::{account_id}:assumed-role/{role}/")
    assert orgsim.client("sts").get_caller_identity()["Account"] == "111111111111"


def test_create_account_role_name_is_honoured(orgsim: OrgSim) -> None:
    org = orgsim.client()
    request = org.create_account(AccountName="named-role", Email="named-role@example.com",
                                 RoleName="OrgAdmin")["CreateAccountStatus"]
    account_id = str(wait_created(org, request["Id"])["AccountId"])
    sts = orgsim.member_client(account_id, "sts", role_name="OrgAdmin")
    assert sts.get_caller_identity()["Account"] == account_id
    with pytest.raises(ClientError) as denied:
        orgsim.member_client(account_id, "sts")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_assume_role_of_a_role_that_does_not_exist_is_access_denied(orgsim: OrgSim) -> None:
    """STS API Reference, AssumeRole, Errors: AWS answers AccessDenied (moto accepts any ARN)."""
    with pytest.raises(ClientError) as denied:
        orgsim.client("sts").assume_role(RoleArn="arn:aws:iam::999999999999:role/Nope",
                                         RoleSessionName="probe")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert "sts:AssumeRole" in denied.value.response["Error"]["Message"]


def test_each_account_has_its_own_default_vpc_with_an_internet_gateway(orgsim: OrgSim) -> None:
    """Amazon VPC User Guide, "Default VPC components": a default subnet per Availability Zone and
    an internet gateway attached to the default VPC."""
    first, second = (create_account(orgsim.client(), n) for n in ("member-a", "member-b"))
    ec2_a, ec2_b = orgsim.member_client(first), orgsim.member_client(second)
    vpc_a, vpc_b = _default_vpc(ec2_a), _default_vpc(ec2_b)
    assert vpc_a["OwnerId"] == first and vpc_b["OwnerId"] == second
    gateways = ec2_a.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_a["VpcId"]]}])["InternetGateways"]
    assert len(gateways) == 1
    subnets = ec2_a.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_a["VpcId"]]}])["Subnets"]
    zones = ec2_a.describe_availability_zones()["AvailabilityZones"]
    assert len(subnets) == len(zones)
    ec2_a.enable_ebs_encryption_by_default()
    assert ec2_a.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is True
    assert ec2_b.get_ebs_encryption_by_default()["EbsEncryptionByDefault"] is False


def test_delete_vpc_and_subnet_refuse_while_something_depends_on_them(orgsim: OrgSim) -> None:
    """EC2 API Reference, DeleteVpc ("You must detach or delete all gateways ... before you can
    delete it") and DeleteSubnet (instances in it first): DependencyViolation."""
    ec2 = orgsim.member_client(create_account(orgsim.client(), "member-c"))
    vpc_id = _default_vpc(ec2)["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]]
    ec2.create_network_interface(SubnetId=subnets[0])
    with pytest.raises(ClientError) as busy_subnet:
        ec2.delete_subnet(SubnetId=subnets[0])
    assert busy_subnet.value.response["Error"]["Code"] == "DependencyViolation"
    for subnet in subnets[1:]:
        ec2.delete_subnet(SubnetId=subnet)
    (gateway,) = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    eni = ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaces"][0]["NetworkInterfaceId"])
    ec2.delete_subnet(SubnetId=subnets[0])
    with pytest.raises(ClientError) as attached:
        ec2.delete_vpc(VpcId=vpc_id)
    assert attached.value.response["Error"]["Code"] == "DependencyViolation"
    ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)
    assert ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"] == []


def test_list_regions_without_account_id_answers_the_callers_own_account(orgsim: OrgSim) -> None:
    """Account Management API Reference, ListRegions, AccountId: without it, the operation runs in
    the context of the calling account, with no trusted access needed."""
    account_id = create_account(orgsim.client(), "member-d")
    orgsim.seed_identity_center([], [])  # trusted access, for the management side's EnableRegion
    orgsim.client("account").enable_region(AccountId=account_id, RegionName="af-south-1")
    account = orgsim.member_client(account_id, "account")
    listed = account.list_regions(RegionOptStatusContains=["ENABLED", "ENABLING"])["Regions"]
    assert [r["RegionName"] for r in listed] == ["af-south-1"]
    mine = orgsim.client("account").list_regions(RegionOptStatusContains=["ENABLED", "ENABLING"])["Regions"]
    assert mine == []
