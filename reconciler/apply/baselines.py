"""Applying account baselines: a new account's items start the moment the account exists, sits
in its OU and carries its tags, while other accounts are still being created; the items of
existing accounts run where the plan has them.

Contacts, budgets and access removals are one call each. Region opt-ins and Identity Center
assignments are asynchronous in AWS, so they run as bounded pools polled to completion: at most
6 Region changes per account and 50 in the organization at once (Quotas for AWS Account
Management), at most 10 CreateAccountAssignment calls outstanding (IAM Identity Center quotas,
not raisable), each item polled with GetRegionOptStatus / DescribeAccountAssignmentCreationStatus
on its own back-off. The pools advance whenever `tick()` is called: by the account creator
between its own polls, and by `finish()` until nothing is left.

An item that fails does not stop the others: each failure is recorded in the audit log and
explained in the error raised at the end. Every call is safe to repeat: a re-run after a crash
plans only what is still missing (AWS makes no second assignment, PutAlternateContact replaces,
an existing budget is updated instead of created again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reconciler.apply.accounts import Poll
from reconciler.apply.ids import Ids
from reconciler.apply.steps import Steps
from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls, request_id
from reconciler.model import BUDGET_PREFIX, IdentityCenter
from reconciler.plan.changes import Change

MAX_ASSIGNMENTS = 10
MAX_REGIONS_PER_ACCOUNT = 6
MAX_REGIONS = 50


@dataclass
class Flight:
    """One asynchronous item AWS is working on: polled on its own back-off, given up on after the
    deadline."""

    change: Change
    token: str
    since: float
    wait: float
    due: float


@dataclass
class Pool:
    """One kind of asynchronous work: how to start an item (a token to poll, or None when it is
    done already), how to ask how it goes, and whether another may start next to those flying."""

    start: Callable[[Change], str | None]
    status: Callable[[Change, str], str]  # "done", "pending", or a failure's reason
    room: Callable[[Change, list[Change]], bool]
    queue: list[Change] = field(default_factory=list)
    flying: list[Flight] = field(default_factory=list)


class BaselineApplier:
    def __init__(self, client: AwsCalls, steps: Steps, ids: Ids, center: IdentityCenter | None,
                 management: str, poll: Poll) -> None:
        self.client, self.steps, self.ids, self.center = client, steps, ids, center
        self.management, self.poll = management, poll
        self.failures: list[str] = []
        self.regions = Pool(self._enable_region, self._region_status, _region_room)
        self.assignments = Pool(self._assign, self._assignment_status,
                                lambda c, flying: len(flying) < MAX_ASSIGNMENTS)

    def add(self, changes: list[Change]) -> None:
        """Start these items: the one-call ones now, the asynchronous ones as their pool has room."""
        for change in changes:
            pool = self._pool_of(change)
            if pool is None:
                self._attempt(change)
            else:
                pool.queue.append(change)
        self.tick()

    def tick(self) -> float | None:
        """Start what the pools have room for and poll the items that are due; the clock time of
        the next item due, or None when nothing is in flight."""
        dues = [self._advance(pool) for pool in (self.regions, self.assignments)]
        return min((d for d in dues if d is not None), default=None)

    def finish(self) -> None:
        """Wait for every item started or queued, then explain the failures (exit 1)."""
        while (due := self.tick()) is not None:
            self.poll.sleep(max(0.0, due - self.poll.clock()))
        failures, self.failures = self.failures, []  # each explained once
        if failures:
            raise AwsError(f"{len(failures)} baseline item(s) failed (the others were applied; "
                           "re-run apply once fixed):\n" + "\n".join(failures))

    def _pool_of(self, change: Change) -> Pool | None:
        if change.action != "create":
            return None
        return {"region": self.regions, "access": self.assignments}.get(_item(change))

    def _attempt(self, change: Change) -> None:
        try:
            self._apply(change)
        except AwsError as exc:
            self.failures.append(f"  {exc}")

    def _apply(self, change: Change) -> None:
        item = _item(change)
        if item == "contact":
            self._put_contact(change)
        elif item == "budget":
            self._budget(change)
        elif item == "access" and change.action == "delete":
            self._unassign(change)
        else:
            raise AwsError(f"{change.address}: apply does not know how to {change.action} this item")

    def account_id(self, change: Change) -> str:
        side = change.after or change.before or {}
        return str(side.get("account_id") or self.ids.account(str(side["account"])))

    # contacts

    def _put_contact(self, change: Change) -> None:
        after, account_id = dict(change.after or {}), self.account_id(change)
        self.steps.run(change, "PutAlternateContact", lambda: self._rid(
            "PutAlternateContact", "account", AccountId=account_id, AlternateContactType=after["type"],
            Name=after["name"], Title=after["title"], EmailAddress=after["email"],
            PhoneNumber=after["phone"]))

    # budgets

    def _budget(self, change: Change) -> None:
        account_id = self.account_id(change)
        name = f"{BUDGET_PREFIX}{account_id}"
        if change.action == "delete":
            self.steps.run(change, "DeleteBudget", lambda: self._rid(
                "DeleteBudget", "budgets", AccountId=self.management, BudgetName=name))
            return
        after = dict(change.after or {})
        if change.action == "create" and self._create_budget(change, name, account_id, after):
            return
        before = dict(change.before or {})
        self.steps.run(change, "UpdateBudget", lambda: self._rid(
            "UpdateBudget", "budgets", AccountId=self.management, NewBudget=_budget(name, account_id, after)))
        if before.get("alerts") != after["alerts"] or before.get("subscribers") != after["subscribers"]:
            self._replace_notifications(change, name, before, after)

    def _create_budget(self, change: Change, name: str, account_id: str, after: dict[str, Any]) -> bool:
        """True when created; False when it exists already (made by a run that was killed before it
        could record it), to be updated instead."""
        try:
            self.steps.run(change, "CreateBudget", lambda: self._rid(
                "CreateBudget", "budgets", AccountId=self.management, Budget=_budget(name, account_id, after),
                NotificationsWithSubscribers=[{"Notification": n, "Subscribers": _subscribers(after)}
                                              for n in _notifications(after)]))
        except AwsError as exc:
            if "DuplicateRecordException" not in str(exc):
                raise
            return False
        return True

    def _replace_notifications(self, change: Change, name: str, before: dict[str, Any],
                               after: dict[str, Any]) -> None:
        for notification in _notifications(before):
            self.steps.run(change, "DeleteNotification", lambda n=notification: self._rid(  # type: ignore[misc]
                "DeleteNotification", "budgets", AccountId=self.management, BudgetName=name, Notification=n))
        for notification in _notifications(after):
            self.steps.run(change, "CreateNotification", lambda n=notification: self._rid(  # type: ignore[misc]
                "CreateNotification", "budgets", AccountId=self.management, BudgetName=name,
                Notification=n, Subscribers=_subscribers(after)))

    # Regions

    def _enable_region(self, change: Change) -> str | None:
        region, account_id = str((change.after or {})["region"]), self.account_id(change)
        self.steps.run(change, "EnableRegion", lambda: self._rid(
            "EnableRegion", "account", AccountId=account_id, RegionName=region))
        return f"{account_id}/{region}"

    def _region_status(self, change: Change, token: str) -> str:
        account_id, _, region = token.partition("/")
        status = str(self.client.call("GetRegionOptStatus", service="account", AccountId=account_id,
                                      RegionName=region)["RegionOptStatus"])
        if status in ("ENABLED", "ENABLED_BY_DEFAULT"):
            return "done"
        if status == "ENABLING":
            return "pending"
        return f"the Region is {status} after EnableRegion; re-run apply"

    # Identity Center

    def _principal(self, side: dict[str, Any]) -> tuple[str, str, str]:
        if self.center is None:
            raise AwsError("Identity Center was not read; make a new plan")
        key = f"{str(side['principal_type']).lower()}:{side['principal']}"
        return (self.center.instance_arn, self.center.principals[key],
                self.center.permission_sets[str(side["permission_set"])])

    def _assignment(self, change: Change) -> dict[str, Any]:
        side = dict(change.after or change.before or {})
        instance, principal, permission_set = self._principal(side)
        return {"InstanceArn": instance, "TargetId": self.account_id(change), "TargetType": "AWS_ACCOUNT",
                "PermissionSetArn": permission_set, "PrincipalType": side["principal_type"],
                "PrincipalId": principal}

    def _assign(self, change: Change) -> str | None:
        params = self._assignment(change)
        status = self.steps.run(change, "CreateAccountAssignment", lambda: self.client.call(
            "CreateAccountAssignment", service="sso-admin", **params))["AccountAssignmentCreationStatus"]
        return None if status["Status"] == "SUCCEEDED" else str(status["RequestId"])

    def _assignment_status(self, change: Change, token: str) -> str:
        assert self.center is not None
        status = self.client.call("DescribeAccountAssignmentCreationStatus", service="sso-admin",
                                  InstanceArn=self.center.instance_arn,
                                  AccountAssignmentCreationRequestId=token)["AccountAssignmentCreationStatus"]
        if status["Status"] == "SUCCEEDED":
            return "done"
        if status["Status"] == "IN_PROGRESS":
            return "pending"
        reason = status.get("FailureReason", "no reason given")
        return f"Identity Center could not create the assignment: {reason}"

    def _unassign(self, change: Change) -> None:
        params = self._assignment(change)
        status = self.steps.run(change, "DeleteAccountAssignment", lambda: self.client.call(
            "DeleteAccountAssignment", service="sso-admin", **params))["AccountAssignmentDeletionStatus"]
        token, waited = str(status.get("RequestId", "")), 0.0
        wait = self.poll.first
        while status.get("Status") == "IN_PROGRESS" and waited < self.poll.deadline:
            self.poll.sleep(wait)
            waited, wait = waited + wait, min(wait * self.poll.factor, self.poll.longest)
            status = self.client.call("DescribeAccountAssignmentDeletionStatus", service="sso-admin",
                                      InstanceArn=params["InstanceArn"],
                                      AccountAssignmentDeletionRequestId=token)["AccountAssignmentDeletionStatus"]
        if status.get("Status") != "SUCCEEDED":
            raise AwsError(f"{change.address}: Identity Center did not remove the assignment: "
                           f"{status.get('FailureReason', status.get('Status'))}")

    # the pools

    def _advance(self, pool: Pool) -> float | None:
        """Start what has room, in queue order, then poll what is due. One pass over the queue:
        it runs on every tick and may hold thousands of items."""
        flying, waiting = [f.change for f in pool.flying], []
        for change in pool.queue:
            if not pool.room(change, flying):
                waiting.append(change)
                continue
            started = len(pool.flying)
            self._start(change, pool)
            if len(pool.flying) > started:  # not when it failed or finished at once
                flying.append(change)
        pool.queue[:] = waiting
        now = self.poll.clock()
        for flight in [f for f in pool.flying if f.due <= now]:
            self._poll_one(flight, pool, now)
        return min((f.due for f in pool.flying), default=None)

    def _start(self, change: Change, pool: Pool) -> None:
        try:
            token = pool.start(change)
        except AwsError as exc:
            self.failures.append(f"  {exc}")
            return
        if token is None:
            self.steps.note(change, "Completed", {})
        else:
            now = self.poll.clock()
            pool.flying.append(Flight(change, token, now, self.poll.first, now + self.poll.first))

    def _poll_one(self, flight: Flight, pool: Pool, now: float) -> None:
        change = flight.change
        try:
            state = pool.status(change, flight.token)
        except AwsError as exc:
            pool.flying.remove(flight)
            self.failures.append(f"  {change.address}: {exc}")
            return
        if state == "pending":
            if now - flight.since > self.poll.deadline:
                pool.flying.remove(flight)
                self.failures.append(f"  {change.address}: still in progress after "
                                     f"{self.poll.deadline:.0f}s; re-run apply later")
                return
            flight.wait = min(flight.wait * self.poll.factor, self.poll.longest)
            flight.due = now + flight.wait
            return
        pool.flying.remove(flight)
        if state == "done":
            self.steps.note(change, "Completed", {})
        else:
            self.steps.audit_failure(change, "Completed", state)
            self.failures.append(f"  {change.address}: {state}")

    def _rid(self, operation: str, service: str, **params: Any) -> str | None:
        return request_id(self.client.call(operation, service=service, **params))


def _item(change: Change) -> str:
    return str((change.after or change.before or {}).get("item", ""))


def _region_room(change: Change, flying: list[Change]) -> bool:
    account = (change.after or {}).get("account")
    same = sum((c.after or {}).get("account") == account for c in flying)
    return same < MAX_REGIONS_PER_ACCOUNT and len(flying) < MAX_REGIONS


def _budget(name: str, account_id: str, after: dict[str, Any]) -> dict[str, Any]:
    return {"BudgetName": name, "BudgetLimit": {"Amount": f"{float(after['limit_usd']):.2f}", "Unit": "USD"},
            "TimeUnit": "MONTHLY", "BudgetType": "COST", "CostFilters": {"LinkedAccount": [account_id]}}


def _notifications(side: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"NotificationType": a["type"], "ComparisonOperator": "GREATER_THAN", "Threshold": a["threshold"],
             "ThresholdType": "PERCENTAGE"} for a in side.get("alerts") or []]


def _subscribers(side: dict[str, Any]) -> list[dict[str, str]]:
    return [{"SubscriptionType": "SNS" if s.startswith("arn:") else "EMAIL", "Address": s}
            for s in side.get("subscribers") or []]
