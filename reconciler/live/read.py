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

Independent reads run at once (docs/live-reader.md, "In parallel"): the OU walk (every parent of a
level together), the ListAccounts pages and the policies (each one's DescribePolicy and
ListTargetsForPolicy) overlap, then the tag pages overlap the policies. The AWS adapter paces each
operation with its own token bucket, so a full read takes about as long as its slowest operation
at its rate rather than the sum of all of them. Results keep the order a one-at-a-time read gives.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final, TypeVar

from reconciler import collector
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

READ_WORKERS: Final = 8  # threads for one read: enough to keep every paced operation busy
T = TypeVar("T")


def read_organization(
    client: AwsCalls, scope: ReadScope = EVERYTHING, progress: Progress | None = None,
    workers: int = READ_WORKERS,
) -> Organization:
    with collector.paused():  # a full read keeps every response item alive
        return _read(client, scope, progress, workers)


def _read(client: AwsCalls, scope: ReadScope, progress: Progress | None, workers: int) -> Organization:
    tally = _Tally(progress or NullProgress())
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
    tally.start()
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="read") as pool:
        run = _Runner(pool)
        accounts_read = run.one(lambda: _list_accounts(client, tally))
        summaries = run.one(lambda: _policy_reads_for(client, sorted(types), scope, tally, run))
        ou_items = _list_ous(client, root_id, tally, run)
        account_items = accounts_read.result()
        tags = _read_tags(client, scope, ou_items, account_items)
        ou_paths = {item["Id"]: path for path, item in ou_items}
        where = (root_id, ou_paths, {str(item["Id"]): str(item["Name"]) for item in account_items})
        policies = [_policy(summary, *reads.result(), where) for summary, reads in summaries.result()]
    ous = [OrganizationalUnit(path=path, tags=tags.get(item["Id"], {}), ou_id=item["Id"])
           for path, item in ou_items]
    accounts = [_account(client, item, root_id, ou_paths, tags.get(str(item["Id"]), {}))
                for item in account_items]
    tally.finish()
    return Organization(
        management_account_id=_management_account_id(str(root.get("Arn", ""))),
        policy_types=types,
        ous=tuple(ous),
        accounts=tuple(accounts),
        policies=tuple(policies),
        root_id=root_id,
    )


class _Runner:
    """Submits reads to the pool; errors come back where the result is asked for."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        self._pool = pool

    def one(self, work: Callable[[], T]) -> Future[T]:
        return self._pool.submit(work)

    def each(self, items: list[Any], work: Callable[[Any], T]) -> list[Future[T]]:
        return [self._pool.submit(work, item) for item in items]


class _Tally:
    """One progress line for reads that overlap: how many OUs, accounts and policies so far."""

    LABEL: Final = "reading organizational units, accounts, policies and tags"

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._lock = threading.Lock()

    def start(self) -> None:
        self._progress.start(self.LABEL)

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self._progress.advance(count)

    def finish(self) -> None:
        self._progress.finish()


def _management_account_id(arn: str) -> str:
    # arn:aws:organizations::<management account id>:root/o-.../r-...
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def _list_ous(client: AwsCalls, root_id: str, tally: _Tally,
              run: _Runner) -> list[tuple[str, dict[str, Any]]]:
    """Every OU as (path, ListOrganizationalUnitsForParent item), parents before children: one
    level of the tree at a time, every parent of the level read at once."""
    found: list[tuple[str, dict[str, Any]]] = []
    level: list[tuple[str, str]] = [(root_id, "")]
    while level:
        children = run.each(level, lambda parent: _children(client, parent[0], parent[1], tally))
        level = []
        for future in children:
            for path, item in future.result():
                found.append((path, item))
                level.append((item["Id"], f"{path}/"))
    return found


def _children(client: AwsCalls, parent_id: str, prefix: str,
              tally: _Tally) -> list[tuple[str, dict[str, Any]]]:
    items = [(f"{prefix}{item['Name']}", item) for item in
             client.pages("ListOrganizationalUnitsForParent", "OrganizationalUnits", ParentId=parent_id)]
    tally.advance(len(items))
    return items


def _list_accounts(client: AwsCalls, tally: _Tally) -> list[dict[str, Any]]:
    accounts: list[dict[str, Any]] = []
    for item in client.pages("ListAccounts", "Accounts"):
        accounts.append(item)
        tally.advance()
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


def _policy_reads(client: AwsCalls, summary: dict[str, Any], scope: ReadScope,
                  tally: _Tally) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """One policy's document and direct targets as AWS gives them: read while the OU walk is still
    going, turned into the model's addresses once every OU's path is known."""
    managed = bool(summary.get("AwsManaged"))
    document = None if managed else _document(client, summary["Id"])
    targets: list[dict[str, Any]] = []
    if scope.aws_managed_targets or not managed:
        targets = list(client.pages("ListTargetsForPolicy", "Targets", PolicyId=summary["Id"]))
    tally.advance()
    return document, targets


def _policy(summary: dict[str, Any], document: dict[str, Any] | None, targets: list[dict[str, Any]],
            where: tuple[str, Mapping[str, str], Mapping[str, str]]) -> Policy:
    root_id, ou_paths, names = where
    return Policy(
        name=summary["Name"], type=summary["Type"], description=summary.get("Description", ""),
        document=document, aws_managed=bool(summary.get("AwsManaged")), policy_id=summary["Id"],
        targets=frozenset(target_address(t["Type"], t["TargetId"], t.get("Name", ""), root_id, ou_paths,
                                         names) for t in targets),
    )


def _policy_reads_for(
    client: AwsCalls, types: list[str], scope: ReadScope, tally: _Tally, run: _Runner,
) -> list[tuple[dict[str, Any], Future[tuple[dict[str, Any] | None, list[dict[str, Any]]]]]]:
    """Each policy's summary with its reads, started as soon as ListPolicies names it."""
    summaries = list(_policy_summaries(client, types))
    return list(zip(summaries, run.each(summaries, lambda s: _policy_reads(client, s, scope, tally)),
                    strict=True))


def _policy_summaries(client: AwsCalls, types: list[str]) -> Iterator[dict[str, Any]]:
    for policy_type in types:
        yield from client.pages("ListPolicies", "Policies", Filter=policy_type)


def _document(client: AwsCalls, policy_id: str) -> dict[str, Any]:
    content = client.call("DescribePolicy", PolicyId=policy_id)["Policy"]["Content"]
    parsed: dict[str, Any] = json.loads(content)
    return parsed
