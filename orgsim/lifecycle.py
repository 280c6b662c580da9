"""Asynchronous account creation and closure, as AWS runs them.

CreateAccount answers IN_PROGRESS; the account exists (ListAccounts shows it) only once the request
reaches SUCCEEDED, `create_account_seconds` later. CloseAccount puts the account in PENDING_CLOSURE
and it becomes SUSPENDED `close_account_seconds` later. Time advances lazily: every Organizations
request first settles whatever became due.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from orgsim import clock
from orgsim.backend import find_account, org_backend, sync_default_attachments
from orgsim.errors import AwsError, constraint, too_many_requests
from orgsim.member_accounts import DEFAULT_ROLE
from orgsim.settings import Settings

MAX_CREATIONS_IN_PROGRESS = 5
MAX_CLOSURES_IN_PROGRESS = 3
CLOSE_WINDOW_SECONDS = 30 * 24 * 3600
# "Monitor the state of your AWS accounts" (Organizations User Guide): a SUSPENDED account is
# permanently CLOSED 90 days after it was closed; until then it counts against the account quota.
POST_CLOSURE_SECONDS = 90 * 24 * 3600


@dataclass
class Creation:
    id: str
    name: str
    email: str
    tags: list[dict[str, str]]
    requested: float
    due: float
    failure: str | None
    role_name: str | None = None  # CreateAccount's RoleName (default OrganizationAccountAccessRole)
    state: str = "IN_PROGRESS"
    account_id: str | None = None
    completed: float | None = None

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Id": self.id, "AccountName": self.name, "State": self.state,
                               "RequestedTimestamp": self.requested}
        if self.completed is not None:
            out["CompletedTimestamp"] = self.completed
        if self.account_id:
            out["AccountId"] = self.account_id
        if self.failure and self.state == "FAILED":
            out["FailureReason"] = self.failure
        return out


@dataclass
class Lifecycle:
    settings: Settings
    creations: list[Creation] = field(default_factory=list)
    closures: dict[str, float] = field(default_factory=dict)  # account id -> requested at
    pending_close: dict[str, float] = field(default_factory=dict)  # account id -> due at
    finished: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # for CloudTrail
    closed: set[str] = field(default_factory=set)  # closures past their 90 days: nothing left to do

    def reset(self) -> None:
        self.creations.clear()
        self.closures.clear()
        self.pending_close.clear()
        self.finished.clear()
        self.closed.clear()

    @property
    def backend(self) -> Any:
        return org_backend(self.settings.management_account_id)

    def create(self, params: dict[str, Any], forced_failure: str | None) -> dict[str, Any]:
        in_progress = [c for c in self.creations if c.state == "IN_PROGRESS"]
        if len(in_progress) >= MAX_CREATIONS_IN_PROGRESS:
            raise too_many_requests("AWS Organizations can't complete your request because another "
                                    "request is already in progress. Try again later.")
        now = clock.now()
        creation = Creation(
            id="car-" + secrets.token_hex(16), name=params["AccountName"], email=params["Email"],
            tags=list(params.get("Tags", [])), requested=now,
            due=now + self.settings.create_account_seconds,
            failure=forced_failure or self._failure_for(params["Email"], in_progress),
            role_name=params.get("RoleName"))
        self.creations.append(creation)
        return {"CreateAccountStatus": creation.status()}

    def _failure_for(self, email: str, in_progress: list[Creation]) -> str | None:
        local, _, domain = email.partition("@")
        if not local or "." not in domain:
            return "INVALID_EMAIL"
        taken = {a.email.lower() for a in self.backend.accounts}
        taken |= {c.email.lower() for c in in_progress}
        if email.lower() in taken:
            return "EMAIL_ALREADY_EXISTS"
        counted = [a for a in self.backend.accounts if a.state != "CLOSED"]
        if len(counted) + len(in_progress) >= self.settings.account_limit:
            return "ACCOUNT_LIMIT_EXCEEDED"
        return None

    def describe(self, request_id: str) -> dict[str, Any]:
        for creation in self.creations:
            if creation.id == request_id:
                return {"CreateAccountStatus": creation.status()}
        raise AwsError("CreateAccountStatusNotFoundException",
                       "We can't find an create account request with the CreateAccountRequestId "
                       "that you specified.")

    def statuses(self, states: list[str] | None) -> list[dict[str, Any]]:
        chosen = [c for c in self.creations if not states or c.state in states]
        return [c.status() for c in sorted(chosen, key=lambda c: c.requested, reverse=True)]

    def close(self, account_id: str) -> None:
        backend = self.backend
        if account_id == self.settings.management_account_id:
            raise constraint("CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
                             "You attempted to close the management account. To close the management "
                             "account for the organization, you must first either remove or close "
                             "all member accounts in the organization.")
        account = next((a for a in backend.accounts if a.id == account_id), None)
        if account is None:
            raise AwsError("AccountNotFoundException", "You specified an account that doesn't exist.")
        if account.status in ("PENDING_CLOSURE", "SUSPENDED"):
            raise AwsError("AccountAlreadyClosedException",
                           "You attempted to close an account that is already closed.")
        self._check_close_quotas(backend)
        now = clock.now()
        self.closures[account_id] = now
        self.pending_close[account_id] = now + self.settings.closing_seconds()
        account.status = account.state = "PENDING_CLOSURE"

    def _check_close_quotas(self, backend: Any) -> None:
        if len(self.pending_close) >= MAX_CLOSURES_IN_PROGRESS:
            raise constraint("CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED",
                             "You attempted to exceed the number of accounts that you can close at "
                             "a time.")
        members = [a for a in backend.accounts if a.id != self.settings.management_account_id]
        quota = self.settings.close_account_quota or min(1000, max(10, len(members) // 10))
        recent = [t for t in self.closures.values() if t > clock.now() - CLOSE_WINDOW_SECONDS]
        if len(recent) >= quota:
            raise constraint("CLOSE_ACCOUNT_QUOTA_EXCEEDED",
                             "You have exceeded close account quota for the past 30 days.")

    def advance(self) -> None:
        now = clock.now()
        for creation in self.creations:
            if creation.state == "IN_PROGRESS" and creation.due <= now:
                self._finish_creation(creation, now)
        for account_id, due in list(self.pending_close.items()):
            if due <= now:
                self._finish_closure(account_id)
        for account_id, requested in self.closures.items():  # advance() runs on every request
            if (account_id not in self.closed and requested + POST_CLOSURE_SECONDS <= now
                    and account_id not in self.pending_close):
                account = find_account(self.backend, account_id)
                if account is not None and account.state == "SUSPENDED":
                    account.state = "CLOSED"  # `Status` (retired) has no CLOSED: it stays SUSPENDED
                self.closed.add(account_id)

    def _finish_creation(self, creation: Creation, now: float) -> None:
        creation.completed = now
        if creation.failure:
            creation.state = "FAILED"
        else:
            backend = self.backend
            # moto makes the role CreateAccount preconfigures in the account (RoleName, default
            # OrganizationAccountAccessRole; orgsim.member_accounts)
            result = backend.create_account(AccountName=creation.name, Email=creation.email,
                                            Tags=creation.tags, RoleName=creation.role_name or DEFAULT_ROLE)
            account = backend.get_account_by_id(result["CreateAccountStatus"]["AccountId"])
            account.create_account_status_id = creation.id
            sync_default_attachments(backend, account)
            creation.account_id = account.id
            creation.state = "SUCCEEDED"
        self.finished.append(("CreateAccountResult", {"createAccountStatus": creation.status()}))

    def _finish_closure(self, account_id: str) -> None:
        del self.pending_close[account_id]
        account = next((a for a in self.backend.accounts if a.id == account_id), None)
        if account is not None:
            account.status = account.state = "SUSPENDED"
        self.finished.append(("CloseAccountResult", {"accountId": account_id, "state": "SUSPENDED"}))
