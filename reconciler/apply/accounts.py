"""Creating accounts: started together (AWS runs up to five at once), polled with back-off, and
safe to repeat after a crash. Each account is moved and handed on (`on_ready`: its baseline starts)
the moment its own creation succeeds; work handed on advances between the creations' polls
(`Background.tick`).

Before anything is created, requests already made are looked for (ListCreateAccountStatus,
IN_PROGRESS and SUCCEEDED, by account name, confirmed by email): a run killed mid-creation
resumes polling instead of creating a second account. AWS refuses a second account with the same
email anyway (EMAIL_ALREADY_EXISTS); when the owner of that email is an account of this
organization, it is adopted rather than reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from reconciler.apply.ids import Ids
from reconciler.apply.organizations import CreateStatus, OrganizationsWriter
from reconciler.apply.steps import Steps
from reconciler.errors import AwsError
from reconciler.live.scope import NullProgress, Progress
from reconciler.plan.changes import Change

MAX_IN_PROGRESS = 5
BILLING = "; fix it in the management account's Billing console, then re-run"
BUSINESS = ("AWS has not finished validating the management account's business details ({state})"
            + BILLING)
FAILURES = {
    "EMAIL_ALREADY_EXISTS": "the email {email} already belongs to an AWS account outside this "
    "organization; give the account another email in {file}",
    "INVALID_EMAIL": "AWS rejected {email} as an email address; correct it in {file}",
    "ACCOUNT_LIMIT_EXCEEDED": "the organization has as many accounts as its quota allows; ask for a "
    "higher account quota in Service Quotas (AWS Organizations) or close unused accounts, then re-run",
    "CONCURRENT_ACCOUNT_MODIFICATION": "another change to the organization's accounts was in progress; "
    "re-run apply in a few minutes",
    "INVALID_ADDRESS": "the management account's postal address is not valid" + BILLING,
    "INTERNAL_FAILURE": "AWS failed internally and created nothing; re-run apply",
    "MISSING_PAYMENT_INSTRUMENT": "the management account has no payment method" + BILLING,
    "INVALID_PAYMENT_INSTRUMENT": "the management account's payment method is not accepted" + BILLING,
    "GOVCLOUD_ACCOUNT_ALREADY_EXISTS": "a GovCloud account already exists for this email; use another "
    "email in {file}",
    "MISSING_BUSINESS_VALIDATION": BUSINESS.format(state="it has not received them"),
    "FAILED_BUSINESS_VALIDATION": BUSINESS.format(state="they failed validation"),
    "PENDING_BUSINESS_VALIDATION": "AWS is still validating the management account's business details; "
    "re-run apply once the Billing console shows them validated",
    "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION": BUSINESS.format(
        state="the identity data given for them is not valid"),
    "UNKNOWN_BUSINESS_VALIDATION": BUSINESS.format(state="AWS reports an unknown problem with them"),
    "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED": "AWS refused the tags sent with the new "
    "account and created nothing (AWS documents no more about this reason); remove `tags` from {file}, "
    "re-run, then add them back, which tags the existing account",
}


def failure_text(reason: str | None, email: str, file: str) -> str:
    if reason and reason in FAILURES:
        return FAILURES[reason].format(email=email, file=file)
    return (f"AWS could not create it and gave the reason {reason or '(none)'}, which this version of "
            "the reconciler does not know; look the reason up in the AWS Organizations documentation "
            "(CreateAccountStatus, FailureReason), fix what it names, then re-run apply")


@dataclass
class Poll:
    first: float = 0.5
    factor: float = 1.5
    longest: float = 15.0
    deadline: float = 1800.0  # account creations
    policy_type_deadline: float = 300.0  # a policy type's PENDING_ENABLE
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


class Background(Protocol):
    def tick(self) -> float | None:
        """Advance; the clock time it next wants a turn, or None when it has nothing in flight."""


class Idle:
    def tick(self) -> float | None:
        return None


class AccountCreator:
    def __init__(self, writer: OrganizationsWriter, steps: Steps, ids: Ids,
                 on_created: Callable[[Change, str], None], poll: Poll,
                 progress: Progress | None = None,
                 on_ready: Callable[[Change], None] = lambda change: None,
                 background: Background | None = None) -> None:
        self.writer, self.steps, self.ids = writer, steps, ids
        self.on_created, self.poll = on_created, poll
        self.on_ready, self.background = on_ready, background or Idle()
        self.progress = progress or NullProgress()
        self.failures: list[str] = []

    def create_all(self, changes: list[Change]) -> None:
        self.progress.start("creating accounts", len(changes))
        earlier = self._earlier_requests(changes)
        queue: list[Change] = []
        flying: dict[str, Change] = {}
        for change in changes:
            status = earlier.get(_name(change))
            if status is not None and status.state == "SUCCEEDED":
                self._succeeded(change, str(status.account_id), fresh=False)
            elif status is not None:
                flying[status.request] = change
            else:
                queue.append(change)
        self._run(queue, flying)
        if self.failures:
            raise AwsError("could not create every account:\n" + "\n".join(self.failures))

    def _earlier_requests(self, changes: list[Change]) -> dict[str, CreateStatus]:
        wanted = {_name(c): c for c in changes}
        found: dict[str, CreateStatus] = {}
        for status in self.writer.create_requests(["IN_PROGRESS", "SUCCEEDED"]):
            change = wanted.get(status.name)
            if change is None or found.get(status.name, status).state == "IN_PROGRESS":
                continue
            if status.state == "SUCCEEDED" and not self._owns(status, change):
                continue
            found[status.name] = status
        return found

    def _owns(self, status: CreateStatus, change: Change) -> bool:
        try:
            email = self.writer.account_email(str(status.account_id))
        except AwsError:  # created once, since closed or removed: not this account
            return False
        return email is not None and email.lower() == str(_after(change)["email"]).lower()

    def _run(self, queue: list[Change], flying: dict[str, Change]) -> None:
        wait, started = self.poll.first, self.poll.clock()
        while queue or flying:
            if queue and len(flying) < MAX_IN_PROGRESS:
                wait = self.poll.first  # new requests: look at them soon, back off from there
            while queue and len(flying) < MAX_IN_PROGRESS:
                self._start(queue.pop(0), flying)
            if not flying:
                continue
            if self.poll.clock() - started > self.poll.deadline:
                names = ", ".join(sorted(_name(c) for c in flying.values()))
                raise AwsError(f"accounts still being created after {self.poll.deadline:.0f}s: {names}; "
                               "re-run apply later: it resumes waiting for them instead of creating again")
            self._pause(wait)
            wait = min(wait * self.poll.factor, self.poll.longest)
            for request, change in list(flying.items()):
                status = self.writer.create_status(request)
                if status.state != "IN_PROGRESS":
                    del flying[request]
                    self._finished(change, status)

    def _pause(self, seconds: float) -> None:
        """Wait `seconds` before the next look at the creations, giving the background its turns."""
        until = self.poll.clock() + seconds
        while True:
            due = self.background.tick()
            now = self.poll.clock()
            if now >= until:
                return
            self.poll.sleep(max(0.0, (until if due is None else min(until, due)) - now))

    def _start(self, change: Change, flying: dict[str, Change]) -> None:
        after = _after(change)
        status, _ = self.steps.run(change, "CreateAccount", lambda: self.writer.start_create(
            str(after["email"]), str(after["name"]), _tags(after)))
        if status.state == "IN_PROGRESS":
            flying[status.request] = change
        else:
            self._finished(change, status)

    def _finished(self, change: Change, status: CreateStatus) -> None:
        after = _after(change)
        if status.state == "SUCCEEDED" and status.account_id:
            self._succeeded(change, status.account_id, fresh=True)
            return
        if status.failure == "EMAIL_ALREADY_EXISTS":
            owner = self.writer.find_account(str(after["email"]))
            if owner is not None:  # ours already: made by a run that was killed before recording it
                self._succeeded(change, owner[0], fresh=False)
                return
        file = f"accounts/{after['name']}.yaml"
        text = failure_text(status.failure, str(after["email"]), file)
        self.steps.audit_failure(change, "CreateAccount", f"{status.failure}: {text}")
        self.failures.append(f"  {change.address}: {text}")

    def _succeeded(self, change: Change, account_id: str, *, fresh: bool) -> None:
        after = _after(change)
        self.ids.accounts[str(after["name"])] = account_id
        self.on_created(change, account_id)
        self.steps.note(change, "AccountCreated", {"account_id": account_id, "resumed": not fresh})
        target = self.ids.parent(str(after["ou"]))
        source = self.ids.root if fresh else self.writer.parent_of(account_id)
        if source != target:
            self.steps.run(change, "MoveAccount",
                           lambda: self.writer.move_account(account_id, source, target))
        tags = _tags(after)
        if not fresh and tags:  # a resumed request may predate an edit of the tags
            self.steps.run(change, "TagResource", lambda: self.writer.tag(account_id, tags))
        self.progress.advance()
        self.on_ready(change)


def _after(change: Change) -> dict[str, object]:
    return dict(change.after or {})


def _tags(after: dict[str, object]) -> dict[str, str]:
    tags = after.get("tags") or {}
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}


def _name(change: Change) -> str:
    return str(_after(change)["name"])
