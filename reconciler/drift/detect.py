"""Drift: what differs between live AWS and the repository, and what the rules say to do about it.

Pure. Drift is derived from the planner's output (`plan(desired, live)` plus `Plan.unmanaged`),
never from a second differ: a change the planner would make is exactly a drift, and the change
itself is the revert. Only the rules live here; `remediate` carries them out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reconciler.model import Account, Organization, shadow_of
from reconciler.plan.baselines import baseline_addresses
from reconciler.plan.changes import Change, Kind, Plan, Unmanaged

DriftKind = Literal["modified", "missing", "unmanaged"]
# What the rules call for; `remediate` turns it into the reported remediation.
Decision = Literal["revert", "pull_request", "import_pr", "detach", "report", "skip"]

_KIND_BY_ACTION: Mapping[str, DriftKind] = {"create": "missing", "update": "modified", "delete": "unmanaged"}


@dataclass(frozen=True)
class Drift:
    address: str
    kind: DriftKind
    resource: Kind
    decision: Decision
    reason: str  # one line for people: why this decision
    change: Change | None = None  # the revert, when the planner has one
    unmanaged: Unmanaged | None = None
    account: str | None = None  # the repository account whose automation_level governs

    @property
    def live(self) -> Any:
        """The drifted live value: what a pull request would write and what a rejection names."""
        if self.unmanaged is not None:
            return dict(self.unmanaged.live)
        if self.change is None or self.change.before is None:
            return None
        return dict(self.change.before)

    @property
    def fingerprint(self) -> str:
        """Stable across runs for the same drift; a different live value is a different drift."""
        text = json.dumps({"address": self.address, "live": self.live}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def detect(desired: Organization, live: Organization, plan: Plan) -> tuple[Drift, ...]:
    """Every drift the plan shows, classified and decided, in the plan's order."""
    found = [_from_change(change, desired) for change in plan.changes]
    found += [d for d in (_from_unmanaged(u, desired) for u in plan.unmanaged) if d is not None]
    seen = {d.address for d in found}
    found += [d for d in _inactive_accounts(desired, live) if d.address not in seen]
    return tuple(found)


def _from_change(change: Change, desired: Organization) -> Drift:
    kind = _KIND_BY_ACTION[change.action]
    if change.kind == "account":
        return _account_drift(change, desired)
    if change.kind == "baseline":
        return _baseline_drift(change, desired)
    if _retired_shadow(change):
        return Drift(change.address, kind, "policy", "revert", "a rollout's shadow policy, its rollout over: "
                     "deleted", change=change)
    if change.action == "delete" and change.kind != "attachment":
        # Only the repository may ask to delete; an automatic remediation never does.
        return Drift(change.address, kind, change.kind, "report", "exists only in AWS; never deleted "
                     "automatically", change=change)
    reason = {
        "ou": "organizational units are restored to the repository's structure",
        "policy": "managed policies are security controls: reverted directly",
        "attachment": "managed policy attachments are security controls: reverted directly",
        "policy_type": "policy types are reverted directly",
    }[change.kind]
    return Drift(change.address, kind, change.kind, "revert", reason, change=change)


def _retired_shadow(change: Change) -> bool:
    """The reconciler's own shadow policy of a rollout that is over (docs/rollout.md): deleted like
    any step attachment is removed, not left for a person."""
    before = change.before or {}
    return (change.kind, change.action) == ("policy", "delete") and shadow_of(
        str(before.get("name")), before.get("description")) is not None


def _account_drift(change: Change, desired: Organization) -> Drift:
    account = desired.account(change.address.split(".", 1)[1])
    name = account.name if account else None
    kind = _KIND_BY_ACTION[change.action]
    if change.action == "delete":
        # The applied commit closes it (the gate passed it, with guardrails.allow_account_close):
        # a close CloseAccount's quotas held back is continued here, never started by drift.
        return Drift(change.address, "modified", "account", "revert", "queued close: the applied "
                     "commit closes this account", change=change, account=name)
    if change.action == "create":
        if account is not None and account.account_id:
            return Drift(change.address, "missing", "account", "report", f"account {account.account_id} "
                         "is gone from the organization", change=change, account=name)
        return Drift(change.address, kind, "account", "skip", "not created yet: apply creates accounts",
                     change=change, account=name)
    lifecycle = _lifecycle_move(change, account, desired)
    if lifecycle is not None:
        return Drift(change.address, kind, "account", "revert", lifecycle, change=change, account=name)
    level = account.automation_level if account else "manual"
    decision: Decision = {"full": "revert", "assisted": "pull_request"}.get(level, "report")  # type: ignore[assignment]
    return Drift(change.address, kind, "account", decision, f"automation_level {level}",
                 change=change, account=name)


def _lifecycle_move(change: Change, account: Account | None, desired: Organization) -> str | None:
    """Why an account's move is the lifecycle's, whatever its automation_level: into quarantine
    while retiring, or back to its OU when the retirement was cancelled."""
    quarantine = desired.lifecycle.quarantine_ou
    if account is None or quarantine is None or "ou" not in change.changed or change.before is None:
        return None
    if account.lifecycle_state == "retiring":
        return f"retiring: moved to the quarantine OU {quarantine}"
    if change.before.get("ou") == quarantine and account.lifecycle_state == "active":
        return f"retirement cancelled: back from the quarantine OU to {account.ou}"
    return None


def _baseline_drift(change: Change, desired: Organization) -> Drift:
    """A baseline item: put back for a `full` account; reported otherwise, and when the repository
    would delete it (a baseline lives in organization.yaml, shared by many accounts, so one
    account's drift is not proposed as a pull request that would change them all)."""
    name = str((change.after or change.before or {}).get("account", ""))
    account = desired.account(name)
    level = account.automation_level if account else "manual"
    kind = _KIND_BY_ACTION[change.action]
    if change.action == "create" and account is not None and not account.account_id:
        return Drift(change.address, kind, "baseline", "skip", "the account is not created yet: apply "
                     "gives it its baseline", change=change, account=name)
    if level == "full" and change.action != "delete":
        return Drift(change.address, kind, "baseline", "revert", "automation_level full: the baseline is "
                     "put back", change=change, account=name)
    why = "never removed automatically" if change.action == "delete" else f"automation_level {level}"
    return Drift(change.address, kind, "baseline", "report", why, change=change, account=name)


def _from_unmanaged(item: Unmanaged, desired: Organization) -> Drift | None:
    settings = desired.reconcile
    if item.kind == "account" and item.live.get("account_id") == desired.management_account_id:
        return None  # organization.yaml declares it; it needs no account file
    if item.kind == "account":
        rule = settings.unmanaged_accounts
    elif item.kind in ("policy", "attachment"):
        rule = settings.unmanaged_policies
    else:
        rule = "report"  # an OU or policy type only in AWS: never deleted, so only reported
    if rule == "ignore":
        return None
    decision: Decision = rule if rule in ("import_pr", "detach") else "report"  # type: ignore[assignment]
    # A policy is detached target by target and never deleted; an attachment cannot be imported
    # on its own (the policy's import pull request carries its targets).
    if (item.kind, decision) in (("policy", "detach"), ("attachment", "import_pr")):
        decision = "report"
    return Drift(item.address, "unmanaged", item.kind, decision,
                 f"not in the repository (reconcile.unmanaged_{item.kind}s: {rule})", unmanaged=item)


def _inactive_accounts(desired: Organization, live: Organization) -> list[Drift]:
    """A repository account that AWS has closed (or is closing), or whose sign-up was never
    completed (PENDING_ACTIVATION): the planner has nothing to change (AWS cannot reinstate a
    closed account, nor finish a sign-up), so it would stay silent; people must hear of it."""
    by_id = {a.account_id: a for a in live.accounts if a.account_id}
    found = []
    for account in desired.accounts:
        current = by_id.get(account.account_id) if account.account_id else None
        if current and current.status != "ACTIVE" and _expects_active(account):
            found.append(Drift(f"account.{account.name}", "missing", "account", "report",
                               f"AWS reports the account {current.status}", account=account.name,
                               unmanaged=Unmanaged(f"account.{account.name}", "account",
                                                   {"status": current.status})))
    return found


def _expects_active(account: Account) -> bool:
    return account.lifecycle_state in ("requested", "active")


def managed_addresses(desired: Organization) -> set[str]:
    """Every address the repository manages: the denominator of the share in sync."""
    addresses = {f"policy_type.{t}" for t in desired.policy_types}
    addresses |= {f"ou.{o.path}" for o in desired.ous}
    addresses |= {f"account.{a.name}" for a in desired.accounts}
    for policy in desired.policies:
        addresses.add(f"policy.{policy.name}")
        addresses |= {f"attachment.{policy.name}.{t}" for t in policy.targets}
    for name, baseline in desired.baselines.items():
        addresses |= baseline_addresses(name, baseline)
    return addresses
