"""The live reader: one snapshot of the organization as the shared model.

Call budget for a full read (O OUs, A accounts, P policies, T attachment targets):
ListRoots 1, ListOrganizationalUnitsForParent O+1, ListAccounts ceil(A/20), per policy one
DescribePolicy and one ListTargetsForPolicy page (more pages for T), ListTagsForResource per tagged
resource in scope. Every list is read to its last page: AWS may answer fewer items than asked for,
even none, with a NextToken. Accounts' OUs come from the `Paths` field of ListAccounts; ListParents
is the fallback for endpoints that do not return it, and is counted like every other call. An
account's state is AWS's `State` (`Status` was retired on 2026-09-09).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls
from reconciler.live.scope import (
    EVERYTHING,
    NullProgress,
    Progress,
    ReadScope,
    account_state,
    first_item,
    ou_path_for,
    parent_id,
    parent_id_from_paths,
    target_address,
)
from reconciler.model import (
    POLICY_TYPES,
    Account,
    Organization,
    OrganizationalUnit,
    Policy,
    metadata_from_tags,
)


def read_organization(
    client: AwsCalls, scope: ReadScope = EVERYTHING, progress: Progress | None = None
) -> Organization:
    progress = progress or NullProgress()
    root = first_item(client, "ListRoots", "Roots")
    if root is None:
        raise AwsError("AWS listed no root for this organization; check that the credentials belong "
                       "to its management account")
    root_id = str(root["Id"])
    # Only the types the product models: a backup policy type enabled by hand is none of its business.
    types = frozenset(
        t["Type"] for t in root.get("PolicyTypes", [])
        if t.get("Status") == "ENABLED" and t["Type"] in POLICY_TYPES
    )
    progress.start("reading organizational units")
    ous = _read_ous(client, root_id, scope, progress)
    ou_paths = {str(ou.ou_id): ou.path for ou in ous}
    progress.start("reading accounts")
    accounts = _read_accounts(client, root_id, ou_paths, scope, progress)
    names = {str(a.account_id): a.name for a in accounts}
    progress.start("reading policies")
    policies = _read_policies(client, sorted(types), scope, (root_id, ou_paths, names), progress)
    progress.finish()
    return Organization(
        management_account_id=_management_account_id(str(root.get("Arn", ""))),
        policy_types=types,
        ous=tuple(ous),
        accounts=tuple(accounts),
        policies=tuple(policies),
        root_id=root_id,
    )


def _management_account_id(arn: str) -> str:
    # arn:aws:organizations::<management account id>:root/o-.../r-...
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def _read_ous(
    client: AwsCalls, root_id: str, scope: ReadScope, progress: Progress
) -> list[OrganizationalUnit]:
    found: list[OrganizationalUnit] = []
    queue: list[tuple[str, str]] = [(root_id, "")]
    while queue:
        parent_id, prefix = queue.pop(0)
        for item in client.pages("ListOrganizationalUnitsForParent", "OrganizationalUnits",
                                 ParentId=parent_id):
            path = f"{prefix}{item['Name']}"
            tags = _tags(client, item["Id"]) if scope.wants_ou_tags(path) else {}
            found.append(OrganizationalUnit(path=path, tags=tags, ou_id=item["Id"]))
            queue.append((item["Id"], f"{path}/"))
            progress.advance()
    return found


def _read_accounts(
    client: AwsCalls, root_id: str, ou_paths: Mapping[str, str], scope: ReadScope, progress: Progress
) -> list[Account]:
    accounts: list[Account] = []
    for item in client.pages("ListAccounts", "Accounts"):
        account_id, email = str(item["Id"]), str(item["Email"])
        parent = parent_id_from_paths(item.get("Paths") or [], account_id)
        if parent is None:
            parent = parent_id(client, account_id)
        wanted = scope.wants_account_tags(account_id, email)
        tags = _tags(client, account_id) if wanted else {}
        meta: dict[str, Any] = metadata_from_tags(tags)
        accounts.append(Account(
            name=str(item["Name"]), email=email, ou=ou_path_for(parent, root_id, ou_paths),
            account_id=account_id, tags=tags, status=account_state(item), **meta,
        ))
        progress.advance()
    return accounts


def _read_policies(
    client: AwsCalls,
    types: list[str],
    scope: ReadScope,
    where: tuple[str, Mapping[str, str], Mapping[str, str]],
    progress: Progress,
) -> list[Policy]:
    root_id, ou_paths, names = where
    policies: list[Policy] = []
    for summary in _policy_summaries(client, types):
        managed = bool(summary.get("AwsManaged"))
        document = None if managed else _document(client, summary["Id"])
        targets: frozenset[str] = frozenset()
        if scope.aws_managed_targets or not managed:
            targets = frozenset(
                target_address(t["Type"], t["TargetId"], t.get("Name", ""), root_id, ou_paths, names)
                for t in client.pages("ListTargetsForPolicy", "Targets", PolicyId=summary["Id"])
            )
        policies.append(Policy(
            name=summary["Name"], type=summary["Type"], description=summary.get("Description", ""),
            document=document, targets=targets, aws_managed=managed, policy_id=summary["Id"],
        ))
        progress.advance()
    return policies


def _policy_summaries(client: AwsCalls, types: list[str]) -> Iterator[dict[str, Any]]:
    for policy_type in types:
        yield from client.pages("ListPolicies", "Policies", Filter=policy_type)


def _document(client: AwsCalls, policy_id: str) -> dict[str, Any]:
    content = client.call("DescribePolicy", PolicyId=policy_id)["Policy"]["Content"]
    parsed: dict[str, Any] = json.loads(content)
    return parsed


def _tags(client: AwsCalls, resource_id: str) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in client.pages("ListTagsForResource", "Tags", ResourceId=resource_id)}
