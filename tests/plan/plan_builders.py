"""Organizations built from plain values, for the planner's table tests."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from reconciler.model import (
    ROOT,
    SCP,
    TAG_POLICY,
    Account,
    Guardrails,
    Organization,
    OrganizationalUnit,
    Policy,
    account_tags,
)

MGMT_ID = "111111111111"
DENY = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "x:Y", "Resource": "*"}]}


def acct(name: str, ou: str = ROOT, account_id: str | None = None, **fields: Any) -> Account:
    """An account with its full tag set computed as the loader does."""
    email = fields.pop("email", f"aws+{name}@example.com")
    extra = fields.pop("extra_tags", {})
    base = Account(name=name, email=email, ou=ou, account_id=account_id, environment="production",
                   owner_team="platform", extra_tags=extra, **fields)
    return replace(base, tags=account_tags(
        environment=base.environment, workload_type=base.workload_type, owner_team=base.owner_team,
        cost_center=base.cost_center, compliance_scope=base.compliance_scope,
        automation_level=base.automation_level, lifecycle_state=base.lifecycle_state, extra_tags=extra,
    ))


def scp(name: str, *targets: str, document: Any = None, **fields: Any) -> Policy:
    return Policy(name=name, type=SCP, document=document or DENY, targets=frozenset(targets), **fields)


def org(
    *ous: str | OrganizationalUnit,
    accounts: tuple[Account, ...] = (),
    policies: tuple[Policy, ...] = (),
    types: frozenset[str] = frozenset({SCP}),
    **fields: Any,
) -> Organization:
    units = tuple(o if isinstance(o, OrganizationalUnit) else OrganizationalUnit(o) for o in ous)
    management = acct("management", account_id=MGMT_ID)
    return Organization(
        management_account_id=MGMT_ID, policy_types=types, ous=units,
        accounts=(management, *accounts), policies=policies, **fields,
    )


def full_access(*targets: str) -> Policy:
    return Policy("FullAWSAccess", SCP, aws_managed=True, targets=frozenset(targets))


def live_of(desired: Organization, ids: dict[str, str] | None = None) -> Organization:
    """The live organization apply would leave behind: ids assigned, FullAWSAccess where AWS puts it,
    closed accounts suspended."""
    ids = ids or {}
    accounts = tuple(
        replace(a, account_id=a.account_id or ids.get(a.name) or f"{900000000000 + i}",
                status="SUSPENDED" if a.lifecycle_state == "closed" else "ACTIVE")
        for i, a in enumerate(desired.accounts)
    )
    policies = tuple(p for p in desired.policies if not p.aws_managed)
    if SCP in desired.policy_types:
        declared = desired.policy("FullAWSAccess")
        default = {ROOT, *(f"ou:{o.path}" for o in desired.ous), *(f"account:{a.name}" for a in accounts)}
        targets = declared.targets | {"account:management"} if declared else default
        policies += (full_access(*targets),)
    return replace(desired, accounts=accounts, policies=policies)


def generated(seed: int, n_accounts: int = 60, n_ous: int = 12, n_policies: int = 8) -> Organization:
    """A random but valid organization: OUs up to depth 4, accounts spread among them, SCPs and
    tag policies attached at random to the root, OUs and accounts."""
    rng = random.Random(seed)
    paths: list[str] = []
    for i in range(n_ous):
        parent = rng.choice([p for p in paths if p.count("/") < 3] + [""])
        paths.append(f"{parent}/ou{i}" if parent else f"ou{i}")
    units = tuple(OrganizationalUnit(p, tags={"n": p} if rng.random() < 0.3 else {}) for p in paths)
    accounts = tuple(
        acct(f"acct-{i:04d}", ou=rng.choice([*paths, ROOT]), account_id=f"{200000000000 + i}",
             extra_tags={"k": str(rng.randint(0, 9))}, compliance_scope=("soc2",) if i % 2 else ())
        for i in range(n_accounts)
    )
    targets = [ROOT, *(f"ou:{p}" for p in paths), *(f"account:{a.name}" for a in accounts)]
    policies = tuple(
        Policy(f"pol-{i}", SCP if i % 3 else TAG_POLICY, description=f"policy {i}",
               document={"Version": "2012-10-17", "Statement": [{"Sid": f"S{i}"}]},
               targets=frozenset(rng.sample(targets, 3)))
        for i in range(n_policies)
    )
    return org(*units, accounts=accounts, policies=policies, types=frozenset({SCP, TAG_POLICY}),
               guardrails=Guardrails(max_destructive_changes=1000))
