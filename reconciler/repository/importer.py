"""`import`: a desired-state repository written from a live snapshot.

Accounts get their metadata from their tags (the inverse of what apply writes). Where a tag is
missing or holds a value the schema does not accept, a cautious default is written with a comment
saying so: automation_level `manual` (drift is reported, never reverted, until a person has
reviewed the file) and environment `production` (the strictest). Names AWS allows but the
repository format does not are normalised, and collisions are resolved and reported.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reconciler.errors import ReconcilerError, show_path
from reconciler.model import (
    AUTOMATION_LEVELS,
    CLOSED_STATES,
    COMPLIANCE_SCOPES,
    ENVIRONMENTS,
    LIFECYCLE_STATES,
    RESERVED_TAG_KEYS,
    ROOT,
    WORKLOAD_TYPES,
    Account,
    Baseline,
    Organization,
    Policy,
    shadow_of,
)
from reconciler.repository.baseline_import import account_baseline_text, baselines_text, group_baselines

DEFAULTS = {
    "environment": "production", "workload_type": "internal", "owner_team": "unassigned",
    "cost_center": "CC-000", "automation_level": "manual", "lifecycle_state": "active",
}
ALLOWED = {"environment": ENVIRONMENTS, "workload_type": WORKLOAD_TYPES,
           "automation_level": AUTOMATION_LEVELS, "lifecycle_state": LIFECYCLE_STATES}
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")
_COST_CENTER = re.compile(r"^CC-[0-9]{3,10}$")
_POLICY_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class ImportReport:
    accounts: int = 0
    policies: int = 0
    ous: int = 0
    renamed: list[str] = field(default_factory=list)  # "live name -> file name"
    defaulted: int = 0  # accounts with at least one defaulted field
    adopted: int = 0  # accounts that lack some of the reconciler's own tags: the first apply adds them
    shadows: list[str] = field(default_factory=list)  # rollout shadow policies, not imported
    baselines: int = 0  # with --baselines: the baselines written
    baselined: int = 0  # with --baselines: the accounts that add one
    left_out: list[str] = field(default_factory=list)  # with --baselines: what the format cannot hold


def normalise(name: str, fallback: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    text = re.sub(r"-{2,}", "-", text)[:50].strip("-")
    return text if _NAME.match(text) else fallback


def q(value: str) -> str:
    """A YAML scalar that reads back as exactly this string (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def check_output(out: Path) -> None:
    """Refuse, before AWS is read and without creating anything, a place import cannot write to or
    a directory that holds anything: nothing of the user's is ever overwritten."""
    where = show_path(out)
    existing = next(p for p in (out, *out.parents) if p.exists() or p == p.parent)
    if existing == out and any(out.iterdir()):
        raise ReconcilerError(f"{where} is not empty; import writes only into an empty or new "
                              "directory, so nothing of yours is overwritten")
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        why = "is not a directory" if not existing.is_dir() else "cannot be written to"
        raise ReconcilerError(f"cannot write the repository into {where}: {show_path(existing)} {why}; "
                              "pass --output a new or empty directory you can write to")


def import_organization(live: Organization, out: Path,
                        baselines: Mapping[str, Baseline] | None = None) -> ImportReport:
    """`baselines` (import --baselines): account id -> what the account has of a baseline in AWS."""
    try:
        return _write(live, out, baselines)
    except OSError as exc:
        raise ReconcilerError(f"cannot write the repository into {show_path(out)} ({exc.strerror}): "
                              "pass --output a new or empty directory you can write to") from exc


def _write(live: Organization, out: Path, baselines: Mapping[str, Baseline] | None) -> ImportReport:
    report = ImportReport(ous=len(live.ous))
    (out / "accounts").mkdir(parents=True, exist_ok=True)
    (out / "policies").mkdir(exist_ok=True)
    names = account_names(live, report)
    imported = group_baselines(baselines or {}, names)
    report.baselines, report.baselined = len(imported.declared), len(imported.of_account)
    report.left_out = imported.left_out
    organization = organization_text(live) + (baselines_text(imported, q) if imported.declared else "")
    (out / "organization.yaml").write_text(organization, encoding="utf-8")
    for account in live.accounts:
        if account.account_id == live.management_account_id or account.account_id not in names:
            continue
        name = names[str(account.account_id)]
        text, defaulted = account_text(account, name)
        if name in imported.of_account:
            text += account_baseline_text(imported.of_account[name])
        (out / "accounts" / f"{name}.yaml").write_text(text, encoding="utf-8")
        report.accounts += 1
        report.defaulted += defaulted
        report.adopted += not RESERVED_TAG_KEYS <= set(account.tags)
    by_live_name = {a.name: names[str(a.account_id)] for a in live.accounts if a.account_id in names}
    for policy in live.policies:
        if policy.aws_managed:
            continue
        if shadow_of(policy.name, policy.description) is not None:
            report.shadows.append(policy.name)  # a rollout's, not a policy of its own (docs/rollout.md)
            continue
        file_name = _POLICY_NAME.sub("-", policy.name).strip("-.")[:128] or f"policy-{policy.policy_id}"
        if file_name != policy.name:
            report.renamed.append(f"policy {policy.name!r} -> {file_name}")
        (out / "policies" / f"{file_name}.yaml").write_text(
            policy_text(policy, file_name, by_live_name), encoding="utf-8")
        report.policies += 1
    return report


def account_names(live: Organization, report: ImportReport) -> dict[str, str]:
    """account id -> file name, unique, in the account_name pattern."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for account in sorted(live.accounts, key=lambda a: (a.name, str(a.account_id))):
        if account.account_id == live.management_account_id or not account.account_id:
            continue
        name = normalise(account.name, f"account-{account.account_id}")
        if name in taken:
            name = f"{name[:37]}-{account.account_id}"
        if name != account.name:
            report.renamed.append(f"account {account.name!r} -> {name}")
        taken.add(name)
        names[account.account_id] = name
    return names


def organization_text(live: Organization) -> str:
    lines = [
        "# Imported from the live organization by `reconciler import`. Review before the first apply.",
        f"management_account_id: {q(live.management_account_id)}",
        f"policy_types: [{', '.join(sorted(live.policy_types))}]",
        "organizational_units:" + ("" if live.ous else " []"),
    ]
    for ou in sorted(live.ous, key=lambda o: (o.depth, o.path)):
        if ou.tags:
            lines.append(f"  - path: {q(ou.path)}")
            lines.append("    tags:")
            lines += [f"      {q(k)}: {q(v)}" for k, v in sorted(ou.tags.items())]
        else:
            lines.append(f"  - {q(ou.path)}")
    return "\n".join(lines) + "\n"


def account_text(account: Account, name: str) -> tuple[str, bool]:
    values = _metadata(account)
    lines = [f"account_id: {q(str(account.account_id))}", f"account_name: {name}",
             f"email: {q(account.email)}", f"ou: {q(account.ou) if account.ou != ROOT else ROOT}"]
    defaulted = False
    for key in ("environment", "workload_type", "owner_team", "cost_center"):
        value, ok = values[key]
        lines.append(f"{key}: {q(value)}" + ("" if ok else _DEFAULTED))
        defaulted |= not ok
    scope = [s for s in account.compliance_scope if s in COMPLIANCE_SCOPES]
    lines.append(f"compliance_scope: [{', '.join(scope)}]")
    for key in ("automation_level", "lifecycle_state"):
        value, ok = values[key]
        lines.append(f"{key}: {value}" + ("" if ok else _DEFAULTED))
        defaulted |= not ok
    if account.created_by:
        lines.append(f"created_by: {q(account.created_by)}")
    if account.extra_tags:
        lines.append("tags:")
        lines += [f"  {q(k)}: {q(v)}" for k, v in sorted(account.extra_tags.items())]
    return "\n".join(lines) + "\n", defaulted


_DEFAULTED = "  # default: AWS has no usable tag for this; review it"


def _metadata(account: Account) -> dict[str, tuple[str, bool]]:
    found = {
        "environment": account.environment, "workload_type": account.workload_type,
        "owner_team": account.owner_team, "cost_center": account.cost_center,
        "automation_level": account.automation_level if "automation-level" in account.tags else None,
        "lifecycle_state": account.lifecycle_state if "lifecycle-state" in account.tags else None,
    }
    if account.status in CLOSED_STATES and found["lifecycle_state"] is None:
        found["lifecycle_state"] = "suspended"
    out: dict[str, tuple[str, bool]] = {}
    for key, value in found.items():
        ok = bool(value) and (key not in ALLOWED or value in ALLOWED[key])
        ok = ok and (key != "cost_center" or bool(_COST_CENTER.match(str(value))))
        out[key] = (str(value), True) if ok else (DEFAULTS[key], False)
    return out


def policy_text(policy: Policy, name: str, account_names: dict[str, str]) -> str:
    targets = sorted(_target(t, account_names) for t in policy.targets)
    head = [f"name: {name}", f"type: {policy.type}", f"description: {q(policy.description)}",
            "targets:" + ("" if targets else " []")]
    head += [f"  - {q(t)}" for t in targets]
    document = yaml.safe_dump(policy.document or {}, sort_keys=False, allow_unicode=True, width=100)
    body = "".join(f"  {line}\n" for line in document.splitlines())
    return "\n".join(head) + "\ndocument:\n" + body


def _target(target: str, account_names: dict[str, str]) -> str:
    if target.startswith("account:"):
        live_name = target[len("account:"):]
        return f"account:{account_names.get(live_name, live_name)}"
    return target
