"""What the live reader needs to know, without touching AWS: how much to read, how to report
progress, and how AWS's id paths turn into the model's OU paths.

Reading tags costs one call per resource, the largest share of a full read. `ReadScope` says whose
tags (and whose AWS-managed policy attachments) the caller needs, so `plan` reads only what the
planner compares, while `import` and drift handling read everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls
from reconciler.model import ACCOUNT_STATES, ROOT, Organization


@dataclass(frozen=True)
class ReadScope:
    # Accounts whose tags are read, by account id or lower-case email; None reads them all.
    account_tags: frozenset[str] | None = None
    # OUs whose tags are read, by path; None reads every OU's tags.
    ou_tags: frozenset[str] | None = None
    # Whether to list the targets of AWS-managed policies (FullAWSAccess is attached to every
    # account and OU: at 10,000 accounts that is 500 calls the planner only needs when the
    # repository declares where FullAWSAccess must stay).
    aws_managed_targets: bool = True
    # The tags the repository gives, by account id, lower-case email or "ou:<path>": tags read in
    # bulk that differ are read again one by one, because the Tagging API's index may lag.
    expected_tags: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)

    def wants_account_tags(self, account_id: str, email: str) -> bool:
        keys = self.account_tags
        return keys is None or account_id in keys or email.lower() in keys

    def wants_ou_tags(self, path: str) -> bool:
        return self.ou_tags is None or path in self.ou_tags


EVERYTHING = ReadScope()


def expected_tags(desired: Organization) -> dict[str, Mapping[str, str]]:
    """The repository's tags of every account (by id and by email) and OU ("ou:<path>")."""
    expected: dict[str, Mapping[str, str]] = {f"ou:{ou.path}": ou.tags for ou in desired.ous}
    for account in desired.accounts:
        expected[account.email.lower()] = account.tags
        if account.account_id:
            expected[account.account_id] = account.tags
    return expected


def expecting(desired: Organization) -> ReadScope:
    """Read everything, re-reading tags that differ from `desired`'s (drift's full scan)."""
    return ReadScope(expected_tags=expected_tags(desired))


def scope_for(desired: Organization) -> ReadScope:
    """The least a plan against `desired` needs: tags of the accounts and OUs it manages."""
    keys: set[str] = set()
    for account in desired.accounts:
        keys.add(account.email.lower())  # AWS compares root emails case-insensitively
        if account.account_id:
            keys.add(account.account_id)
    return ReadScope(
        account_tags=frozenset(keys),
        ou_tags=frozenset(ou.path for ou in desired.ous),
        aws_managed_targets=any(p.aws_managed for p in desired.policies),
        expected_tags=expected_tags(desired),
    )


class Progress(Protocol):
    """Progress of long work; the CLI draws it on stderr, tests pass NullProgress."""

    def start(self, label: str, total: int | None = None) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def finish(self) -> None: ...


class NullProgress:
    def start(self, label: str, total: int | None = None) -> None:
        return None

    def advance(self, count: int = 1) -> None:
        return None

    def finish(self) -> None:
        return None


def parent_id_from_paths(paths: list[str], own_id: str) -> str | None:
    """The parent's id in AWS's `Paths` ("o-x/r-x/ou-a/ou-b/111111111111/"), or None."""
    for path in paths:
        parts = [p for p in path.split("/") if p and p != own_id]
        for part in reversed(parts):
            if part.startswith(("ou-", "r-")):
                return part
    return None


def ou_path_for(parent_id: str | None, root_id: str, ou_paths: Mapping[str, str]) -> str:
    """The model's OU path ("Workloads/Production" or "root") for a parent id."""
    if parent_id is None or parent_id == root_id:
        return ROOT
    return ou_paths.get(parent_id, ROOT)


def target_address(kind: str, target_id: str, name: str, root_id: str, ou_paths: Mapping[str, str],
                   account_names: Mapping[str, str]) -> str:
    """A policy target as the model writes it: root, ou:<path> or account:<name>."""
    if kind == "ROOT" or target_id == root_id:
        return ROOT
    if kind == "ORGANIZATIONAL_UNIT":
        return f"ou:{ou_paths.get(target_id, name)}"
    return f"account:{account_names.get(target_id, name)}"


def first_item(client: AwsCalls, operation: str, key: str, **params: Any) -> dict[str, Any] | None:
    """The first item of a list operation, reading on past empty pages: AWS may answer a page with
    no items and a NextToken even when more items exist."""
    return next(iter(client.pages(operation, key, **params)), None)


def parent_id(client: AwsCalls, child_id: str) -> str | None:
    """The parent's id of an account or OU, by ListParents."""
    parent = first_item(client, "ListParents", "Parents", ChildId=child_id)
    return str(parent["Id"]) if parent else None


def account_state(item: Mapping[str, Any]) -> str:
    """AWS's `State` of an Account (DescribeAccount, ListAccounts): never a default, because a
    closed account taken for ACTIVE is planned for closing again."""
    state = item.get("State")
    if state not in ACCOUNT_STATES:
        raise AwsError(f"AWS returned account {item.get('Id')} with State {state!r}, not one of "
                       f"{', '.join(ACCOUNT_STATES)}; upgrade the reconciler (and boto3) to one that "
                       "knows it")
    return str(state)
