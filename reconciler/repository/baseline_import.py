"""`import --baselines`: the baselines written for what the accounts have in AWS.

Accounts whose contacts, opt-in Regions, Identity Center access and budget are all the same share
one baseline; each distinct content gets its own, named plainly (`imported-1`, the most common
first), with no `applies_to`: each account's file adds its baseline by name. What the format cannot
hold is left out and reported, each with what the first plan will do about it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from reconciler.model import BUDGET_PREFIX, AccountBudget, Baseline
from reconciler.repository.baselines import ALERT_KINDS, REGIONS

PREFIX = "imported-"
MAX_ALERTS, MAX_SUBSCRIBERS = 5, 11
_SUBSCRIBER = re.compile(r"^([^\s@]+@[^\s@]+\.[^\s@]+|arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[\w-]{1,256})$")
_KIND_NAMES = {v: k for k, v in ALERT_KINDS.items()}


@dataclass
class ImportedBaselines:
    """Each baseline's name and content in the order written, and the baseline of each account."""

    declared: list[tuple[str, Baseline, list[str]]] = field(default_factory=list)  # name, content, accounts
    of_account: dict[str, str] = field(default_factory=dict)  # file name -> baseline name
    left_out: list[str] = field(default_factory=list)


def group_baselines(found: Mapping[str, Baseline], names: Mapping[str, str]) -> ImportedBaselines:
    """`found`: account id -> what it has in AWS; `names`: account id -> its file name."""
    result = ImportedBaselines()
    groups: dict[tuple[Any, ...], tuple[Baseline, list[str]]] = {}
    for account_id, baseline in sorted(found.items(), key=lambda item: names.get(item[0], item[0])):
        if account_id not in names:
            continue
        kept = _expressible(names[account_id], account_id, baseline, result.left_out)
        if kept.empty:
            continue
        groups.setdefault(_key(kept), (kept, []))[1].append(names[account_id])
    ordered = sorted(groups.values(), key=lambda group: (-len(group[1]), group[1][0]))
    for number, (baseline, accounts) in enumerate(ordered, 1):
        name = f"{PREFIX}{number}"
        result.declared.append((name, baseline, accounts))
        result.of_account |= dict.fromkeys(accounts, name)
    return result


def _expressible(name: str, account_id: str, baseline: Baseline, left_out: list[str]) -> Baseline:
    regions = frozenset(r for r in baseline.regions if REGIONS.get(r))
    for region in sorted(baseline.regions - regions):
        left_out.append(f"{name}: the Region {region} is enabled but is not an opt-in Region this version "
                        "knows; left out (plan never disables a Region)")
    budget = baseline.budget
    why = _budget_problem(budget) if budget else None
    if why:
        left_out.append(f"{name}: its budget {BUDGET_PREFIX}{account_id} {why}, which the format needs; left "
                        "out, so the first plan would delete it: give the baseline a budget before applying")
        budget = None
    return replace(baseline, regions=regions, budget=budget)


def _budget_problem(budget: AccountBudget) -> str | None:
    if not 1 <= len(budget.alerts) <= MAX_ALERTS:
        return f"has {len(budget.alerts)} alerts, not 1-{MAX_ALERTS}"
    if not 1 <= len(budget.subscribers) <= MAX_SUBSCRIBERS:
        return f"has {len(budget.subscribers)} subscribers common to all its alerts, not 1-{MAX_SUBSCRIBERS}"
    if budget.limit_usd <= 0 or any(not 0 < a.threshold <= 1000 or a.kind not in _KIND_NAMES
                                    for a in budget.alerts):
        return "has a limit or an alert (a percentage threshold of actual or forecasted spend) out of range"
    if not all(_SUBSCRIBER.match(s) for s in budget.subscribers):
        return "has a subscriber that is neither an email address nor an SNS topic ARN"
    return None


def _key(baseline: Baseline) -> tuple[Any, ...]:
    budget = baseline.budget
    return (tuple(sorted(baseline.contacts.items())), tuple(sorted(baseline.regions)),
            tuple(sorted(baseline.access)),
            None if budget is None else (budget.limit_usd, tuple(sorted(budget.alerts, key=_alert_order)),
                                         tuple(sorted(budget.subscribers))))


def _alert_order(alert: Any) -> tuple[str, float]:
    return (alert.kind, alert.threshold)


def baselines_text(imported: ImportedBaselines, quote: Any) -> str:
    """organization.yaml's `baselines:` block; `quote` makes a YAML string of a value."""
    lines = ["baselines:"]
    for name, baseline, accounts in imported.declared:
        shown = ", ".join(accounts[:3]) + (f" and {len(accounts) - 3} more" if len(accounts) > 3 else "")
        about = (f"imported: what {len(accounts)} account(s) had in AWS ({shown}); review it, name it and "
                 "give it applies_to")
        lines += [f"  {name}:", f"    description: {quote(about)}"]
        lines += _contacts_lines(baseline, quote)
        if baseline.regions:
            lines.append(f"    regions: [{', '.join(quote(r) for r in sorted(baseline.regions))}]")
        if baseline.access:
            lines.append("    access:")
            for access in sorted(baseline.access):
                who = "group" if access.principal_type == "GROUP" else "user"
                lines += [f"      - {who}: {quote(access.principal)}",
                          f"        permission_set: {quote(access.permission_set)}"]
        lines += _budget_lines(baseline.budget, quote)
    return "\n".join(lines) + "\n"


def _contacts_lines(baseline: Baseline, quote: Any) -> list[str]:
    if not baseline.contacts:
        return []
    lines = ["    alternate_contacts:"]
    for kind, contact in sorted(baseline.contacts.items()):
        lines.append(f"      {kind}: {{name: {quote(contact.name)}, title: {quote(contact.title)}, "
                     f"email: {quote(contact.email)}, phone: {quote(contact.phone)}}}")
    return lines


def _budget_lines(budget: AccountBudget | None, quote: Any) -> list[str]:
    if budget is None:
        return []
    lines = ["    budget:", f"      monthly_limit_usd: {_number(budget.limit_usd)}", "      alerts:"]
    lines += [f"        - {{threshold_percent: {_number(a.threshold)}, type: {_KIND_NAMES[a.kind]}}}"
              for a in sorted(budget.alerts, key=_alert_order)]
    lines.append(f"      subscribers: [{', '.join(quote(s) for s in sorted(budget.subscribers))}]")
    return lines


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def account_baseline_text(name: str) -> str:
    """The lines an account's file gets to add its imported baseline."""
    return f"baselines:\n  add: [{name}]\n"
