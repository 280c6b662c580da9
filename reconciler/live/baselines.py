"""Reading account baselines from AWS: alternate contacts, opt-in Regions, Identity Center access
and budgets, for the repository's managed accounts only, with as few calls as the APIs allow.

All of it is read from the management account, none by assuming a role into an account:

- Identity Center names, once per run and only when some account's baseline has access:
  ListInstances 1, ListPermissionSets one page per 100 and DescribePermissionSet per set until every
  named set is found, GetGroupId / GetUserId one per name.
- access: ListAccountAssignmentsForPrincipal per named group or user, one page per 100 of its
  assignments across the whole organization (not one call per account and permission set).
- contacts: GetAlternateContact per account and contact type its baseline sets (AWS has no list).
- Regions: ListRegions per account whose baseline has Regions, filtered to ENABLED and ENABLING.
- budgets: DescribeBudgets of the management account, one page per 100 budgets, then per managed
  account's budget DescribeNotificationsForBudget 1 and DescribeSubscribersForNotification per alert.

Nothing is read when the repository declares no baselines.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls
from reconciler.model import (
    BUDGET_PREFIX,
    CLOSED_STATES,
    Access,
    AccountBudget,
    Baseline,
    BudgetAlert,
    Contact,
    IdentityCenter,
    Organization,
)

PAGE = 100
ACTIVE_REGION = ["ENABLED", "ENABLING"]
NOT_FOUND = "ResourceNotFoundException"


def managed_ids(desired: Organization, live: Organization) -> dict[str, str]:
    """Desired account name -> live account id, for the repository's open accounts in AWS (never
    the management account)."""
    by_id = {a.account_id: a for a in live.accounts if a.account_id}
    by_email = {a.email.lower(): a for a in live.accounts}
    found: dict[str, str] = {}
    for account in desired.accounts:
        have = by_id.get(account.account_id) if account.account_id else by_email.get(account.email.lower())
        if have is None or have.status in CLOSED_STATES or have.account_id == live.management_account_id:
            continue
        found[account.name] = str(have.account_id)
    return found


def read_baselines(client: AwsCalls, desired: Organization, live: Organization,
                   only: frozenset[str] | None = None) -> Organization:
    """`live` with its baselines (by account id) and the Identity Center names resolved.

    `only` (an incremental reconcile run): the account ids whose contacts, Regions and budget are
    read; every other managed account's are taken to be as the repository says, as the last full
    scan established, which is what keeps a quiet run at 6,000 accounts from making tens of
    thousands of calls. Identity Center access is read in full every time: it costs one call per
    named group or user per 100 assignments, whatever the number of accounts."""
    if not desired.baselines:
        return live
    ids = managed_ids(desired, live)
    wanted = {ids[name]: b for name, b in desired.baselines.items() if name in ids}
    access = [a for b in desired.baselines.values() for a in b.access]
    center = resolve_identity_center(client, access) if access else None
    found: dict[str, dict[str, Any]] = {aid: {} for aid in ids.values()}
    read = set(ids.values()) if only is None else set(ids.values()) & only
    for account_id, baseline in wanted.items():
        if account_id not in read:
            found[account_id].update(contacts=baseline.contacts, regions=baseline.regions,
                                     budget=baseline.budget)
            continue
        if baseline.contacts:
            found[account_id]["contacts"] = read_contacts(client, account_id, baseline.contacts)
        if baseline.regions:
            found[account_id]["regions"] = read_regions(client, account_id)
    if center is not None:
        for account_id, items in read_assignments(client, center, set(ids.values())).items():
            found[account_id]["access"] = frozenset(items)
    if read:
        for account_id, budget in read_budgets(client, live.management_account_id, read).items():
            found[account_id]["budget"] = budget
    baselines = {aid: Baseline(**items) for aid, items in found.items()}
    return dataclasses.replace(live, baselines=baselines, identity_center=center)


def resolve_identity_center(client: AwsCalls, access: Iterable[Access]) -> IdentityCenter:
    """The instance and the ids of the named groups, users and permission sets; names Identity
    Center does not know are left out (the planner names them as errors)."""
    instance = next(iter(client.pages("ListInstances", "Instances", service="sso-admin", MaxResults=PAGE)),
                    None)
    if instance is None:
        raise AwsError("IAM Identity Center has no instance in this Region: enable Identity Center, or set "
                       "AWS_REGION to the Region it runs in (docs/apply.md, Account baselines)")
    arn, store = str(instance["InstanceArn"]), str(instance["IdentityStoreId"])
    entries = list(access)
    principals: dict[str, str] = {}
    for entry in sorted({(a.principal_type, a.principal) for a in entries}):
        principal_id = _principal_id(client, store, *entry)
        if principal_id:
            principals[f"{entry[0].lower()}:{entry[1]}"] = principal_id
    sets = read_permission_sets(client, arn, {a.permission_set for a in entries})
    return IdentityCenter(arn, store, principals, sets)


def _principal_id(client: AwsCalls, store: str, kind: str, name: str) -> str | None:
    operation, path = ("GetGroupId", "displayName") if kind == "GROUP" else ("GetUserId", "userName")
    try:
        response = client.call(operation, service="identitystore", IdentityStoreId=store,
                               AlternateIdentifier={"UniqueAttribute": {"AttributePath": path,
                                                                        "AttributeValue": name}})
    except AwsError as exc:
        if exc.code == NOT_FOUND:
            return None
        raise
    return str(response["GroupId" if kind == "GROUP" else "UserId"])


def read_permission_sets(client: AwsCalls, instance: str, names: set[str] | None) -> dict[str, str]:
    """Name -> ARN of the named permission sets (every one, for `names` None)."""
    found: dict[str, str] = {}
    for arn in client.pages("ListPermissionSets", "PermissionSets", service="sso-admin",
                            InstanceArn=instance, MaxResults=PAGE):
        described = client.call("DescribePermissionSet", service="sso-admin", InstanceArn=instance,
                                PermissionSetArn=arn)["PermissionSet"]
        if names is None or described["Name"] in names:
            found[str(described["Name"])] = str(arn)
        if names is not None and len(found) == len(names):
            break
    return found


def read_contacts(client: AwsCalls, account_id: str, wanted: Iterable[str]) -> dict[str, Contact]:
    """The account's contacts of the wanted types (those it has)."""
    found: dict[str, Contact] = {}
    for kind in sorted(wanted):
        try:
            item = client.call("GetAlternateContact", service="account", AccountId=account_id,
                               AlternateContactType=kind)["AlternateContact"]
        except AwsError as exc:
            if exc.code == NOT_FOUND:
                continue
            raise
        found[kind] = Contact(str(item.get("Name", "")), str(item.get("Title", "")),
                              str(item.get("EmailAddress", "")), str(item.get("PhoneNumber", "")))
    return found


def read_regions(client: AwsCalls, account_id: str) -> frozenset[str]:
    return frozenset(str(r["RegionName"]) for r in client.pages(
        "ListRegions", "Regions", service="account", AccountId=account_id,
        RegionOptStatusContains=ACTIVE_REGION, MaxResults=50))


def read_assignments(client: AwsCalls, center: IdentityCenter, accounts: set[str]) -> dict[str, list[Access]]:
    sets = {arn: name for name, arn in center.permission_sets.items()}
    found: dict[str, list[Access]] = {}
    for key, principal_id in sorted(center.principals.items()):
        kind, _, name = key.partition(":")
        for item in client.pages("ListAccountAssignmentsForPrincipal", "AccountAssignments",
                                 service="sso-admin", InstanceArn=center.instance_arn,
                                 PrincipalId=principal_id, PrincipalType=kind.upper(), MaxResults=PAGE):
            account_id, arn = str(item.get("AccountId")), str(item.get("PermissionSetArn"))
            if account_id in accounts and arn in sets:
                found.setdefault(account_id, []).append(Access(kind.upper(), name, sets[arn]))
    return found


def read_budgets(client: AwsCalls, management: str, accounts: set[str]) -> dict[str, AccountBudget]:
    found: dict[str, AccountBudget] = {}
    for budget in client.pages("DescribeBudgets", "Budgets", service="budgets", AccountId=management,
                               MaxResults=PAGE):
        name = str(budget["BudgetName"])
        account_id = name.removeprefix(BUDGET_PREFIX)
        if not name.startswith(BUDGET_PREFIX) or account_id not in accounts:
            continue
        alerts, subscribers = _notifications(client, management, name)
        limit = float(budget.get("BudgetLimit", {}).get("Amount", 0))
        found[account_id] = AccountBudget(limit, alerts, subscribers)
    return found


def _notifications(client: AwsCalls, management: str, name: str
                   ) -> tuple[frozenset[BudgetAlert], frozenset[str]]:
    """The budget's alerts, and the subscribers every one of them has (the repository gives all of
    its alerts the same subscribers: one missing from any alert is a difference to put back)."""
    alerts: set[BudgetAlert] = set()
    subscribers: set[str] | None = None
    for notification in client.pages("DescribeNotificationsForBudget", "Notifications", service="budgets",
                                     AccountId=management, BudgetName=name, MaxResults=PAGE):
        alerts.add(BudgetAlert(str(notification["NotificationType"]), float(notification["Threshold"])))
        these = {str(s["Address"]) for s in client.pages(
            "DescribeSubscribersForNotification", "Subscribers", service="budgets", AccountId=management,
            BudgetName=name, Notification=notification, MaxResults=PAGE)}
        subscribers = these if subscribers is None else subscribers & these
    return frozenset(alerts), frozenset(subscribers or ())
