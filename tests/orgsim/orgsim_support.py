"""Small helpers shared by the orgsim tests."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import ClientError

DEADLINE_SECONDS = 15


def scp(action: str = "s3:DeleteBucket", effect: str = "Deny") -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": "*"}]})


def root_id(org: Any) -> str:
    return str(org.list_roots()["Roots"][0]["Id"])


def wait_created(org: Any, request_id: str) -> dict[str, Any]:
    """Poll DescribeCreateAccountStatus until the request leaves IN_PROGRESS."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        status: dict[str, Any] = org.describe_create_account_status(
            CreateAccountRequestId=request_id)["CreateAccountStatus"]
        if status["State"] != "IN_PROGRESS":
            return status
        time.sleep(0.05)
    raise AssertionError(f"create account request {request_id} still in progress")


def create_account(org: Any, name: str) -> str:
    request = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
    status = wait_created(org, request["Id"])
    assert status["State"] == "SUCCEEDED", status
    return str(status["AccountId"])


def wait_status(org: Any, account_id: str, wanted: str) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if org.describe_account(AccountId=account_id)["Account"]["State"] == wanted:
            return
        time.sleep(0.05)
    raise AssertionError(f"account {account_id} never reached {wanted}")


def error_of(exc: ClientError) -> tuple[str, str | None]:
    """(error code, Reason) of a failed call."""
    return exc.response["Error"]["Code"], exc.response.get("Reason")
