"""Working inside a member account: the role CreateAccount makes there, STS AssumeRole into it,
and the account's default VPCs as AWS creates them.

Sources:
- Organizations API Reference, CreateAccount, RoleName: "The name of an IAM role that AWS
  Organizations automatically preconfigures in the new member account. This role trusts the
  management account ... The role has administrator permissions in the new member account. If you
  don't specify this parameter, the role name defaults to OrganizationAccountAccessRole." moto
  makes the role when the account is created; orgsim passes RoleName through its asynchronous
  creation (orgsim.lifecycle).
- STS API Reference, AssumeRole: the temporary credentials act as the role, in the role's account.
  moto makes them (and files their access key under the role's account) but orgsim's server used to
  answer every request as the management account; `account_of` now answers a request signed with
  them in the role's account. AssumeRole of a role that does not exist is refused with
  AccessDenied (AWS answers it so for a missing role as for one whose trust policy does not admit the
  caller; moto accepts any ARN).
- Amazon VPC User Guide, "Default VPCs" / "Default VPC components": a default VPC in each Region
  with a default subnet in each Availability Zone and "an internet gateway ... connect[ed] to your
  default VPC" (moto creates the VPC and subnets but no internet gateway).
- EC2 API Reference, DeleteVpc: "You must detach or delete all gateways and resources that are
  associated with the VPC before you can delete it" (moto deletes a VPC with its gateway attached);
  DeleteSubnet: "You must terminate all running instances in the subnet before you can delete the
  subnet" (moto deletes a subnet with network interfaces in it). Both answer DependencyViolation.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

DEFAULT_ROLE = "OrganizationAccountAccessRole"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:.*/)?([\w+=,.@-]+)$")


def account_of(access_key: str, management_account_id: str) -> str:
    """The account a request signed with `access_key` acts in: a member account for credentials
    AssumeRole made in it, otherwise the management account (every other key is a person of it).
    Temporary (STS) access key ids begin with ASIA (IAM User Guide, "IAM identifiers",
    "Understanding unique ID prefixes"), so other keys are answered without searching moto's
    accounts."""
    from moto.iam.models import iam_backends

    if not access_key.startswith("ASIA"):
        return management_account_id
    for account_id, backends in list(iam_backends.items()):
        if access_key in backends["aws"].access_keys:
            return str(account_id)
    return management_account_id


def refuse_assume_role(body: bytes, caller_arn: str) -> bytes | None:
    """STS's AccessDenied (query-protocol XML) when AssumeRole names a role that does not exist in
    its account; None when the role exists."""
    from moto.iam.models import iam_backends

    role_arn = parse_qs(body.decode("utf-8", "replace")).get("RoleArn", [""])[0]
    match = _ROLE_ARN.match(role_arn)
    if match:
        account_id, name = match.groups()
        if any(role.name == name for role in iam_backends[account_id]["aws"].get_roles()):
            return None
    message = f"User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    return (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>AccessDenied</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>").encode()


def extend_ec2() -> None:
    """A default VPC with its internet gateway; DeleteVpc and DeleteSubnet refuse while something
    depends on them (idempotent)."""
    from moto.ec2.exceptions import DependencyViolationError
    from moto.ec2.models.internet_gateways import InternetGatewayBackend
    from moto.ec2.models.subnets import SubnetBackend
    from moto.ec2.models.vpcs import VPCBackend

    vpcs: Any = VPCBackend
    if getattr(vpcs, "_orgsim_extended", False):
        return
    vpcs._orgsim_extended = True
    create_default_vpc, delete_vpc = vpcs.create_default_vpc, vpcs.delete_vpc
    subnets: Any = SubnetBackend
    delete_subnet = subnets.delete_subnet

    def create_default(self: Any) -> Any:
        vpc = create_default_vpc(self)
        gateway = InternetGatewayBackend.create_internet_gateway(self)
        InternetGatewayBackend.attach_internet_gateway(self, gateway.id, vpc.id)
        return vpc

    def delete(self: Any, vpc_id: str) -> Any:
        if self.describe_internet_gateways(filters={"attachment.vpc-id": [vpc_id]}):
            raise DependencyViolationError(f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
        return delete_vpc(self, vpc_id)

    def delete_one_subnet(self: Any, subnet_id: str) -> Any:
        if self.get_all_network_interfaces(filters={"subnet-id": [subnet_id]}):
            raise DependencyViolationError(
                f"The subnet '{subnet_id}' has dependencies and cannot be deleted.")
        return delete_subnet(self, subnet_id)

    vpcs.create_default_vpc, vpcs.delete_vpc = create_default, delete
    subnets.delete_subnet = delete_one_subnet
