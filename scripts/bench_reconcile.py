"""What a reconcile run costs in AWS calls: full scan against the incremental CloudTrail path.

    python scripts/bench_reconcile.py [--accounts 200] [--ous 20] [--policies 10]

Generates an organization (scripts/generate_org.py), converges it in orgsim, pushes the repository
to ghfake, then runs `reconciler reconcile` in these situations and prints the AWS calls each made
(orgsim's own count, so every call is counted, retries included) and its wall time:

1. full scan, nothing drifted;      3. incremental, one account moved out of band (and reverted);
2. incremental, nothing happened;   4. incremental, one policy edited out of band (and reverted).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from generate_org import generate as generate_org  # noqa: E402 - scripts/ is on sys.path

from ghfake.testing import GHFake, actions_env, schedule_event  # noqa: E402
from orgsim.testing import OrgSim  # noqa: E402


def repository_files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*.yaml")}


def _run(env: dict[str, str], repo: Path, sim: OrgSim, *args: str) -> tuple[dict[str, int], float, str]:
    before = sim.calls()
    start = time.perf_counter()
    done = subprocess.run(["reconciler", "reconcile", "--repo", str(repo), *args], env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = sim.calls()
    calls = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
    summary = next((line for line in done.stdout.splitlines() if line.startswith("Drift:")), done.stderr)
    return calls, elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--ous", type=int, default=20)
    parser.add_argument("--policies", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, OrgSim.start(create_account_seconds=0.05) as sim, \
            GHFake.start(Path(tmp) / "gh") as gh:
        repo = Path(tmp) / "repo"
        generate_org(repo, args.accounts, args.ous, args.policies)
        env = {**os.environ, **sim.env(), "RECONCILER_AWS_PACING": "off"}
        subprocess.run(["reconciler", "apply", "--repo", str(repo), "--auto-approve",
                        "--no-writeback-commit"], env=env, check=True, capture_output=True)
        gh.create_repo("acme/bench", repository_files(repo))
        event = schedule_event(repository="acme/bench")
        env.update(actions_env(Path(tmp) / "actions", event_name="schedule", repository="acme/bench",
                               payload=event, api_url=gh.url, token=gh.token))
        sim.client().list_accounts()  # let orgsim record the finished creations' CloudTrail events
        results: list[dict[str, Any]] = []
        for label, drift in (("full scan, no drift", None), ("incremental, nothing happened", None),
                             ("incremental, one account moved", "move"),
                             ("incremental, one policy edited", "policy")):
            _inject(sim, drift)
            calls, seconds, summary = _run(env, repo, sim, *(() if label.startswith("full") else
                                                               ("--incremental",)))
            results.append({"run": label, "aws_calls": sum(calls.values()), "by_operation": calls,
                            "seconds": round(seconds, 2), "summary": summary})
        print(json.dumps({"accounts": args.accounts, "ous": args.ous, "policies": args.policies,
                          "runs": results}, indent=2))


def _inject(sim: OrgSim, drift: str | None) -> None:
    org = sim.client("organizations", access_key_id="AKIABENCHINTRUDER")
    if drift == "move":
        account = next(a for a in org.list_accounts()["Accounts"] if a["Id"] != "111111111111")
        parent = org.list_parents(ChildId=account["Id"])["Parents"][0]["Id"]
        root = org.list_roots()["Roots"][0]["Id"]
        target = root if parent != root else org.list_organizational_units_for_parent(
            ParentId=root)["OrganizationalUnits"][0]["Id"]
        org.move_account(AccountId=account["Id"], SourceParentId=parent, DestinationParentId=target)
    elif drift == "policy":
        policy = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
        editable = next(p for p in policy if not p["AwsManaged"])
        org.update_policy(PolicyId=editable["Id"], Description="edited by hand")


if __name__ == "__main__":
    main()
