"""Tags of accounts and OUs in bulk, from the Resource Groups Tagging API's GetResources.

One ListTagsForResource per resource was the largest share of a full read (10,500 of 11,709 calls
at 10,000 accounts). GetResources answers up to 100 resources a call (Tagging API Reference,
GetResources), so the reader asks it instead, whichever way costs fewer calls for the read's scope:

- `ResourceTypeFilters` (`organizations:account`, `organizations:ou`): every tagged resource of
  those types, 100 a page; at most ceil(resources of those types / 100) calls;
- `ResourceARNList`: the resources in scope, 100 ARNs a call; ceil(resources wanted / 100) calls.

GetResources omits untagged resources, so a resource it does not answer has no tags. Organizations
resources are indexed in the partition's Organizations Region only; the AWS adapter pins the
tagging client there. When GetResources is denied (the role lacks `tag:GetResources`), the reader
falls back to ListTagsForResource and says once, on stderr, why the read is slower.

The Tagging API is an index that may lag behind TagResource / UntagResource. `recheck` re-reads
with ListTagsForResource each resource whose bulk tags differ from what the repository says, so a
lagging index never shows up as a planned change or as drift: one call per difference.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls

TAGGING = "resourcegroupstaggingapi"
PER_CALL = 100  # GetResources: at most 100 resources a page, at most 100 ARNs in ResourceARNList
DENIED = frozenset({"AccessDeniedException", "AccessDenied"})
SLOWER = ("note: GetResources was denied ({code}), so tags are read with one ListTagsForResource "
          "call per account and OU, which is slower; add tag:GetResources to the role's policy "
          "(docs/pull-requests.md)")
Tags = dict[str, str]


@dataclass(frozen=True)
class Taggable:
    resource_id: str
    arn: str
    kind: str  # "account" or "ou": the resource type after "organizations:"


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


class TagReader:
    """Reads tags for one read of the organization: in bulk while GetResources is allowed."""

    def __init__(self, client: AwsCalls, warn: Callable[[str], None] = _stderr) -> None:
        self.client = client
        self.bulk = True
        self._warn = warn

    def read(self, wanted: list[Taggable], totals: Mapping[str, int]) -> dict[str, Tags]:
        """The tags of each wanted resource by id ({} when untagged). `totals` is how many
        resources of each kind the organization has (what the type filter would page through)."""
        if not wanted:
            return {}
        if self.bulk:
            try:
                return self._bulk(wanted, totals)
            except AwsError as exc:
                if exc.code not in DENIED:
                    raise
                self.bulk = False
                self._warn(SLOWER.format(code=exc.code))
        return {w.resource_id: list_tags(self.client, w.resource_id) for w in wanted}

    def recheck(self, found: dict[str, Tags], expected: Mapping[str, Mapping[str, str]]) -> dict[str, Tags]:
        """`found` with every resource whose tags differ from `expected` (by id) read again with
        ListTagsForResource: the index may lag. Nothing to do when the tags were not read in bulk."""
        if not self.bulk:
            return found
        fresh = dict(found)
        for resource_id, tags in expected.items():
            if resource_id in found and found[resource_id] != dict(tags):
                fresh[resource_id] = list_tags(self.client, resource_id)
        return fresh

    def _bulk(self, wanted: list[Taggable], totals: Mapping[str, int]) -> dict[str, Tags]:
        kinds = sorted({w.kind for w in wanted})
        by_type = math.ceil(sum(totals.get(k, 0) for k in kinds) / PER_CALL)
        by_arn = math.ceil(len(wanted) / PER_CALL)
        if by_arn < by_type:
            found = dict(self._by_arns([w.arn for w in wanted]))
        else:
            found = dict(self._pages(ResourceTypeFilters=[f"organizations:{k}" for k in kinds]))
        return {w.resource_id: found.get(w.arn, {}) for w in wanted}

    def _by_arns(self, arns: list[str]) -> Iterator[tuple[str, Tags]]:
        for start in range(0, len(arns), PER_CALL):
            answer = self.client.call("GetResources", TAGGING, ResourceARNList=arns[start:start + PER_CALL])
            yield from _mappings(answer)

    def _pages(self, **params: Any) -> Iterator[tuple[str, Tags]]:
        while True:
            answer = self.client.call("GetResources", TAGGING, **params)
            yield from _mappings(answer)
            token = answer.get("PaginationToken")
            if not token:
                return
            params["PaginationToken"] = token


def _mappings(answer: Mapping[str, Any]) -> Iterable[tuple[str, Tags]]:
    for item in answer.get("ResourceTagMappingList", []):
        yield str(item["ResourceARN"]), {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def list_tags(client: AwsCalls, resource_id: str) -> Tags:
    """One resource's tags by ListTagsForResource (every page)."""
    return {t["Key"]: t["Value"] for t in client.pages("ListTagsForResource", "Tags", ResourceId=resource_id)}
