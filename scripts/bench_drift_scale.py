"""Drift at scale: how long from an out-of-band change to its revert, with the 15-minute schedule.

    .venv/bin/python scripts/bench_drift_scale.py [--accounts 6000] [--ous 300] [--policies 50]

Seeds orgsim with a generated organization (scripts/generate_org.py, through plain boto3 with
throttling off), pushes the repository to ghfake, then turns orgsim's throttling on (its
Organizations rates, docs/live-reader.md), the client's pacing on, and CloudTrail's delivery
delay to 5 minutes (AWS's stated average; `--delivery-minutes`). A first scheduled `reconcile`
takes the full scan. Then, for each kind of drift (an account moved, an SCP's document edited, an
account re-tagged) and each moment in the 15-minute cycle (`--phases`, minutes after a scheduled
run), an intruder makes the change and scheduled runs follow, 15 minutes apart, until one reverts
it.

Time is simulated, and so said in the results: orgsim's clock (POST /_orgsim/clock) and
RECONCILER_CLOCK are set to each scheduled run's start, so the wait for the schedule and for
CloudTrail's delivery costs no real time. Each run's own duration is real (wall time of the
`reconciler reconcile --incremental` process against throttled orgsim, paced). Time to remediate =
(start of the run that reverted it - moment of the change) + that run's duration.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "scripts"))

from bench_plan import seed  # noqa: E402 - scripts/ is on sys.path
from bench_reconcile import repository_files  # noqa: E402
from generate_org import generate as generate_org  # noqa: E402

from ghfake.testing import GHFake, actions_env, schedule_event  # noqa: E402
from orgsim.testing import OrgSim  # noqa: E402
from reconciler.repository.load import load_repository  # noqa: E402

SCHEDULE = timedelta(minutes=15)
START = datetime(2026, 12, 1, tzinfo=UTC)
INTRUDER = "AKIABENCHINTRUDER"
RECONCILER = str(Path(sys.executable).parent / "reconciler")  # the console script beside this Python
MOST_RUNS = 4  # a drift not reverted within this many scheduled runs counts as missed


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class Bench:
    def __init__(self, sim: OrgSim, env: dict[str, str], repo: Path) -> None:
        self.sim, self.env, self.repo = sim, env, repo
        self.org = sim.client("organizations", access_key_id=INTRUDER)
        self.now = START

    def run(self, *args: str) -> dict[str, Any]:
        """One scheduled run at self.now; the clocks then move on by the schedule."""
        self.sim.set_clock(now=_iso(self.now))
        env = {**self.env, "RECONCILER_CLOCK": _iso(self.now)}
        before = self.sim.calls()
        started = time.perf_counter()
        done = subprocess.run([RECONCILER, "reconcile", "--repo", str(self.repo), *args], env=env,
                              capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        after = self.sim.calls()
        calls = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        line = next((x for x in done.stdout.splitlines() if x.startswith("Drift:")),
                    done.stderr.strip()[-300:])
        result = {"at": _iso(self.now), "seconds": round(seconds, 1), "calls": sum(calls.values()),
                  "by_operation": calls, "summary": line, "exit": done.returncode}
        self.now += SCHEDULE
        return result


def _account_ids(org: Any) -> dict[str, str]:
    return {a["Email"]: a["Id"] for p in org.get_paginator("list_accounts").paginate() for a in p["Accounts"]}


def _write_ids(repo: Path, ids: dict[str, str]) -> None:
    for path in (repo / "accounts").glob("*.yaml"):
        text = path.read_text()
        email = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("email:"))
        path.write_text(f'account_id: "{ids[email]}"\n{text}')


def _pick(org: Any, desired: Any, ids: dict[str, str]) -> dict[str, Any]:
    """An account whose drift is reverted directly (automation_level full, in an OU) and an SCP."""
    account = next(a for a in desired.accounts if a.automation_level == "full" and a.ou != "root")
    policies = [p for page in org.get_paginator("list_policies").paginate(Filter="SERVICE_CONTROL_POLICY")
                for p in page["Policies"] if not p["AwsManaged"]]
    return {"account": ids[account.email], "policy": policies[0]["Id"]}


def _inject(org: Any, kind: str, ids: dict[str, Any]) -> tuple[Any, Any]:
    """Make the change as an intruder; answer (what to check, the value it must return to)."""
    account, policy = ids["account"], ids["policy"]
    if kind == "move":
        parent = org.list_parents(ChildId=account)["Parents"][0]["Id"]
        root = org.list_roots()["Roots"][0]["Id"]
        org.move_account(AccountId=account, SourceParentId=parent, DestinationParentId=root)
        return ("parent", account), parent
    if kind == "scp":
        content = org.describe_policy(PolicyId=policy)["Policy"]["Content"]
        edited = json.loads(content)
        edited["Statement"][0]["Action"] = ["s3:GetObject"]
        org.update_policy(PolicyId=policy, Content=json.dumps(edited))
        return ("content", policy), content
    tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=account)["Tags"]}
    org.tag_resource(ResourceId=account, Tags=[{"Key": "owner-team", "Value": "intruders"}])
    return ("tags", account), tags


def _current(org: Any, what: tuple[str, str]) -> Any:
    kind, resource = what
    if kind == "parent":
        return org.list_parents(ChildId=resource)["Parents"][0]["Id"]
    if kind == "content":
        return org.describe_policy(PolicyId=resource)["Policy"]["Content"]
    return {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=resource)["Tags"]}


def _same(kind: str, now: Any, then: Any) -> bool:
    return json.loads(now) == json.loads(then) if kind == "content" else bool(now == then)


QUIET_RUNS = 2  # between trials: the last trial's events leave the 20-minute CloudTrail overlap


def trial(bench: Bench, kind: str, phase: float, ids: dict[str, Any]) -> dict[str, Any]:
    """The change `phase` minutes after the last scheduled run, then runs until it is reverted.
    Quiet runs first, so that no earlier trial's event (the same account or policy changed again)
    is still in the run's CloudTrail window and makes it re-read what this trial changed."""
    quiet = [bench.run("--incremental") for _ in range(QUIET_RUNS)]
    last_run = bench.now - SCHEDULE
    changed_at = last_run + timedelta(minutes=phase)
    bench.sim.set_clock(now=_iso(changed_at))
    what, before = _inject(bench.org, kind, ids)
    runs = []
    for _ in range(MOST_RUNS):
        started = bench.now
        runs.append(bench.run("--incremental"))
        if _same(what[0], _current(bench.org, what), before):
            waited = (started - changed_at).total_seconds() + runs[-1]["seconds"]
            return {"kind": kind, "phase_minutes": phase, "runs": runs, "quiet_runs": quiet,
                    "remediated_seconds": round(waited, 1)}
    return {"kind": kind, "phase_minutes": phase, "runs": runs, "quiet_runs": quiet,
            "remediated_seconds": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=6000)
    parser.add_argument("--ous", type=int, default=300)
    parser.add_argument("--policies", type=int, default=50)
    parser.add_argument("--delivery-minutes", type=float, default=5.0)
    parser.add_argument("--phases", type=float, nargs="+", default=[1.0, 4.0, 7.0, 10.0, 13.0])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            OrgSim.start(throttle=False, create_account_seconds=0) as sim, \
            GHFake.start(Path(tmp) / "gh") as gh:
        repo = Path(tmp) / "repo"
        generate_org(repo, args.accounts, args.ous, args.policies, 1)
        desired = load_repository(repo)
        sim.configure(account_limit=args.accounts + 10)
        started = time.monotonic()
        seed(sim.client(), desired)
        print(f"seeded {args.accounts} accounts in {time.monotonic() - started:.0f}s", file=sys.stderr)
        account_ids = _account_ids(sim.client())
        _write_ids(repo, account_ids)  # as the apply's write-back leaves them
        gh.create_repo("acme/bench", repository_files(repo))
        event = schedule_event(repository="acme/bench")
        env = {**os.environ, **sim.env()}
        env.pop("RECONCILER_AWS_PACING", None)  # pacing on, as in production
        env.update(actions_env(Path(tmp) / "actions", event_name="schedule", repository="acme/bench",
                               payload=event, api_url=gh.url, token=gh.token))
        ids = _pick(sim.client(), desired, account_ids)
        sim.configure(throttle=True, cloudtrail_delivery_seconds=args.delivery_minutes * 60)
        bench = Bench(sim, env, repo)
        first = bench.run("--incremental")
        print(f"first run: {first['seconds']}s, {first['calls']} calls: {first['summary']}", file=sys.stderr)
        trials = []
        for kind in ("move", "scp", "retag"):
            for phase in args.phases:
                result = trial(bench, kind, phase, ids)
                for run in result["runs"]:
                    print(f"  {run['at']}: {run['seconds']}s {run['by_operation']} {run['summary']}",
                          file=sys.stderr)
                print(f"{kind} at +{phase} min: remediated in {result['remediated_seconds']}s "
                      f"after {len(result['runs'])} run(s)", file=sys.stderr)
                trials.append(result)
        summary = {}
        for kind in ("move", "scp", "retag"):
            times = [t["remediated_seconds"] for t in trials if t["kind"] == kind]
            done = [t for t in times if t is not None]
            summary[kind] = {"median_seconds": statistics.median(done) if done else None,
                             "worst_seconds": max(done) if done else None, "missed": len(times) - len(done)}
        print(json.dumps({"accounts": args.accounts, "ous": args.ous, "policies": args.policies,
                          "delivery_minutes": args.delivery_minutes, "first_run": first,
                          "trials": trials, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
