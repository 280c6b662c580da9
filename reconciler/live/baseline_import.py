"""Reading every account's baseline for `reconciler import --baselines`: what each open member
account has in AWS, with nothing of the repository to go by, through the same readers `plan` uses.

The calls, from the management account (docs/import.md counts them):

- contacts: GetAlternateContact per account and contact type (3 per account; AWS has no list);
- Regions: ListRegions per account, one page per 50 of its enabled opt-in Regions;
- Identity Center, when the Region has an instance: ListInstances 1, ListPermissionSets one page per
  100 and DescribePermissionSet per permission set, ListGroups and ListUsers one page per 100, and
  ListAccountAssignmentsForPrincipal per group and user, one page per 100 of its assignments;
- budgets: the reconciler's own (`baseline-<account id>`), as plan reads them.
"""

from __future__ import annotations

from reconciler.live.baselines import (
    PAGE,
    read_assignments,
    read_budgets,
    read_contacts,
    read_permission_sets,
    read_regions,
)
from reconciler.live.calls import AwsCalls
from reconciler.model import CLOSED_STATES, CONTACT_TYPES, Baseline, IdentityCenter, Organization


def member_ids(live: Organization) -> list[str]:
    """The open member accounts: those whose contacts, Regions and access AWS lets be read."""
    return sorted(str(a.account_id) for a in live.accounts if a.account_id
                  and a.account_id != live.management_account_id and a.status not in CLOSED_STATES)


def read_every_baseline(client: AwsCalls, live: Organization) -> dict[str, Baseline]:
    """Account id -> what the account has of a baseline in AWS (accounts with nothing left out)."""
    accounts = member_ids(live)
    center = whole_identity_center(client)
    access = read_assignments(client, center, set(accounts)) if center else {}
    budgets = read_budgets(client, live.management_account_id, set(accounts))
    found: dict[str, Baseline] = {}
    for account_id in accounts:
        baseline = Baseline(contacts=read_contacts(client, account_id, CONTACT_TYPES),
                            regions=read_regions(client, account_id),
                            access=frozenset(access.get(account_id, [])), budget=budgets.get(account_id))
        if not baseline.empty:
            found[account_id] = baseline
    return found


def whole_identity_center(client: AwsCalls) -> IdentityCenter | None:
    """The instance with every group, user and permission set by name; None when this Region has
    no Identity Center instance (then there is no access to import)."""
    instance = next(iter(client.pages("ListInstances", "Instances", service="sso-admin", MaxResults=PAGE)),
                    None)
    if instance is None:
        return None
    arn, store = str(instance["InstanceArn"]), str(instance["IdentityStoreId"])
    principals = {f"group:{g['DisplayName']}": str(g["GroupId"]) for g in client.pages(
        "ListGroups", "Groups", service="identitystore", IdentityStoreId=store, MaxResults=PAGE)}
    principals |= {f"user:{u['UserName']}": str(u["UserId"]) for u in client.pages(
        "ListUsers", "Users", service="identitystore", IdentityStoreId=store, MaxResults=PAGE)}
    return IdentityCenter(arn, store, principals, read_permission_sets(client, arn, None))
