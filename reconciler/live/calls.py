"""The AWS port: what the stages ask of AWS, and nothing of how it is reached.

Every stage that talks to AWS (the live reader, apply, drift's CloudTrail reads) takes an
`AwsCalls`: one operation by its API name with the API's own parameter names, or every item of a
paged list. The AWS adapter (reconciler.adapters.aws.AwsClient) implements it over boto3, with
pacing, counting and error wrapping; tests and benchmarks pass the same adapter pointed at orgsim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol

Response = dict[str, Any]


class AwsCalls(Protocol):
    def call(self, operation: str, service: str = "organizations", **params: Any) -> Response:
        """Call one operation, e.g. call("ListRoots"); raises AwsError when AWS refuses it."""
        ...

    def pages(self, operation: str, key: str, service: str = "organizations",
              **params: Any) -> Iterator[dict[str, Any]]:
        """Every item under `key` across all pages of a list operation."""
        ...


def page_items(call: Callable[..., Response], operation: str, key: str, service: str,
               params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every item under `key` across all pages, `call` making one call per page (NextToken), for
    the AwsCalls implementations' `pages`."""
    while True:
        response = call(operation, service=service, **params)
        yield from response.get(key, [])
        token = response.get("NextToken")
        if not token:
            return
        params["NextToken"] = token


def request_id(response: Response) -> str | None:
    """AWS's request id of a response: what AWS Support and CloudTrail ask for."""
    meta = response.get("ResponseMetadata", {})
    value = meta.get("RequestId")
    return str(value) if value else None
