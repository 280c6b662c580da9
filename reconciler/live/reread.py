"""Re-reading single accounts and policies for the incremental path: three calls an account
(DescribeAccount, ListParents, ListTagsForResource), two or more a policy (DescribePolicy,
ListTargetsForPolicy pages), on top of a baseline that already has every id."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from reconciler.live.calls import AwsCalls
from reconciler.live.scope import account_state, ou_path_for, parent_id, target_address
from reconciler.live.tags import list_tags
from reconciler.model import Account, Organization, Policy, metadata_from_tags


def read_accounts(client: AwsCalls, baseline: Organization, ids: Iterable[str]) -> tuple[Account, ...]:
    """The baseline's accounts, those in `ids` as AWS has them now."""
    wanted = set(ids)
    ou_paths = {str(o.ou_id): o.path for o in baseline.ous if o.ou_id}
    fresh = {i: _account(client, i, str(baseline.root_id), ou_paths) for i in sorted(wanted)}
    kept = [a for a in baseline.accounts if a.account_id not in wanted]
    return (*kept, *fresh.values())


def _account(client: AwsCalls, account_id: str, root_id: str, ou_paths: dict[str, str]) -> Account:
    item = client.call("DescribeAccount", AccountId=account_id)["Account"]
    parent = parent_id(client, account_id)
    tags = list_tags(client, account_id)
    meta: dict[str, Any] = metadata_from_tags(tags)
    return Account(name=str(item["Name"]), email=str(item["Email"]), account_id=account_id,
                   ou=ou_path_for(parent, root_id, ou_paths), tags=tags,
                   status=account_state(item), **meta)


def read_policies(client: AwsCalls, live: Organization, ids: Iterable[str]) -> tuple[Policy, ...]:
    wanted = set(ids)
    ou_paths = {str(o.ou_id): o.path for o in live.ous if o.ou_id}
    names = {str(a.account_id): a.name for a in live.accounts if a.account_id}
    fresh = [_policy(client, i, str(live.root_id), ou_paths, names) for i in sorted(wanted)]
    return (*(p for p in live.policies if p.policy_id not in wanted), *fresh)


def _policy(client: AwsCalls, policy_id: str, root_id: str, ou_paths: dict[str, str],
            names: dict[str, str]) -> Policy:
    found = client.call("DescribePolicy", PolicyId=policy_id)["Policy"]
    summary = found["PolicySummary"]
    managed = bool(summary.get("AwsManaged"))
    targets = frozenset(
        target_address(t["Type"], t["TargetId"], t.get("Name", ""), root_id, ou_paths, names)
        for t in client.pages("ListTargetsForPolicy", "Targets", PolicyId=policy_id))
    return Policy(name=summary["Name"], type=summary["Type"], description=summary.get("Description", ""),
                  document=None if managed else json.loads(found["Content"]), targets=targets,
                  aws_managed=managed, policy_id=policy_id)
