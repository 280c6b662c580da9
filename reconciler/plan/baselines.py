"""Account baselines in the plan: one change per item, addressed

    baseline.<account>.contact.<BILLING|OPERATIONS|SECURITY>
    baseline.<account>.region.<region>
    baseline.<account>.access.<group>.<permission set>      (a user: access.user:<name>.<set>)
    baseline.<account>.budget

Contacts and Regions are created and updated, never deleted (a contact the repository stops
setting, or a Region it stops asking for, is left as it is: disabling a Region cuts off what runs
in it). A budget (named baseline-<account id>: the reconciler's own) is deleted when no baseline
gives the account one. An Identity Center assignment is deleted only on an account whose baseline
gives access, and only for a group or user and permission set the repository names: an account
without access in its baseline keeps whatever assignments it has. Deletes count against
guardrails.max_destructive_changes like every other. Accounts
that do not exist yet get every item of their baseline, applied right after they are created.
Identity Center names that AWS does not know are refused here, before any change, in one error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.errors import RepositoryError, show
from reconciler.model import Access, AccountBudget, Baseline, Contact, Organization
from reconciler.plan.accounts import AccountMatching
from reconciler.plan.changes import Change

Item = dict[str, Any]


def baseline_changes(desired: Organization, live: Organization, matching: AccountMatching) -> list[Change]:
    if not desired.baselines and not live.baselines:
        return []
    check_names(desired, live)
    paired = {want.name: have for want, have in matching.pairs}
    creating = {a.name for a in matching.to_create}
    changes: list[Change] = []
    for account in desired.accounts:
        want = desired.baselines.get(account.name, Baseline())
        if account.name in creating:
            changes += _account_changes(account.name, None, want, Baseline())
            continue
        have_account = paired.get(account.name)
        if have_account is None or account.name in matching.inert or not have_account.account_id:
            continue
        have = live.baselines.get(have_account.account_id)
        if have is not None:  # read: a managed, open account other than the management account
            changes += _account_changes(account.name, have_account.account_id, want, have)
    return changes


def check_names(desired: Organization, live: Organization) -> None:
    """Every group, user and permission set an account's baseline names must exist in Identity
    Center: one error listing all that do not, each with where it is written."""
    wanted = {a for b in desired.baselines.values() for a in b.access}
    if not wanted:
        return
    center = live.identity_center
    principals = center.principals if center else {}
    sets = center.permission_sets if center else {}
    missing = sorted({a.principal_key for a in wanted if a.principal_key not in principals}
                     | {f"permission_set:{a.permission_set}" for a in wanted if a.permission_set not in sets})
    if not missing:
        return
    lines = []
    for key in missing:
        kind, _, name = key.partition(":")
        where = desired.identity_names.get(key)
        what = {"group": "group", "user": "user", "permission_set": "permission set"}[kind]
        lines.append(f"{where or 'organization.yaml'}: the Identity Center {what} {show(name)} does not "
                     "exist; create it in IAM Identity Center or correct the name")
    raise RepositoryError("baselines name what IAM Identity Center does not have (nothing was changed):\n"
                          + "\n".join(lines))


def _account_changes(name: str, account_id: str | None, want: Baseline, have: Baseline) -> list[Change]:
    base = {"account": name, "account_id": account_id}
    changes = [*_contacts(name, base, want.contacts, have.contacts)]
    changes += [Change(f"baseline.{name}.region.{r}", "baseline", "create",
                       after={**base, "item": "region", "region": r})
                for r in sorted(want.regions - have.regions)]
    changes += [Change(_access_address(name, a), "baseline", "create", after={**base, **_access(a)})
                for a in sorted(want.access - have.access)]
    # Only an account whose baseline gives access has its access managed: there, an assignment of a
    # group or user and permission set the repository names, that no baseline gives, is removed.
    # Elsewhere (an account without access in its baseline) assignments are left as they are.
    removed = sorted(have.access - want.access) if want.access else []
    changes += [Change(_access_address(name, a), "baseline", "delete", before={**base, **_access(a)})
                for a in removed]
    budget = _budget_change(name, base, want.budget, have.budget)
    return changes + ([budget] if budget else [])


def _contacts(name: str, base: Item, want: Mapping[str, Contact],
              have: Mapping[str, Contact]) -> list[Change]:
    changes = []
    for kind in sorted(want):
        after = {**base, **_contact(kind, want[kind])}
        if kind not in have:
            changes.append(Change(f"baseline.{name}.contact.{kind}", "baseline", "create", after=after))
        elif have[kind] != want[kind]:
            before = {**base, **_contact(kind, have[kind])}
            fields = tuple(f for f in ("name", "title", "email", "phone") if before[f] != after[f])
            changes.append(Change(f"baseline.{name}.contact.{kind}", "baseline", "update",
                                  before=before, after=after, changed=fields))
    return changes


def _contact(kind: str, contact: Contact) -> Item:
    return {"item": "contact", "type": kind, "name": contact.name, "title": contact.title,
            "email": contact.email, "phone": contact.phone}


def _access(access: Access) -> Item:
    return {"item": "access", "principal_type": access.principal_type, "principal": access.principal,
            "permission_set": access.permission_set}


def _access_address(name: str, access: Access) -> str:
    who = access.principal if access.principal_type == "GROUP" else f"user:{access.principal}"
    return f"baseline.{name}.access.{who}.{access.permission_set}"


def baseline_addresses(name: str, baseline: Baseline) -> set[str]:
    """Every address an account's baseline manages."""
    found = {f"baseline.{name}.contact.{k}" for k in baseline.contacts}
    found |= {f"baseline.{name}.region.{r}" for r in baseline.regions}
    found |= {_access_address(name, a) for a in baseline.access}
    return found | ({f"baseline.{name}.budget"} if baseline.budget else set())


def _budget_change(name: str, base: Item, want: AccountBudget | None, have: AccountBudget | None
                   ) -> Change | None:
    address = f"baseline.{name}.budget"
    if want is None:
        return Change(address, "baseline", "delete", before={**base, **budget_dict(have)}) if have else None
    after = {**base, **budget_dict(want)}
    if have is None:
        return Change(address, "baseline", "create", after=after)
    before = {**base, **budget_dict(have)}
    fields = tuple(f for f in ("limit_usd", "alerts", "subscribers") if before[f] != after[f])
    if not fields:
        return None
    return Change(address, "baseline", "update", before=before, after=after, changed=fields)


def budget_dict(budget: AccountBudget) -> Item:
    return {"item": "budget", "limit_usd": budget.limit_usd,
            "alerts": [{"type": a.kind, "threshold": a.threshold}
                       for a in sorted(budget.alerts, key=lambda a: (a.kind, a.threshold))],
            "subscribers": sorted(budget.subscribers)}
