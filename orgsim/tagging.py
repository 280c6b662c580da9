"""The Resource Groups Tagging API's GetResources for Organizations resources, which moto lacks.

Sources (docs/orgsim.md, "Resource Groups Tagging API"): the Tagging API Reference, GetResources
("does not return untagged resources"; ResourceARNList "can't" go with ResourceTypeFilters,
TagFilters or the pagination parameters, else InvalidParameterException; a listed resource that
does not exist "simply isn't included"; ResourcesPerPage 1 to 100); botocore's model
(ResourceARNList 1 to 100 items; PaginationTokenExpiredException); the Organizations User Guide
("Organizations is a global service ... us-east-1"): Organizations resources are answered only
in us-east-1, any other Region's index holds none of them.

The index may lag (AWS: tag changes reach the Tagging API's index "eventually"): with the setting
`tag_index_lag_seconds`, tags changed by TagResource / UntagResource within that many seconds
are answered as they were before the change.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from orgsim import clock
from orgsim.errors import AwsError

HOME_REGION = "us-east-1"
PAGE = 100
MAX_ARNS = 100
TYPES = {"account": "organizations:account", "ou": "organizations:ou",
         "root": "organizations:root", "policy": "organizations:policy"}


def invalid_parameter(message: str) -> AwsError:
    return AwsError("InvalidParameterException", message)


class TagIndex:
    """What the Tagging API's index says each resource's tags are, at a lag."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # resource id -> (changed at, tags before the change, tags after it), newest last
        self._changes: dict[str, list[tuple[float, dict[str, str], dict[str, str]]]] = {}

    def reset(self) -> None:
        with self._lock:
            self._changes.clear()

    def changed(self, resource_id: str, before: dict[str, str], after: dict[str, str]) -> None:
        with self._lock:
            self._changes.setdefault(resource_id, []).append((clock.now(), dict(before), dict(after)))

    def indexed(self, resource_id: str, current: dict[str, str], lag: float) -> dict[str, str]:
        """The tags the index answers: the oldest change's `before` if every change is newer
        than `lag` seconds, else the newest change's `after` that is older than the lag."""
        with self._lock:
            changes = list(self._changes.get(resource_id, ()))
        if lag <= 0 or not changes:
            return current
        cutoff = clock.now() - lag
        settled = [after for stamp, _, after in changes if stamp <= cutoff]
        return settled[-1] if settled else changes[0][1]


def get_resources(backend: Any, index: TagIndex, lag: float, params: dict[str, Any],
                  region: str) -> dict[str, Any]:
    arns = params.get("ResourceARNList")
    filters = params.get("ResourceTypeFilters")
    token = params.get("PaginationToken") or ""
    if arns is not None:
        _check_arn_list(params, arns)
    if region != HOME_REGION:
        return {"PaginationToken": "", "ResourceTagMappingList": []}
    per_page = _per_page(params.get("ResourcesPerPage"))
    mappings = [
        {"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}
        for arn, kind, tags in _resources(backend, index, lag)
        if tags and _wanted(arn, kind, arns, filters)
    ]
    start = _offset(token, len(mappings))
    page = mappings[start:start + per_page]
    following = start + per_page
    next_token = _token(following) if following < len(mappings) else ""
    return {"PaginationToken": next_token, "ResourceTagMappingList": page}


def _check_arn_list(params: dict[str, Any], arns: Any) -> None:
    together = [name for name in ("ResourceTypeFilters", "TagFilters", "ResourcesPerPage", "TagsPerPage",
                                  "PaginationToken") if params.get(name)]
    if together:
        raise invalid_parameter(f"ResourceARNList cannot be specified together with {together[0]}.")
    if not isinstance(arns, list) or not 1 <= len(arns) <= MAX_ARNS:
        raise invalid_parameter(f"ResourceARNList must hold 1 to {MAX_ARNS} ARNs.")


def _per_page(value: Any) -> int:
    if value is None:
        return PAGE
    if not isinstance(value, int) or not 1 <= value <= PAGE:
        raise invalid_parameter(f"ResourcesPerPage must be 1 to {PAGE}.")
    return value


def _resources(backend: Any, index: TagIndex, lag: float) -> list[tuple[str, str, dict[str, str]]]:
    found: list[tuple[str, str, dict[str, str]]] = []
    for ou in backend.ou:
        kind = "root" if ou.type == "ROOT" else "ou"
        found.append((ou.arn, kind, index.indexed(ou.id, dict(ou.tags), lag)))
    for account in backend.accounts:
        found.append((account.arn, "account", index.indexed(account.id, dict(account.tags), lag)))
    for policy in backend.policies:
        if not policy.aws_managed:
            found.append((policy.arn, "policy", index.indexed(policy.id, dict(policy.tags), lag)))
    return sorted(found)


def _wanted(arn: str, kind: str, arns: list[str] | None, filters: list[str] | None) -> bool:
    if arns is not None:
        return arn in arns
    if not filters:
        return True
    return "organizations" in filters or TYPES[kind] in filters


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"orgsim-offset": offset}).encode()).decode()


def _offset(token: str, total: int) -> int:
    if not token:
        return 0
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(token.encode()))["orgsim-offset"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AwsError("PaginationTokenExpiredException", "The pagination token is invalid.") from exc
    if not 0 <= offset <= total:
        raise AwsError("PaginationTokenExpiredException", "The pagination token has expired.")
    return offset
