"""The live reader: one snapshot of the organization as the shared model.

Call budget for a full read (O OUs, A accounts, P policies, T attachment targets):
ListRoots 1, ListOrganizationalUnitsForParent O+1, ListAccounts ceil(A/20), ListPolicies one page
per 20 policies of each enabled type (at least one call per type), per policy one
DescribePolicy and one ListTargetsForPolicy page (more pages for T), and the tags of the accounts
and OUs in scope through GetResources, 100 a call (reconciler.live.tags: one ListTagsForResource
per resource instead when GetResources is denied, plus one per resource whose bulk-read tags
differ from the repository's). Every list is read to its last page: AWS may answer fewer items than asked for,
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
from reconciler.live.tags import Taggable, TagReader
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
    # Every type AWS has (reconciler/policy_types.py); one AWS adds later is left alone until it is
    # in the table, with its numbers.
    types = frozenset(
        t["Type"] for t in root.get("PolicyTypes", [])
        if t.get("Status") == "ENABLED" and t["Type"] in POLICY_TYPES
    )
    progress.start("reading organizational units")
    ou_items = _list_ous(client, root_id, progress)
    ou_paths = {item["Id"]: path for path, item in ou_items}
    progress.start("reading accounts")
    account_items = _list_accounts(client, progress)
    progress.start("reading tags")
    tags = _read_tags(client, scope, ou_items, account_items)
    ous = [OrganizationalUnit(path=path, tags=tags.get(item["Id"], {}), ou_id=item["Id"])
           for path, item in ou_items]
    accounts = [_account(client, item, root_id, ou_paths, tags.get(str(item["Id"]), {}))
                for item in account_items]
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


def _list_ous(client: AwsCalls, root_id: str, progress: Progress) -> list[tuple[str, dict[str, Any]]]:
    """Every OU as (path, ListOrganizationalUnitsForParent item), parents before children."""
    found: list[tuple[str, dict[str, Any]]] = []
    queue: list[tuple[str, str]] = [(root_id, "")]
    while queue:
        parent_id, prefix = queue.pop(0)
        for item in client.pages("ListOrganizationalUnitsForParent", "OrganizationalUnits",
                                 ParentId=parent_id):
            path = f"{prefix}{item['Name']}"
            found.append((path, item))
            queue.append((item["Id"], f"{path}/"))
            progress.advance()
    return found


def _list_accounts(client: AwsCalls, progress: Progress) -> list[dict[str, Any]]:
    accounts: list[dict[str, Any]] = []
    for item in client.pages("ListAccounts", "Accounts"):
        accounts.append(item)
        progress.advance()
    return accounts


def _read_tags(client: AwsCalls, scope: ReadScope, ous: list[tuple[str, dict[str, Any]]],
               accounts: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """The tags of the OUs and accounts in scope, by id (docs/live-reader.md, "Tags")."""
    wanted = [Taggable(item["Id"], str(item.get("Arn", "")), "ou") for path, item in ous
              if scope.wants_ou_tags(path)]
    wanted += [Taggable(str(item["Id"]), str(item.get("Arn", "")), "account") for item in accounts
               if scope.wants_account_tags(str(item["Id"]), str(item["Email"]))]
    reader = TagReader(client)
    found = reader.read(wanted, {"ou": len(ous), "account": len(accounts)})
    expected: dict[str, Mapping[str, str]] = {}
    for path, item in ous:
        if f"ou:{path}" in scope.expected_tags:
            expected[item["Id"]] = scope.expected_tags[f"ou:{path}"]
    for item in accounts:
        for key in (str(item["Id"]), str(item["Email"]).lower()):
            if key in scope.expected_tags:
                expected[str(item["Id"])] = scope.expected_tags[key]
                break
    return reader.recheck(found, expected)


def _account(client: AwsCalls, item: dict[str, Any], root_id: str, ou_paths: Mapping[str, str],
             tags: dict[str, str]) -> Account:
    account_id, email = str(item["Id"]), str(item["Email"])
    parent = parent_id_from_paths(item.get("Paths") or [], account_id)
    if parent is None:
        parent = parent_id(client, account_id)
    meta: dict[str, Any] = metadata_from_tags(tags)
    return Account(
        name=str(item["Name"]), email=email, ou=ou_path_for(parent, root_id, ou_paths),
        account_id=account_id, tags=tags, status=account_state(item), **meta,
    )


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
