"""The plan as data: what the planner decides and `apply` executes.

`before` and `after` are JSON-ready dicts (the shapes below), so a plan can be written to a file,
rendered for people, and executed later by `apply --plan FILE` with nothing recomputed:

- policy_type: {"type": "SERVICE_CONTROL_POLICY"}
- ou:          {"path": "Workloads/Production", "tags": {...}}
- account:     {"name", "email", "ou", "account_id", "tags"}
- policy:      {"name", "type", "description", "document"}
- attachment:  {"policy": "<policy name>", "target": "root" | "ou:<path>" | "account:<name>"}
- baseline:    {"account", "account_id", "item": "contact" | "region" | "access" | "budget", ...}
               (reconciler.plan.baselines)

Ids AWS assigns (a new OU's, a new account's, a new policy's) are not in the plan: apply resolves
names to ids as it goes, from the live snapshot and from what it has created so far.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["create", "update", "delete"]
Kind = Literal["policy_type", "ou", "account", "policy", "attachment", "baseline"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Change:
    address: str  # "account.cust-acme-prod", "attachment.deny-leave.ou:Workloads/Production", ...
    kind: Kind
    action: Action
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    changed: tuple[str, ...] = ()  # for updates: the fields that differ ("ou", "tags", "name", ...)
    # Accounts the change reaches through inheritance (policy and attachment changes).
    reach: int | None = None


@dataclass(frozen=True)
class Unmanaged:
    """Something that exists in AWS but not in the repository. The planner never deletes it; the
    drift reconciler handles it per `reconcile.unmanaged_*`."""

    address: str
    kind: Kind
    live: Mapping[str, Any]


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    # Things the repository asks for that AWS cannot do declaratively (a root email change):
    # explained to people, never attempted.
    notes: tuple[str, ...] = ()
    # How the plan changes accounts' effective management policies, one line per policy type
    # (reconciler/plan/effective_diff.py): shown to reviewers, never acted on.
    effective: tuple[str, ...] = ()
    repository_fingerprint: str = ""
    live_fingerprint: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts
