"""The AWS side of `doctor`: each check one or two read calls through the AWS port.

- the organization has all features (the reconciler manages SCPs and other policy types, which
  an organization with consolidated billing only cannot use);
- the credentials are the management account's, the one the repository names;
- trusted access for the Account Management API (`account.amazonaws.com`) is on, without which
  PutAccountName with an AccountId is refused and renames cannot be applied;
- the role can read CloudTrail's event history in the Organizations Region, which the
  incremental reconcile and drift attribution need;
- the role may read tags in bulk (tag:GetResources); without it reads are slower (a warning);
- the policy types the repository uses are enabled (a warning: the first apply enables them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from reconciler.doctor.findings import Finding
from reconciler.errors import AwsError
from reconciler.live.access import ACCOUNT_MANAGEMENT, account_management_trusted
from reconciler.live.calls import AwsCalls, Response
from reconciler.live.scope import first_item
from reconciler.model import Organization
from reconciler.plan.checks import ENABLE_TRUSTED_ACCESS


def aws_findings(client: AwsCalls, desired: Organization | None, caller_account: str | None) -> list[Finding]:
    checks: list[Callable[[], list[Finding]]] = [
        lambda: _organization(client, desired, caller_account),
        lambda: [_trusted_access(client)],
        lambda: [_cloudtrail(client)],
        lambda: [_bulk_tags(client)],
    ]
    if desired is not None and desired.policy_types:
        checks.append(lambda: [_policy_types(client, desired)])
    return [finding for check in checks for finding in _guarded(check)]


def _guarded(check: Callable[[], list[Finding]]) -> list[Finding]:
    """A check AWS refused is a finding too, never a crash: the refusal says what is missing."""
    try:
        return check()
    except _Refused as refused:
        return [refused.finding]


class _Refused(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.detail)
        self.finding = finding


@contextmanager
def _refused_as(check: str, permission: str) -> Iterator[None]:
    """AWS refusing the block's reads is the check's finding, naming the permission it needed."""
    try:
        yield
    except AwsError as exc:
        fix = (f"allow {permission} to the role the workflows assume (docs/security.md)"
               if "AccessDenied" in str(exc) else "see the error; run doctor again once it is resolved")
        raise _Refused(Finding("aws", check, "fix", str(exc), fix)) from exc


def _call(client: AwsCalls, check: str, operation: str, service: str = "organizations",
          **params: Any) -> Response:
    with _refused_as(check, f"{service}:{operation}"):
        return client.call(operation, service=service, **params)
    raise AssertionError("unreachable")  # pragma: no cover


def _organization(client: AwsCalls, desired: Organization | None, caller: str | None) -> list[Finding]:
    org = _call(client, "organization", "DescribeOrganization").get("Organization") or {}
    features = str(org.get("FeatureSet", ""))
    found = [Finding("aws", "all-features", "ok", "the organization has all features enabled")]
    if features != "ALL":
        found = [Finding("aws", "all-features", "fix", f"the organization's feature set is "
                         f"{features or 'unknown'}: policies need all features",
                         "enable all features (aws organizations enable-all-features); every member "
                         "account must accept the handshake")]
    live = str(org.get("MasterAccountId", ""))
    problems = []
    if caller and caller != live:
        problems.append(f"the credentials are account {caller}'s, not the management account {live}'s")
    if desired is not None and desired.management_account_id != live:
        problems.append(f"organization.yaml names {desired.management_account_id} as the management "
                        f"account; AWS says {live}")
    if problems:
        return [*found, Finding("aws", "management-account", "fix", "; ".join(problems),
                                "run with the management account's role, and keep management_account_id "
                                "in organization.yaml equal to the organization's")]
    return [*found, Finding("aws", "management-account", "ok", f"management account {live}")]


def _trusted_access(client: AwsCalls) -> Finding:
    with _refused_as("trusted-access", "organizations:ListAWSServiceAccessForOrganization"):
        trusted = account_management_trusted(client)
    if trusted:
        return Finding("aws", "trusted-access", "ok", f"trusted access for {ACCOUNT_MANAGEMENT} is on")
    return Finding("aws", "trusted-access", "fix",
                   f"trusted access for the Account Management API ({ACCOUNT_MANAGEMENT}) is off: AWS "
                   "refuses to rename member accounts (PutAccountName) until it is on", ENABLE_TRUSTED_ACCESS)


def _cloudtrail(client: AwsCalls) -> Finding:
    _call(client, "cloudtrail", "LookupEvents", service="cloudtrail", MaxResults=1,
          LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "organizations.amazonaws.com"}])
    return Finding("aws", "cloudtrail", "ok", "CloudTrail's event history can be read")


def _bulk_tags(client: AwsCalls) -> Finding:
    try:
        client.call("GetResources", service="resourcegroupstaggingapi", ResourcesPerPage=1,
                    ResourceTypeFilters=["organizations:account"])
    except AwsError as exc:
        if "AccessDenied" not in str(exc):
            raise _Refused(Finding("aws", "bulk-tags", "fix", str(exc),
                                   "see the error; run doctor again")) from exc
        return Finding("aws", "bulk-tags", "warn", "the role may not call tag:GetResources: every "
                       "read falls back to one ListTagsForResource per account and OU (about 100 "
                       "times the calls)",
                       "allow tag:GetResources to the roles the workflows assume (docs/pull-requests.md)")
    return Finding("aws", "bulk-tags", "ok", "tags can be read in bulk (tag:GetResources)")


def _policy_types(client: AwsCalls, desired: Organization) -> Finding:
    with _refused_as("policy-types", "organizations:ListRoots"):
        root = first_item(client, "ListRoots", "Roots") or {}
    kinds = root.get("PolicyTypes") or []
    enabled = {str(t.get("Type")) for t in kinds if t.get("Status") == "ENABLED"}
    missing = sorted(desired.policy_types - enabled)
    if not missing:
        return Finding("aws", "policy-types", "ok", f"enabled: {', '.join(sorted(desired.policy_types))}")
    return Finding("aws", "policy-types", "warn", f"the repository uses {', '.join(missing)}, not enabled "
                   "in AWS yet", "nothing to do by hand: the first apply enables them (the plan shows "
                   "policy_type changes)")
