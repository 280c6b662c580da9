"""Baselines inside the account (docs/apply.md, "Baselines inside the account"): the work that
needs a role in the account, done by `reconciler baseline --shard I/N`, one slice of the accounts
per process, so a GitHub Actions matrix spreads it over runners.

Which accounts: the repository's active accounts with an id whose effective baseline has
`in_account` work (the management account never has a baseline). The slice: sorted by account
id, account k goes to shard k mod N, so for one commit and one N every account is in exactly one
shard. In each account: STS AssumeRole into the configured role, the Regions enabled in the
account (ListRegions, called in the account), and in each Region:

- `ebs_encryption_by_default`: GetEbsEncryptionByDefault, and EnableEbsEncryptionByDefault when off;
- `delete_default_vpcs`: the default VPC (DescribeVpcs, isDefault); kept and reported when any
  network interface is in it (something uses it); otherwise its internet gateways detached and
  deleted, its subnets deleted, then the VPC (EC2 API Reference, DeleteVpc: "You must detach or
  delete all gateways and resources that are associated with the VPC before you can delete it").

Every step reads first, so a re-run finds nothing left to do and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from reconciler import model
from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls

MAX_SHARDS = 256  # GitHub Actions: "A matrix can generate a maximum of 256 jobs per workflow run"
ACCOUNT_API_REGION = "us-east-1"  # where ListRegions is called (the Account Management API is global)
ENABLED = ["ENABLED", "ENABLED_BY_DEFAULT"]


class InAccount(Protocol):
    def in_region(self, region: str) -> AwsCalls:
        """AWS calls as the assumed role, in one Region of the account."""
        ...


class MemberAccounts(Protocol):
    def enter(self, account_id: str, role_name: str) -> InAccount:
        """STS AssumeRole into `role_name` in the account; AwsError when AWS refuses."""
        ...


@dataclass(frozen=True)
class Target:
    name: str
    account_id: str
    work: model.InAccountWork


@dataclass
class RegionResult:
    region: str
    done: list[str] = field(default_factory=list)  # what was changed
    kept: list[str] = field(default_factory=list)  # what was left on purpose, and why
    errors: list[str] = field(default_factory=list)


@dataclass
class AccountResult:
    target: Target
    regions: list[RegionResult] = field(default_factory=list)
    error: str | None = None  # the account could not be entered

    @property
    def ok(self) -> bool:
        return self.error is None and not any(r.errors for r in self.regions)


def targets(org: model.Organization) -> list[Target]:
    """Every account with in-account work, sorted by account id."""
    found = [Target(a.name, a.account_id, org.in_account[a.name]) for a in org.accounts
             if a.account_id and a.lifecycle_state == "active" and a.name in org.in_account
             and a.account_id != org.management_account_id]
    return sorted(found, key=lambda t: t.account_id)


def shard_of(all_targets: list[Target], index: int, count: int) -> list[Target]:
    """Shard `index` of `count`: the accounts at positions index, index + count, ..."""
    return all_targets[index::count]


def shard_count(accounts: int, per_shard: int) -> int:
    """How many shards the workflow's matrix gets: enough for `per_shard` accounts each, at most
    MAX_SHARDS (then each takes more), none when there is nothing to do."""
    return min(MAX_SHARDS, -(-accounts // per_shard))


def run_shard(chosen: Iterable[Target], settings: model.InAccountSettings,
              members: MemberAccounts) -> list[AccountResult]:
    return [run_account(target, settings, members) for target in chosen]


def run_account(target: Target, settings: model.InAccountSettings, members: MemberAccounts) -> AccountResult:
    result = AccountResult(target)
    try:
        account = members.enter(target.account_id, settings.role_name)
        regions = _regions(account, settings)
    except AwsError as exc:
        result.error = str(exc)
        return result
    for region in regions:
        result.regions.append(_run_region(region, account.in_region(region), target.work))
    return result


def _regions(account: InAccount, settings: model.InAccountSettings) -> list[str]:
    """The Regions enabled in the account, or those of `in_account.regions` that are."""
    calls = account.in_region(ACCOUNT_API_REGION)
    enabled = {r["RegionName"] for r in calls.pages(
        "ListRegions", "Regions", service="account", RegionOptStatusContains=ENABLED, MaxResults=50)}
    wanted = set(settings.regions) if settings.regions else enabled
    return sorted(enabled & wanted)


def _run_region(region: str, calls: AwsCalls, work: model.InAccountWork) -> RegionResult:
    result = RegionResult(region)
    try:
        if work.ebs_encryption_by_default:
            _ebs_encryption(calls, result)
        if work.delete_default_vpcs:
            for vpc in calls.pages("DescribeVpcs", "Vpcs", service="ec2",
                                   Filters=[{"Name": "isDefault", "Values": ["true"]}]):
                _delete_default_vpc(calls, str(vpc["VpcId"]), result)
    except AwsError as exc:
        result.errors.append(str(exc))
    return result


def _ebs_encryption(calls: AwsCalls, result: RegionResult) -> None:
    if not calls.call("GetEbsEncryptionByDefault", service="ec2").get("EbsEncryptionByDefault"):
        calls.call("EnableEbsEncryptionByDefault", service="ec2")
        result.done.append("EBS encryption by default turned on")


def _delete_default_vpc(calls: AwsCalls, vpc_id: str, result: RegionResult) -> None:
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    interfaces = [str(n["NetworkInterfaceId"]) for n in calls.pages(
        "DescribeNetworkInterfaces", "NetworkInterfaces", service="ec2", Filters=in_vpc)]
    if interfaces:
        more = f" and {len(interfaces) - 5} more" if len(interfaces) > 5 else ""
        shown = ", ".join(interfaces[:5]) + more
        result.kept.append(f"default VPC {vpc_id} kept: {len(interfaces)} network interface"
                           f"{'s' * (len(interfaces) != 1)} in use ({shown}); delete what uses it, or "
                           "opt the account out of the baseline")
        return
    gateways = [str(g["InternetGatewayId"]) for g in calls.pages(
        "DescribeInternetGateways", "InternetGateways", service="ec2",
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])]
    for gateway in gateways:
        calls.call("DetachInternetGateway", service="ec2", InternetGatewayId=gateway, VpcId=vpc_id)
        calls.call("DeleteInternetGateway", service="ec2", InternetGatewayId=gateway)
    subnets = [str(s["SubnetId"]) for s in calls.pages("DescribeSubnets", "Subnets", service="ec2",
                                                       Filters=in_vpc)]
    for subnet in subnets:
        calls.call("DeleteSubnet", service="ec2", SubnetId=subnet)
    calls.call("DeleteVpc", service="ec2", VpcId=vpc_id)
    result.done.append(f"default VPC {vpc_id} deleted ({len(subnets)} subnets, "
                       f"{len(gateways)} internet gateway{'s' * (len(gateways) != 1)})")
