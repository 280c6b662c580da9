"""The Account Management API calls the reconciler makes, which moto does not serve.

PutAccountName renames an account of the organization (what the Organizations API then lists);
GetAccountInformation reads it back. Both are REST-JSON: POST /putAccountName, POST
/getAccountInformation. Sources: Account Management API Reference; its quotas page publishes
PutAccountName at 1 request per second (burst 1) and GetAccountInformation at 3 (burst 3).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orgsim.backend import find_account, org_backend
from orgsim.errors import AwsError

MAX_NAME = 50
SOURCE = "account.amazonaws.com"


def _account(management_account_id: str, params: dict[str, Any]) -> Any:
    account_id = params.get("AccountId") or management_account_id
    account = find_account(org_backend(management_account_id), str(account_id))
    if account is None:
        raise AwsError("ResourceNotFoundException",
                       "The specified account does not belong to your organization.", status=404)
    return account


def handle(operation: str, management_account_id: str, params: dict[str, Any]) -> dict[str, Any]:
    account = _account(management_account_id, params)
    if operation == "PutAccountName":
        name = params.get("AccountName")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
            raise AwsError("ValidationException",
                           f"AccountName must be 1 to {MAX_NAME} characters.")
        account.name = name
        return {}
    created: datetime = account.create_time  # moto keeps naive UTC
    return {"AccountId": account.id, "AccountName": account.name,
            "AccountCreatedDate": created.replace(tzinfo=UTC).timestamp(),
            "AccountState": account.state}
