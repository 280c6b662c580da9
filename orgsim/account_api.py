"""The Account Management API calls the reconciler makes, which moto does not serve.

PutAccountName renames an account of the organization (what the Organizations API then lists);
GetAccountInformation reads it back. Both are REST-JSON: POST /putAccountName, POST
/getAccountInformation. Sources: Account Management API Reference; its quotas page publishes
PutAccountName at 1 request per second (burst 1) and GetAccountInformation at 3 (burst 3).

PutAccountName's AccountId (API Reference, PutAccountName, Request Body): using it needs trusted
access for the Account Management service (EnableAWSServiceAccess account.amazonaws.com), and "the
management account can't specify its own AccountId; it must call the operation in standalone
context by not including the AccountId parameter". The reference lists no dedicated error for
either; what callers report for the Account Management API with trusted access off is HTTP 403
AccessDeniedException "User: ... is not authorized to perform: account:<Operation>" (steampipe-
plugin-aws issue 1309), and orgsim answers both cases that way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from orgsim import regions
from orgsim.backend import find_account, org_backend
from orgsim.errors import AwsError

MAX_NAME = 50
SOURCE = "account.amazonaws.com"
TRUSTED_PRINCIPAL = "account.amazonaws.com"


def _account(management_account_id: str, params: dict[str, Any], caller: str | None = None) -> Any:
    """AccountId's account, else the caller's own (a member account's for credentials AssumeRole
    made there: API Reference, AccountId, "If you don't specify this parameter, it calls the
    operation in the context of the AWS account that's making the call")."""
    account_id = params.get("AccountId") or caller or management_account_id
    account = find_account(org_backend(management_account_id), str(account_id))
    if account is None:
        raise AwsError("ResourceNotFoundException",
                       "The specified account does not belong to your organization.", status=404)
    return account


def _check_caller(management_account_id: str, params: dict[str, Any], operation: str) -> None:
    """An operation with AccountId: trusted access on, and never the caller's own id."""
    account_id = params.get("AccountId")
    if not account_id:
        return
    services = org_backend(management_account_id).services
    trusted = any(s.get("ServicePrincipal") == TRUSTED_PRINCIPAL for s in services)
    if account_id == management_account_id or not trusted:
        raise AwsError("AccessDeniedException",
                       f"User: arn:aws:iam::{management_account_id}:root is not authorized to perform: "
                       f"account:{operation}", status=403)


def check_member(operation: str, management_account_id: str, params: dict[str, Any]) -> None:
    """The alternate-contact calls (served by moto) with an AccountId: trusted access on, not the
    caller's own id, and an account of the organization (API Reference, PutAlternateContact,
    AccountId)."""
    if params.get("AccountId"):
        _check_caller(management_account_id, params, operation)
        _account(management_account_id, params)


def handle(operation: str, management_account_id: str, params: dict[str, Any],
           opt_ins: regions.Regions | None = None, region_seconds: float = 0.0,
           caller: str | None = None) -> dict[str, Any]:
    if operation == "PutAccountName" or operation in regions.PATHS.values():
        _check_caller(management_account_id, params, operation)
    account = _account(management_account_id, params, caller)
    if operation in regions.PATHS.values():
        assert opt_ins is not None
        return regions.handle(opt_ins, operation, str(account.id), params, region_seconds)
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
