"""Every Organizations list operation pages as AWS pages it.

Which operations page, and the key their items are under, come from botocore's paginator model for
Organizations; the largest page each accepts is the `max` of its `MaxResults` in botocore's service
model (20 for every Organizations list operation that has one). orgsim asks moto for the whole
list and hands it out a page at a time:

- at most `MaxResults` items a page (when it is absent, at most 20: AWS says only that the default
  is "specific to the operation"), and never more than the `page_size` setting, because AWS "might
  return fewer results than the maximum even when there are more results available";
- `NextToken` while items remain; a token this simulator did not hand out for this operation ->
  InvalidInputException INVALID_PAGINATION_TOKEN;
- `MaxResults` above the operation's maximum -> InvalidInputException MAX_VALUE_EXCEEDED (botocore
  checks only the minimum on the client; the reasons come from the service model);
- the fault kind `empty_page` answers an empty page with a `NextToken` that resumes where it was:
  "These operations can occasionally return an empty set of results even when there are more
  results available" (the note on every Organizations List* operation).
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

import botocore.session

from orgsim.errors import invalid_input
from orgsim.faults import FaultBook

DEFAULT_PAGE = 20
EMPTY_PAGE = "empty_page"


@functools.cache
def _models() -> tuple[dict[str, str], dict[str, int]]:
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    paginators = loader.load_service_model("organizations", "paginators-1")["pagination"]
    service = session.get_service_model("organizations")
    keys = {op: str(config["result_key"]) for op, config in paginators.items()}
    limits: dict[str, int] = {}
    for operation in keys:
        shape = service.operation_model(operation).input_shape
        member = shape.members.get("MaxResults") if shape is not None else None
        if member is not None and "max" in member.metadata:
            limits[operation] = int(member.metadata["max"])
    return keys, limits


def result_key(operation: str) -> str | None:
    """The key a paged operation's items are under, or None when the operation does not page."""
    return _models()[0].get(operation)


def max_results(operation: str) -> int | None:
    return _models()[1].get(operation)


def unpaged(operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The request to send moto so that it answers the whole list, or None for other operations."""
    if result_key(operation) is None:
        return None
    whole = {k: v for k, v in params.items() if k not in ("NextToken", "MaxResults")}
    if max_results(operation) is not None:
        whole["MaxResults"] = 10**9  # moto pages some lists itself; orgsim pages them all
    return whole


def page(operation: str, params: dict[str, Any], items: list[Any], page_size: int,
         faults: FaultBook) -> dict[str, Any]:
    """One page of `items` for this request: {result key: items, "NextToken": ...}."""
    key = result_key(operation)
    assert key is not None, operation
    size = _size(operation, params, page_size)
    start = _offset(operation, params.get("NextToken"))
    if start < len(items) and faults.take(operation, (EMPTY_PAGE,)) is not None:
        return {key: [], "NextToken": _token(operation, start)}
    end = start + size
    out: dict[str, Any] = {key: items[start:end]}
    if end < len(items):
        out["NextToken"] = _token(operation, end)
    return out


def _size(operation: str, params: dict[str, Any], page_size: int) -> int:
    limit = max_results(operation)
    asked = params.get("MaxResults")
    if asked is not None and limit is not None and int(asked) > limit:
        raise invalid_input("MAX_VALUE_EXCEEDED",
                            "You provided a numeric parameter that has a larger value than allowed.")
    wanted = int(asked) if asked is not None else (limit or DEFAULT_PAGE)
    return max(1, min(wanted, page_size))


def _token(operation: str, offset: int) -> str:
    raw = json.dumps({"operation": operation, "offset": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _offset(operation: str, token: Any) -> int:
    if token is None:
        return 0
    try:
        decoded = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        if decoded["operation"] == operation and isinstance(decoded["offset"], int):
            return max(0, decoded["offset"])
    except (ValueError, TypeError, KeyError):
        pass
    raise invalid_input("INVALID_PAGINATION_TOKEN",
                        "Get the value for the NextToken parameter from the response to a previous "
                        "call of the operation.")
