"""A plan applied to an in-memory organization the way AWS would, for the planner's own tests:
apply-then-plan must be empty. Only AWS's behaviour the planner relies on is modelled (FullAWSAccess
attached to the root, OUs and accounts when SCPs are enabled and to every new OU and account)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from plan_builders import full_access

from reconciler.model import (
    FULL_AWS_ACCESS,
    ROOT,
    SCP,
    TAG_POLICY,
    Account,
    Organization,
    OrganizationalUnit,
    Policy,
)
from reconciler.plan.changes import Change, Plan


class World:
    def __init__(self, live: Organization) -> None:
        self.org = live
        self.types = set(live.policy_types)
        self.ous = {o.path: o for o in live.ous}
        self.accounts = {a.account_id or a.email: a for a in live.accounts}
        self.policies = {p.name: p for p in live.policies}
        self.attached = {p.name: {self.key(t) for t in p.targets} for p in live.policies}
        self.next_id = 500000000000

    def key(self, target: str) -> str:
        if not target.startswith("account:"):
            return target
        name = target.split(":", 1)[1]
        return "id:" + next(i for i, a in self.accounts.items() if a.name == name)

    def full_access_on(self, *keys: str) -> None:
        if SCP in self.types:
            self.policies.setdefault(FULL_AWS_ACCESS, full_access())
            self.attached.setdefault(FULL_AWS_ACCESS, set()).update(keys)

    def run(self, change: Change) -> None:
        after, before = change.after or {}, change.before or {}
        if change.kind == "policy_type":
            self.types.add(after["type"])
            if after["type"] == SCP:
                self.full_access_on(ROOT, *(f"ou:{p}" for p in self.ous), *(f"id:{i}" for i in self.accounts))
        elif change.kind == "ou":
            self.ous[after["path"]] = OrganizationalUnit(after["path"], tags=after["tags"])
            if change.action == "create":
                self.full_access_on(f"ou:{after['path']}")
        elif change.kind == "policy":
            self.policies[after["name"]] = Policy(after["name"], after["type"], after["description"],
                                                  after["document"])
        elif change.kind == "account":
            self.account(change, before, after)
        elif change.action == "create":
            self.attached.setdefault(after["policy"], set()).add(self.key(after["target"]))
        else:
            self.attached[before["policy"]].remove(self.key(before["target"]))

    def account(self, change: Change, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        if change.action == "create":
            self.next_id += 1
            new_id = str(self.next_id)
            self.accounts[new_id] = Account(after["name"], after["email"], after["ou"], new_id,
                                            tags=after["tags"])
            self.full_access_on(f"id:{new_id}")
        elif change.action == "update":
            key = after["account_id"]
            old = self.accounts[key]
            self.accounts[key] = replace(old, name=after["name"], ou=after["ou"], tags=after["tags"])
        else:
            key = before["account_id"]
            self.accounts[key] = replace(self.accounts[key], status="SUSPENDED")

    def result(self) -> Organization:
        def target(key: str) -> str:
            return f"account:{self.accounts[key[3:]].name}" if key.startswith("id:") else key

        policies = tuple(replace(p, targets=frozenset(target(k) for k in self.attached.get(p.name, ())))
                         for p in self.policies.values())
        return replace(self.org, policy_types=frozenset(self.types), ous=tuple(self.ous.values()),
                       accounts=tuple(self.accounts.values()), policies=policies)


def simulate(live: Organization, plan: Plan) -> Organization:
    world = World(live)
    for change in plan.changes:
        world.run(change)
    return world.result()


def drift(live: Organization, rng: random.Random, gone: frozenset[str] = frozenset()) -> Organization:
    """Random out-of-band changes to a live organization: everything the planner must undo.
    Accounts named in `gone` disappear (the repository will create them)."""
    leaves = [o.path for o in live.ous if not any(x.path.startswith(o.path + "/") for x in live.ous)]
    dropped = {p for p in leaves if rng.random() < 0.2}
    renamed: dict[str, str] = {}
    accounts = []
    for a in live.accounts:
        roll = rng.random()
        if a.name in gone:
            continue
        if a.ou in dropped or (roll < 0.1 and a.name != "management"):
            a = replace(a, ou=ROOT)
        if 0.1 <= roll < 0.2:
            a = replace(a, tags={**a.tags, "owner-team": "drifted", "extra": "x"})
        elif 0.2 <= roll < 0.25:
            renamed[a.name] = a.name + "-old"
            a = replace(a, name=a.name + "-old")
        accounts.append(a)
    accounts.append(Account("stray", "stray@example.com", ROOT, "444444444444"))

    def target(t: str) -> str | None:
        name = t.split(":", 1)[1] if t.startswith("account:") else None
        if name in gone or t.removeprefix("ou:") in dropped:
            return None
        return f"account:{renamed[name]}" if name in renamed else t

    policies = []
    for p in live.policies:
        kept = frozenset(filter(None, map(target, sorted(p.targets))))
        roll = rng.random()
        if p.aws_managed:
            policies.append(replace(p, targets=frozenset(rng.sample(sorted(kept), len(kept) // 2))))
        elif roll < 0.5:
            policies.append(replace(p, document={"Statement": []}, description="x",
                                    targets=frozenset([*sorted(kept)[1:], "account:stray"])))
        elif roll < 0.8:
            policies.append(replace(p, targets=kept))
    types = live.policy_types - {TAG_POLICY} if rng.random() < 0.2 else live.policy_types
    policies = [p for p in policies if p.type in types]
    ous = (*(o for o in live.ous if o.path not in dropped), OrganizationalUnit("Stray"))
    return replace(live, ous=ous, accounts=tuple(accounts), policies=tuple(policies), policy_types=types)
