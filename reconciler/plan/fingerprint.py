"""Fingerprints of an organization: sha256 of a canonical JSON of what the planner reads.

A plan records both fingerprints; `apply --plan FILE` reads AWS again and refuses the plan if the
live fingerprint changed, because the plan was decided on a state that no longer exists. Ids AWS
assigns and file positions are left out: they do not change what the plan does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from reconciler.model import Account, Baseline, Organization, OrganizationalUnit, Policy

PREFIX = "sha256:"


def fingerprint(org: Organization) -> str:
    text = json.dumps(canonical(org), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(org: Organization) -> dict[str, Any]:
    """Every field the plan depends on, in an order-free form (lists sorted, sets as lists)."""
    found = _canonical(org)
    if org.baselines:  # absent when there are none, so that fingerprints without baselines stay put
        found["baselines"] = {k: _baseline(b) for k, b in org.baselines.items()}
    return found


def _baseline(baseline: Baseline) -> dict[str, Any]:
    budget = baseline.budget
    return {
        "contacts": {k: vars(c) for k, c in baseline.contacts.items()},
        "regions": sorted(baseline.regions),
        "access": [vars(a) for a in sorted(baseline.access)],
        "budget": None if budget is None else {
            "limit_usd": budget.limit_usd, "subscribers": sorted(budget.subscribers),
            "alerts": sorted((a.kind, a.threshold) for a in budget.alerts)},
    }


def _canonical(org: Organization) -> dict[str, Any]:
    return {
        "management_account_id": org.management_account_id,
        "policy_types": sorted(org.policy_types),
        "ous": sorted((_ou(o) for o in org.ous), key=lambda o: o["path"]),
        "accounts": sorted((_account(a) for a in org.accounts), key=lambda a: (a["name"], a["email"])),
        "policies": sorted((_policy(p) for p in org.policies), key=lambda p: p["name"]),
        "reconcile": vars(org.reconcile),
        "guardrails": vars(org.guardrails),
        "quotas": vars(org.quotas),
    }


def _ou(ou: OrganizationalUnit) -> dict[str, Any]:
    return {"path": ou.path, "tags": dict(ou.tags)}


def _account(a: Account) -> dict[str, Any]:
    return {
        "name": a.name, "email": a.email, "ou": a.ou, "account_id": a.account_id,
        "environment": a.environment, "workload_type": a.workload_type, "owner_team": a.owner_team,
        "cost_center": a.cost_center, "compliance_scope": list(a.compliance_scope),
        "automation_level": a.automation_level, "created_by": a.created_by,
        "lifecycle_state": a.lifecycle_state, "extra_tags": dict(a.extra_tags), "tags": dict(a.tags),
        "status": a.status,
    }


def _policy(p: Policy) -> dict[str, Any]:
    return {
        "name": p.name, "type": p.type, "description": p.description, "document": jsonable(p.document),
        "targets": sorted(p.targets), "aws_managed": p.aws_managed,
    }


def jsonable(value: Any) -> Any:
    """Mappings and sequences of a parsed document as plain dicts and lists, for JSON and equality."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
