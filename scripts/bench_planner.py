#!/usr/bin/env python3
"""CPU time of the pure planner and renderers on a large organization built in memory.

    .venv/bin/python scripts/bench_planner.py [--accounts 10000] [--ous 500] [--policies 100]

Three cases: the repository against a live state that matches it (the common CI run), against a
live state with drift on a tenth of the accounts and policies, and against an empty organization
(everything to create). Prints one line per step with its process CPU time; docs/plan.md records
the numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
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
from reconciler.plan.fingerprint import fingerprint
from reconciler.plan.planner import plan, plan_to_json
from reconciler.plan.render.markdown import render_markdown
from reconciler.plan.render.text import render_text

MGMT = "100000000000"


def build(accounts: int, ous: int, policies: int, seed: int = 7) -> Organization:
    rng = random.Random(seed)
    paths: list[str] = []
    for i in range(ous):
        parents = [p for p in paths if p.count("/") < 4] if i >= 10 else []
        parent = rng.choice(parents) if parents else ""
        paths.append(f"{parent}/ou{i}" if parent else f"ou{i}")
    units = tuple(OrganizationalUnit(p, tags={"team": f"t{i % 7}"}) for i, p in enumerate(paths))
    people = tuple(_account(i, rng.choice([*paths, ROOT])) for i in range(accounts))
    targets = [*(f"ou:{p}" for p in paths), *(f"account:{a.name}" for a in people)]
    docs = tuple(_policy(i, rng.sample(targets, 5) + ([ROOT] if i < 3 else [])) for i in range(policies))
    return Organization(
        management_account_id=MGMT, policy_types=frozenset({SCP, TAG_POLICY}), ous=units,
        accounts=people, policies=docs, guardrails=Guardrails(max_destructive_changes=100_000),
    )


def _account(i: int, ou: str) -> Account:
    extra = {"data-classification": "internal"}
    tags = account_tags(environment="production", workload_type="internal", owner_team=f"team-{i % 40}",
                        cost_center="CC-1234", compliance_scope=("soc2",), automation_level="full",
                        lifecycle_state="active", extra_tags=extra)
    return Account(name=f"acct-{i:05d}", email=f"aws+acct-{i:05d}@example.com", ou=ou,
                   account_id=str(200000000000 + i), environment="production", workload_type="internal",
                   owner_team=f"team-{i % 40}", cost_center="CC-1234", compliance_scope=("soc2",),
                   extra_tags=extra, tags=tags)


def _policy(i: int, targets: list[str]) -> Policy:
    statements = [{"Sid": f"S{i}x{j}", "Effect": "Deny", "Action": [f"svc{j}:Do*"], "Resource": "*"}
                  for j in range(12)]
    return Policy(f"policy-{i:03d}", SCP if i % 5 else TAG_POLICY, description=f"policy {i}",
                  document={"Version": "2012-10-17", "Statement": statements}, targets=frozenset(targets))


def drifted(org: Organization) -> Organization:
    accounts = tuple(replace(a, tags={**a.tags, "owner-team": "someone-else"}) if i % 10 == 0 else a
                     for i, a in enumerate(org.accounts))
    policies = tuple(replace(p, document={"Version": "2012-10-17", "Statement": []}) if i % 10 == 0 else p
                     for i, p in enumerate(org.policies))
    return replace(org, accounts=accounts, policies=policies)


def timed(label: str, step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    start = time.process_time()
    result = step(*args, **kwargs)
    print(f"  {label:<28} {time.process_time() - start:7.3f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--ous", type=int, default=500)
    parser.add_argument("--policies", type=int, default=100)
    args = parser.parse_args()
    desired = timed("build organization", build, args.accounts, args.ous, args.policies)
    print(f"{args.accounts} accounts, {args.ous} OUs, {args.policies} policies")
    new = replace(desired, accounts=tuple(replace(a, account_id=None) for a in desired.accounts))
    cases = {"in sync": (desired, desired), "drift on 10%": (desired, drifted(desired)),
             "empty organization": (new, Organization(management_account_id=MGMT))}
    for name, (repo, live) in cases.items():
        print(f"{name}:")
        result = timed("plan()", plan, repo, live)
        print(f"  {len(result.changes)} changes")
        timed("fingerprint (live)", fingerprint, live)
        timed("render_text", render_text, result)
        timed("render_markdown(65536)", render_markdown, result, max_chars=65536)
        timed("plan_to_json + dumps", lambda: json.dumps(plan_to_json(result)))  # noqa: B023


if __name__ == "__main__":
    main()
