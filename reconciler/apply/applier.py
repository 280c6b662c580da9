"""Apply: execute a plan's changes in the plan's order. It decides nothing; the planner did.

Every change maps to one or a few AWS operations. Names become ids through the live snapshot and
what this run created. New accounts are created together at the first account creation in the
plan (AWS runs five at once, each takes minutes), and each new id is handed to `on_account_id` the
moment it exists, so a kill right after loses nothing. A new account's baseline starts as soon as
that account is created, moved and tagged, while the others are still being created; the rest of
the baselines run where the plan has them, and every started item is finished there. On the first
error apply stops: the next plan shows exactly what is left, so a re-run converges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.apply.accounts import AccountCreator, Poll
from reconciler.apply.audit import AuditLog
from reconciler.apply.baselines import BaselineApplier
from reconciler.apply.ids import Ids
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.apply.policy_types import PolicyTypeWaiter
from reconciler.apply.steps import Steps
from reconciler.errors import AwsError
from reconciler.live.access import account_management_trusted
from reconciler.live.scope import NullProgress, Progress
from reconciler.model import Organization, policy_content
from reconciler.plan.changes import Change, Plan
from reconciler.plan.checks import (
    BASELINE_TRUSTED_ACCESS_OFF,
    TRUSTED_ACCESS_OFF,
    baseline_account_items,
    member_renames,
)
from reconciler.plan.lifecycle import ClosePacer

# CloseAccount's quota refusals (ConstraintViolationException reasons): the close waits
CLOSE_WAITS = frozenset({"CLOSE_ACCOUNT_QUOTA_EXCEEDED", "CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED"})


@dataclass
class ApplyResult:
    applied: int = 0
    created_accounts: dict[str, str] = field(default_factory=dict)  # name -> new account id
    # closes AWS's CloseAccount quotas hold back: they wait for a later run, never fail or get lost
    waiting_closes: list[str] = field(default_factory=list)

    def waiting_note(self) -> str:
        """The closes AWS's CloseAccount quotas held back: not failures, and not done either."""
        waiting = self.waiting_closes
        shown = ", ".join(waiting[:10]) + (f" and {len(waiting) - 10} more" if len(waiting) > 10 else "")
        verb = "waits" if len(waiting) == 1 else "wait"
        return (f"{len(waiting)} account close{'s' * (len(waiting) != 1)} {verb} for AWS's CloseAccount "
                f"quotas ({shown}): the scheduled reconcile starts each when the quotas allow "
                "(docs/lifecycle.md)")


class Applier:
    def __init__(self, writer: OrganizationsWriter, live: Organization, audit: AuditLog,
                 on_account_id: Callable[[Change, str], None] = lambda change, account_id: None,
                 poll: Poll | None = None, progress: Progress | None = None,
                 closes: ClosePacer | None = None) -> None:
        self.writer, self.live = writer, live
        self.closes = closes  # None: every close is tried, and AWS's quota refusals wait
        self.steps = Steps(audit)
        self.on_account_id = on_account_id
        self.poll = poll or Poll()
        self.progress = progress or NullProgress()
        self.result = ApplyResult()
        self.policy_types = PolicyTypeWaiter(writer, self.poll)
        self.policy_kinds = {p.name: p.type for p in live.policies}  # name -> policy type

    def run(self, plan: Plan) -> ApplyResult:
        ids = Ids.of(self.live, plan)
        self._check_rename_access(plan)
        for change in plan.changes:
            if change.kind == "policy" and change.after:
                self.policy_kinds[str(change.after["name"])] = str(change.after["type"])
        creates = [c for c in plan.changes if c.kind == "account" and c.action == "create"]
        baselines = [c for c in plan.changes if c.kind == "baseline"]
        creating = {id(c) for c in creates}  # identity, not equality: plans can be large
        baselining = {id(c) for c in baselines}
        baseline = BaselineApplier(self.writer.client, self.steps, ids, self.live.identity_center,
                                   self.live.management_account_id, self.poll)
        early = _by_account(baselines, {str((c.after or {})["name"]) for c in creates})
        self.progress.start("applying", len(plan.changes))
        try:
            for change in plan.changes:
                if id(change) in creating:
                    if change is creates[0]:
                        self._create_accounts(creates, ids, baseline, early)
                elif id(change) in baselining:
                    if change is baselines[0]:  # the rest in one pass, the asynchronous ones pooled
                        started = {id(c) for changes in early.values() for c in changes}
                        baseline.add([c for c in baselines if id(c) not in started])
                        baseline.finish()
                else:
                    waiting = len(self.result.waiting_closes)
                    self._apply(change, ids)
                    if len(self.result.waiting_closes) > waiting:  # held back: not made
                        self.progress.advance()
                        continue
                self.result.applied += 1
                self.progress.advance()
        except AwsError as exc:
            _finish_started(baseline, exc)
            raise
        self.progress.finish()
        return self.result

    def _check_rename_access(self, plan: Plan) -> None:
        """Renaming a member account needs trusted access for the Account Management API: without
        it apply refuses before changing anything, rather than failing at the first rename."""
        renames = member_renames(plan.changes, self.live.management_account_id)
        items = baseline_account_items(plan.changes)
        if (renames or items) and not account_management_trusted(self.writer.client):
            first, why = ((renames[0], TRUSTED_ACCESS_OFF) if renames
                          else (items[0], BASELINE_TRUSTED_ACCESS_OFF))
            raise AwsError(f"{first.address}: {why}; nothing was changed")

    def _create_accounts(self, creates: list[Change], ids: Ids, baseline: BaselineApplier,
                         early: dict[str, list[Change]]) -> None:
        """Each account's baseline starts once it is created, moved and tagged."""
        def created(change: Change, account_id: str) -> None:
            self.result.created_accounts[str((change.after or {})["name"])] = account_id
            self.on_account_id(change, account_id)

        def ready(change: Change) -> None:
            baseline.add(early.get(str((change.after or {})["name"]), []))

        AccountCreator(self.writer, self.steps, ids, created, self.poll, self.progress,
                       on_ready=ready, background=baseline).create_all(creates)

    def _apply(self, change: Change, ids: Ids) -> None:
        handler = getattr(self, f"_{change.kind}_{change.action}")
        handler(change, ids, dict(change.before or {}), dict(change.after or {}))

    def _run(self, change: Change, operation: str, call: Callable[[], Any]) -> Any:
        return self.steps.run(change, operation, call)

    def _policy_type_create(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        self._run(c, "EnablePolicyType", lambda: self.policy_types.enable(ids.root, after["type"]))

    def _policy_type_delete(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        self._run(c, "DisablePolicyType", lambda: self.writer.disable_policy_type(ids.root, before["type"]))

    def _ou_create(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        path = str(after["path"])
        parent, _, name = path.rpartition("/")
        parent_id = ids.parent(parent or "root")
        ou_id, _ = self._run(c, "CreateOrganizationalUnit",
                             lambda: self.writer.create_ou(parent_id, name, after.get("tags") or {}))
        ids.ous[path] = ou_id

    def _ou_update(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        self._retag(c, ids.parent(str(after["path"])), before.get("tags") or {}, after.get("tags") or {})

    def _ou_delete(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        ou_id = ids.parent(str(before["path"]))
        self._run(c, "DeleteOrganizationalUnit", lambda: self.writer.delete_ou(ou_id))

    def _policy_create(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy_id, _ = self._run(c, "CreatePolicy", lambda: self.writer.create_policy(
            after["name"], after["type"], after.get("description") or "", policy_content(after["document"])))
        ids.policies[str(after["name"])] = policy_id

    def _policy_update(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy_id = ids.policy(str(before.get("name", after["name"])))
        self._run(c, "UpdatePolicy", lambda: self.writer.update_policy(
            policy_id, after["name"], after.get("description") or "", policy_content(after["document"])))
        ids.policies[str(after["name"])] = policy_id

    def _policy_delete(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy_id = ids.policy(str(before["name"]))
        self._run(c, "DeletePolicy", lambda: self.writer.delete_policy(policy_id))

    def _attachment_create(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy_id, target = ids.policy(str(after["policy"])), ids.target(str(after["target"]))
        self._wait_for_type(c, ids, self.policy_kinds.get(str(after["policy"])))
        self._run(c, "AttachPolicy", lambda: self.writer.attach(policy_id, target))

    def _wait_for_type(self, c: Change, ids: Ids, kind: str | None) -> None:
        """Before an attachment: its policy type, if this run enabled it, must be ENABLED by now
        (a policy of unknown type waits for every type this run enabled)."""
        try:
            for pending in [kind] if kind else sorted(self.policy_types.pending):
                self.policy_types.wait_enabled(ids.root, pending)
        except AwsError as exc:
            self.steps.audit_failure(c, "AttachPolicy", str(exc))
            raise AwsError(f"{c.address}: {exc}") from exc

    def _attachment_delete(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy_id, target = ids.policy(str(before["policy"])), ids.target(str(before["target"]))
        self._run(c, "DetachPolicy", lambda: self.writer.detach(policy_id, target))

    def _account_update(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        account_id = str(after.get("account_id") or before["account_id"])
        if "name" in c.changed:
            self._run(c, "PutAccountName", lambda: self.writer.rename_account(
                account_id, after["name"], self.live.management_account_id))
        if "ou" in c.changed:
            source, target = ids.parent(str(before["ou"])), ids.parent(str(after["ou"]))
            self._run(c, "MoveAccount", lambda: self.writer.move_account(account_id, source, target))
        if "tags" in c.changed:
            self._retag(c, account_id, before.get("tags") or {}, after.get("tags") or {})

    def _account_delete(self, c: Change, ids: Ids, before: dict[str, Any], after: dict[str, Any]) -> None:
        """A close runs when AWS's CloseAccount quotas allow it now; otherwise it waits for a later
        run (the reconcile run continues the queue). A quota refusal from AWS waits the same way."""
        account_id = str(before["account_id"])
        if self.closes is not None and not self.closes.take():
            self.result.waiting_closes.append(c.address)
            return
        try:
            self._run(c, "CloseAccount", lambda: self.writer.close_account(account_id))
        except AwsError as exc:
            if exc.reason not in CLOSE_WAITS:
                raise
            self.result.waiting_closes.append(c.address)
            if self.closes is not None:
                self.closes.in_progress = self.closes.most_at_once  # AWS says no more for now

    def _retag(self, c: Change, resource: str, old: Mapping[str, str], new: Mapping[str, str]) -> None:
        set_tags = {k: v for k, v in new.items() if old.get(k) != v}
        removed = [k for k in old if k not in new]
        if set_tags:
            self._run(c, "TagResource", lambda: self.writer.tag(resource, set_tags))
        if removed:
            self._run(c, "UntagResource", lambda: self.writer.untag(resource, removed))


def _by_account(baselines: list[Change], names: set[str]) -> dict[str, list[Change]]:
    """The baseline items of the accounts this plan creates, by account name, in plan order."""
    found: dict[str, list[Change]] = {}
    for change in baselines:
        account = str((change.after or change.before or {}).get("account", ""))
        if account in names:
            found.setdefault(account, []).append(change)
    return found


def _finish_started(baseline: BaselineApplier, failed: AwsError) -> None:
    """Apply stops at `failed`; the baseline items already started (new accounts') are finished
    first, and their own failures, if any, are told with it."""
    try:
        baseline.finish()
    except AwsError as more:
        raise AwsError(f"{failed}\n{more}", failed.code, failed.reason) from failed
