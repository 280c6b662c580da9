"""Region opt-in through the Account Management API, which moto does not serve: EnableRegion,
DisableRegion, GetRegionOptStatus and ListRegions (REST-JSON, POST /enableRegion, ...).

Sources (Account Management Reference Guide and API Reference):
- "Enable or disable AWS Regions in your account": Regions launched before March 20, 2019 are
  enabled by default and "cannot be enabled or disabled"; the others are opt-in Regions, disabled
  until enabled. Enabling and disabling take time (minutes): ENABLING / DISABLING until done.
- API Reference, RegionOptStatus: ENABLED | ENABLING | DISABLING | DISABLED | ENABLED_BY_DEFAULT.
- API Reference, EnableRegion / DisableRegion, Errors: ValidationException for a Region that
  cannot be changed, ConflictException "if you try to enable a Region that is currently being
  disabled (in a status of DISABLING)" (and the reverse).
- API Reference, AccountId: a member account needs trusted access for the Account Management
  service, and the management account may not name itself (orgsim.account_api's check).
- Quotas for AWS Account Management: at most 6 concurrent region-opt requests per account and
  50 per organization (orgsim answers TooManyRequestsException past them; AWS documents no error
  for it); EnableRegion and DisableRegion 1 per second, GetRegionOptStatus and ListRegions 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orgsim import clock
from orgsim.errors import AwsError, too_many_requests

# The aws partition's Regions (botocore's endpoint data) and which of them predate 20 March 2019.
ALL_REGIONS = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
)
DEFAULT_REGIONS = frozenset({
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
})
PATHS = {"/enableRegion": "EnableRegion", "/disableRegion": "DisableRegion",
         "/getRegionOptStatus": "GetRegionOptStatus", "/listRegions": "ListRegions"}
PER_ACCOUNT = 6
PER_ORGANIZATION = 50
PAGE = 50  # ListRegions' MaxResults: 1 to 50


@dataclass
class Opt:
    status: str  # ENABLED | ENABLING | DISABLING | DISABLED
    due: float = 0.0  # when ENABLING / DISABLING finishes (orgsim.clock)


class Regions:
    """Each account's opt-in Regions. A transition finishes `seconds` after it starts."""

    def __init__(self) -> None:
        self._opts: dict[tuple[str, str], Opt] = {}

    def reset(self) -> None:
        self._opts.clear()

    def status(self, account_id: str, region: str) -> str:
        if region in DEFAULT_REGIONS:
            return "ENABLED_BY_DEFAULT"
        opt = self._settle(account_id, region)
        return opt.status if opt else "DISABLED"

    def _settle(self, account_id: str, region: str) -> Opt | None:
        opt = self._opts.get((account_id, region))
        if opt is not None and opt.status in ("ENABLING", "DISABLING") and clock.now() >= opt.due:
            opt.status = "ENABLED" if opt.status == "ENABLING" else "DISABLED"
        return opt

    def _pending(self, account_id: str | None = None) -> int:
        for (account, region) in list(self._opts):
            self._settle(account, region)
        return sum(o.status in ("ENABLING", "DISABLING") for (a, _), o in self._opts.items()
                   if account_id is None or a == account_id)

    def change(self, account_id: str, region: str, enable: bool, seconds: float) -> None:
        _known(region)
        if region in DEFAULT_REGIONS:
            raise AwsError("ValidationException", f"{region} is enabled by default and cannot be "
                           f"{'enabled' if enable else 'disabled'}.")
        current = self.status(account_id, region)
        wanted, moving, opposite = (("ENABLED", "ENABLING", "DISABLING") if enable
                                    else ("DISABLED", "DISABLING", "ENABLING"))
        if current in (wanted, moving):
            return  # already there or on its way: nothing new starts
        if current == opposite:
            raise AwsError("ConflictException", f"{region} is {current} for account {account_id}; "
                           "wait until that finishes.", status=409)
        if self._pending(account_id) >= PER_ACCOUNT or self._pending() >= PER_ORGANIZATION:
            raise too_many_requests("Too many concurrent Region opt-in or opt-out requests.", status=429)
        self._opts[(account_id, region)] = Opt(moving, clock.now() + seconds)

    def listing(self, account_id: str, params: dict[str, Any]) -> dict[str, Any]:
        wanted = params.get("RegionOptStatusContains") or []
        rows = [{"RegionName": r, "RegionOptStatus": self.status(account_id, r)} for r in ALL_REGIONS]
        rows = [row for row in rows if not wanted or row["RegionOptStatus"] in wanted]
        size = int(params.get("MaxResults") or 20)
        if not 1 <= size <= PAGE:
            raise AwsError("ValidationException", f"MaxResults must be 1 to {PAGE}.")
        start = int(params.get("NextToken") or 0)
        page: dict[str, Any] = {"Regions": rows[start:start + size]}
        if start + size < len(rows):
            page["NextToken"] = str(start + size)
        return page


def _known(region: object) -> str:
    if not isinstance(region, str) or region not in ALL_REGIONS:
        raise AwsError("ValidationException", f"{region} is not a valid Region name.")
    return region


def handle(regions: Regions, operation: str, account_id: str, params: dict[str, Any],
           seconds: float) -> dict[str, Any]:
    if operation == "ListRegions":
        return regions.listing(account_id, params)
    region = _known(params.get("RegionName"))
    if operation == "GetRegionOptStatus":
        return {"RegionName": region, "RegionOptStatus": regions.status(account_id, region)}
    regions.change(account_id, region, operation == "EnableRegion", seconds)
    return {}
