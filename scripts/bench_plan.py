"""Benchmark a full `plan` against orgsim: API calls per operation against the minimum, client CPU
time, and the floor in seconds at the Organizations request rates.

    .venv/bin/python scripts/bench_plan.py [--accounts 1000 10000] [--ous 500] [--policies 100] [--runs 3]

For each size it generates a repository (scripts/generate_org.py), seeds orgsim with exactly that
state through plain boto3 (throttling off), then plans the repository against it: the plan must
be empty, so the measurement is a full read plus a plan that finds nothing to do. Each plan runs
in a new process, as a real `reconciler plan` does (nothing cached from the seeding), `--runs`
times; the CPU reported is the least of the runs (each run's total is listed too).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generate_org import generate as generate_org  # noqa: E402 - scripts/ is on sys.path

from orgsim.testing import OrgSim  # noqa: E402
from reconciler.adapters.aws import AwsClient  # noqa: E402
from reconciler.adapters.pacing import rate_for  # noqa: E402
from reconciler.live.read import read_organization  # noqa: E402
from reconciler.live.scope import scope_for  # noqa: E402
from reconciler.model import ROOT as ROOT_TARGET  # noqa: E402
from reconciler.model import Organization  # noqa: E402
from reconciler.plan.planner import plan  # noqa: E402
from reconciler.repository.load import load_repository  # noqa: E402


def seed(org: Any, desired: Organization) -> None:
    """Make the live organization exactly what the repository says, as fast as boto3 allows."""
    root = org.list_roots()["Roots"][0]["Id"]
    for kind in sorted(desired.policy_types):
        org.enable_policy_type(RootId=root, PolicyType=kind)
    ou_ids = {ROOT_TARGET: root}
    for ou in sorted(desired.ous, key=lambda o: (o.depth, o.path)):
        tags = [{"Key": k, "Value": v} for k, v in ou.tags.items()]
        extra = {"Tags": tags} if tags else {}
        made = org.create_organizational_unit(ParentId=ou_ids[ou.parent], Name=ou.name, **extra)
        ou_ids[ou.path] = made["OrganizationalUnit"]["Id"]
    for number, account in enumerate(desired.accounts):
        org.create_account(Email=account.email, AccountName=account.name,
                           Tags=[{"Key": k, "Value": v} for k, v in account.tags.items()])
        if number % 1000 == 999:
            print(f"  seeded {number + 1} accounts", file=sys.stderr)
    time.sleep(0.5)
    ids = {a["Email"]: a["Id"] for p in org.get_paginator("list_accounts").paginate() for a in p["Accounts"]}
    account_ids = {}
    for account in desired.accounts:
        account_ids[account.name] = ids[account.email]
        if account.ou != ROOT_TARGET:
            org.move_account(AccountId=ids[account.email], SourceParentId=root,
                             DestinationParentId=ou_ids[account.ou])
    for policy in desired.policies:
        if policy.aws_managed:
            continue
        made = org.create_policy(Name=policy.name, Type=policy.type, Description=policy.description,
                                 Content=json.dumps(policy.document, separators=(",", ":")))
        policy_id = made["Policy"]["PolicySummary"]["Id"]
        for target in sorted(policy.targets):
            kind, _, name = target.partition(":")
            target_id = root if target == ROOT_TARGET else ou_ids[name] if kind == "ou" else account_ids[name]
            org.attach_policy(PolicyId=policy_id, TargetId=target_id)


def shape(live: Organization) -> dict[str, int]:
    """What the minimum depends on: OUs, accounts, policies, their direct targets, tagged resources."""
    return {
        "ous": len(live.ous), "accounts": len(live.accounts), "policies": len(live.policies),
        "targets": sum(len(p.targets) for p in live.policies),
        "tagged": sum(1 for a in live.accounts if a.tags) + sum(1 for o in live.ous if o.tags),
    }


def minimum(size: dict[str, int], rechecked: int) -> int:
    """1 + (O+1) + ceil(A/20) + 2P + ceil(T/20) + ceil(tagged accounts and OUs / 100) (GetResources)
    + tags read again one by one (differences from the repository, or GetResources denied)."""
    return (1 + (size["ous"] + 1) + math.ceil(size["accounts"] / 20) + 2 * size["policies"]
            + math.ceil(size["targets"] / 20) + math.ceil(size["tagged"] / 100) + rechecked)


def _seconds(calls: dict[str, int], operation: str) -> float:
    """How long `operation`'s calls take at its rate, after its burst."""
    rate = rate_for(operation)
    return max(0.0, calls.get(operation, 0) - rate.burst) / rate.per_second


def parallel_floor(calls: dict[str, int]) -> float:
    """The floor of the reader's parallel read (reconciler/live/read.py): ListRoots, then the OU walk,
    the ListAccounts pages and the policies at once, each operation at its own rate; the tag pages
    (and re-reads) start once the OUs and accounts are known, while the policies may still be read."""
    def t(*operations: str) -> float:
        return max(_seconds(calls, op) for op in operations)
    lists = max(t("ListOrganizationalUnitsForParent"), t("ListAccounts", "ListParents"))
    tags = t("GetResources") + t("ListTagsForResource")
    policies = t("ListPolicies") + t("DescribePolicy", "ListTargetsForPolicy")
    return _seconds(calls, "ListRoots") + max(lists + tags, policies)


def phases(repo: Path) -> dict[str, float]:
    """CPU seconds of one plan's load, read and plan, in this (fresh) process; the process's start
    and imports are not counted. Run as `bench_plan.py --phases REPO` by `measure`."""
    cpu = time.process_time()
    desired = load_repository(repo)
    cpu_load = time.process_time() - cpu
    live = read_organization(AwsClient(), scope_for(desired))
    cpu_read = time.process_time() - cpu - cpu_load
    result = plan(desired, live)
    cpu_plan = time.process_time() - cpu - cpu_load - cpu_read
    return {"load": cpu_load, "read": cpu_read, "plan": cpu_plan, "changes": len(result.changes),
            "shape": shape(live)}


def measure(sim: OrgSim, repo: Path, runs: int) -> dict[str, Any]:
    """Each run is a new process (no warm caches, as a real `plan`); the CPU is the least of the
    runs' totals, which is the least disturbed by whatever else the machine is doing."""
    timings = []
    for _ in range(runs):
        sim.reset(state=False)
        wall = time.monotonic()
        out = subprocess.run([sys.executable, __file__, "--phases", str(repo)], check=True,
                             capture_output=True, text=True, env=os.environ.copy()).stdout
        timings.append((json.loads(out), time.monotonic() - wall, sim.calls()))
    best, wall, calls = min(timings, key=lambda t: t[0]["load"] + t[0]["read"] + t[0]["plan"])
    size = best["shape"]
    rechecked = calls.get("ListTagsForResource", 0)
    floor_sum = sum(n / rate_for(op).per_second for op, n in calls.items())
    floor_max = max(max(0.0, n - rate_for(op).burst) / rate_for(op).per_second for op, n in calls.items())
    return {
        "accounts": size["accounts"], "ous": size["ous"], "policies": size["policies"],
        "changes": best["changes"], "calls": calls, "total_calls": sum(calls.values()),
        "minimum_calls": minimum(size, rechecked),
        "cpu_seconds": round(best["load"] + best["read"] + best["plan"], 2),
        "cpu_load": round(best["load"], 2), "cpu_read": round(best["read"], 2),
        "cpu_plan": round(best["plan"], 2),
        "cpu_seconds_every_run": [round(t["load"] + t["read"] + t["plan"], 2) for t, _, _ in timings],
        "wall_seconds": round(wall, 1),
        "floor_seconds_sequential": round(floor_sum, 1), "floor_seconds_per_operation": round(floor_max, 1),
        "floor_seconds_parallel": round(parallel_floor(calls), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--ous", type=int, default=500)
    parser.add_argument("--policies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="plans per size, each a new process")
    parser.add_argument("--phases", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases:
        print(json.dumps(phases(args.phases)))
        return
    results = []
    for count in args.accounts:
        with OrgSim.start(throttle=False, create_account_seconds=0) as sim, \
                tempfile.TemporaryDirectory() as scratch:
            os.environ.update(sim.env())
            os.environ["RECONCILER_AWS_PACING"] = "off"
            repo = Path(scratch) / "repo"
            generate_org(repo, count, args.ous, args.policies, 1)
            desired = load_repository(repo)
            started = time.monotonic()
            sim.configure(account_limit=count + 10)
            seed(sim.client(), desired)
            print(f"seeded {count} accounts in {time.monotonic() - started:.0f}s", file=sys.stderr)
            result = measure(sim, repo, args.runs)
            print(json.dumps(result, indent=2))
            results.append(result)
    for r in results:
        over = 100 * (r["total_calls"] - r["minimum_calls"]) / r["minimum_calls"]
        print(f"{r['accounts']} accounts: {r['total_calls']} calls (minimum {r['minimum_calls']}, "
              f"{over:+.1f}%), CPU {r['cpu_seconds']}s, floor {r['floor_seconds_parallel']}s in parallel",
              file=sys.stderr)


if __name__ == "__main__":
    main()
