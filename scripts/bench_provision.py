"""How long a requested account takes to be ready: from the merge of its request to the account
ACTIVE, in its OU, tagged, baselined (contacts, Identity Center access, budget) and its id pull
request open.

    python scripts/bench_provision.py [--create-account-seconds 90] [--assignment-seconds 5]
                                      [--batch 50]

orgsim runs with throttling on and the reconciler paces its calls as it does against AWS. AWS
gives no figure for CreateAccount beyond "you might need to wait a few minutes" (Organizations API
Reference, CreateAccount); 90 seconds is the delay the benchmark uses unless told otherwise, and
orgsim, like AWS, runs at most five creations at once. CreateAccountAssignment finishing
`--assignment-seconds` after it starts is an assumption (AWS publishes no duration).

The organization starts converged (the sample's OUs and policies, Identity Center with the groups
and permission sets the sample's `team-workload` baseline names). Then one request is merged and
applied, then `--batch` requests at once. For each account the benchmark reads apply's audit log:
ACTIVE is its AccountCreated record, ready is its last record (moved, tagged, every baseline item),
and the id pull request is opened on ghfake with the product's own write-back code once apply has
returned, as `apply-merged` does. It prints each round's median and worst.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from ghfake.testing import GHFake  # noqa: E402
from orgsim.testing import OrgSim  # noqa: E402
from reconciler.adapters.github import GitHubClient  # noqa: E402
from reconciler.pullrequests.writeback import open_writeback_pr  # noqa: E402
from reconciler.repository.load import load_repository  # noqa: E402


def _account(name: str) -> str:
    """A development account in Workloads: the sample's team-workload baseline selects it."""
    return yaml.safe_dump({"account_name": name, "email": f"aws+{name}@example.com", "ou": "Workloads",
                           "environment": "development", "workload_type": "internal",
                           "owner_team": "payments", "cost_center": "CC-30001", "automation_level": "full",
                           "lifecycle_state": "active"}, sort_keys=False)


def _apply(repo: Path, env: dict[str, str], audit: Path) -> None:
    done = subprocess.run(["reconciler", "apply", "--repo", str(repo), "--auto-approve", "--audit-log",
                           str(audit)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"apply failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def _seconds(stamp: str, start: float) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() - start


def _round(repo: Path, env: dict[str, str], names: list[str], gh: GHFake, full_name: str,
           tmp: Path) -> list[dict[str, float]]:
    for name in names:  # the merge: the request's file lands in the repository
        (repo / "accounts" / f"{name}.yaml").write_text(_account(name))
    merged = time.time()
    audit = tmp / f"audit-{len(names)}.jsonl"
    _apply(repo, env, audit)
    desired = load_repository(repo)
    ids = {a.name: str(a.account_id) for a in desired.accounts if a.name in names}
    port = GitHubClient(full_name, gh.token, gh.url)
    open_writeback_pr(port, desired, ids, "main", "bench_provision")
    pull_open = time.time() - merged
    records = [json.loads(line) for line in audit.read_text().splitlines() if line.strip()]
    found = []
    for name in names:
        mine = [r for r in records if r["address"] == f"account.{name}"
                or r["address"].startswith(f"baseline.{name}.")]
        active = next(r for r in mine if r["operation"] == "AccountCreated")
        ready = max(_seconds(r["time"], merged) for r in mine)
        found.append({"active": _seconds(active["time"], merged), "ready": ready,
                      "pull_request": pull_open, "total": max(ready, pull_open)})
    return found


def _report(label: str, rows: list[dict[str, float]]) -> None:
    print(f"\n{label}: {len(rows)} account(s), seconds from the merge")
    print(f"{'':28} {'median':>8} {'worst':>8}")
    for key, title in (("active", "ACTIVE"), ("ready", "in OU, tagged, baselined"),
                       ("pull_request", "id pull request open"), ("total", "all of it")):
        values = [r[key] for r in rows]
        print(f"{title:28} {statistics.median(values):8.1f} {max(values):8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--create-account-seconds", type=float, default=90.0)
    parser.add_argument("--assignment-seconds", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-provision-"))
    repo = tmp / "repo"
    repo.mkdir()
    shutil.copy(PROJECT / "organization.yaml", repo)
    shutil.copytree(PROJECT / "policies", repo / "policies")
    (repo / "accounts").mkdir()
    with OrgSim.start(throttle=True, create_account_seconds=args.create_account_seconds) as sim, \
            GHFake.start(tmp / "gh") as gh:
        sim.configure(assignment_seconds=args.assignment_seconds)
        # the groups and permission sets the sample's team-workload baseline names
        sim.seed_identity_center(["AdministratorAccess", "PowerUserAccess"],
                                 ["platform-admins", "developers"])
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **sim.env(),
               "AWS_ACCESS_KEY_ID": "orgsim-admin"}
        env.pop("RECONCILER_AWS_PACING", None)  # paced, as against AWS
        _apply(repo, env, tmp / "audit-base.jsonl")  # the converged organization, not measured
        full_name = "acme/aws-organization"
        gh.create_repo(full_name, {str(p.relative_to(repo)): p.read_text() for p in repo.rglob("*.yaml")})
        for name in [f"team-{i:03d}-dev" for i in range(args.batch + 1)]:
            gh.github().get_repo(full_name).create_file(f"accounts/{name}.yaml", "request",
                                                        _account(name), branch="main")
        print(f"orgsim: throttling on, CreateAccount {args.create_account_seconds:g}s, "
              f"CreateAccountAssignment {args.assignment_seconds:g}s; reconciler pacing on")
        _report("one request", _round(repo, env, ["team-000-dev"], gh, full_name, tmp))
        names = [f"team-{i:03d}-dev" for i in range(1, args.batch + 1)]
        _report(f"{args.batch} requests at once", _round(repo, env, names, gh, full_name, tmp))
        calls = sim.calls()
        print(f"\nAWS calls (orgsim's count): {sum(calls.values())}")
        print(", ".join(f"{op} {n}" for op, n in sorted(calls.items(), key=lambda item: -item[1])))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
