"""The drift part of the demo: drift made by hand in AWS, healed by `reconciler reconcile`.

Starts its own orgsim and ghfake, converges the sample organization, pushes the repository to
ghfake, changes AWS out of band as another person, runs `reconciler reconcile` as the scheduled
workflow would, and shows the pull requests it opened (title, body, diff).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from ghfake.testing import GHFake, actions_env, schedule_event  # noqa: E402
from orgsim.testing import OrgSim  # noqa: E402

REPOSITORY = "acme/aws-organization"
INTRUDER = "AKIADEMOMALLORY00000"


def say(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def run(*args: str, env: dict[str, str], check: bool = True) -> None:
    subprocess.run(args, env=env, check=check)


def ou_id(org: object, path: str) -> str:
    parent = org.list_roots()["Roots"][0]["Id"]  # type: ignore[attr-defined]
    for name in path.split("/"):
        ous = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]  # type: ignore[attr-defined]
        parent = next(o["Id"] for o in ous if o["Name"] == name)
    return str(parent)


def drift(sim: OrgSim) -> None:
    org = sim.client("organizations", access_key_id=INTRUDER)
    ids = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    print("mallory moves cust-acme-prod (full) to Sandbox")
    org.move_account(AccountId=ids["cust-acme-prod"], SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Sandbox"))
    print("mallory moves cust-umbrella-prod (assisted) to Infrastructure and tags it incident=INC-42")
    org.move_account(AccountId=ids["cust-umbrella-prod"], SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Infrastructure"))
    org.tag_resource(ResourceId=ids["cust-umbrella-prod"], Tags=[{"Key": "incident", "Value": "INC-42"}])
    print("mallory rewrites the deny-root-user SCP to allow everything")
    policy = next(p for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
                  if p["Name"] == "deny-root-user")
    org.update_policy(PolicyId=policy["Id"], Content=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    print("mallory creates an account the repository does not know: rogue-lab")
    request = org.create_account(Email="rogue-lab@example.com", AccountName="rogue-lab")
    while org.describe_create_account_status(CreateAccountRequestId=request["CreateAccountStatus"]["Id"])[
            "CreateAccountStatus"]["State"] == "IN_PROGRESS":
        time.sleep(0.1)


def show_pulls(gh: GHFake) -> None:
    repo = gh.github().get_repo(REPOSITORY)
    bare = str(gh.bare_path(REPOSITORY))
    for pull in repo.get_pulls(state="open"):
        say(f"pull request #{pull.number}: {pull.title}  ({pull.head.ref})")
        print(pull.body)
        subprocess.run(["git", "--git-dir", bare, "--no-pager", "diff", "main", pull.head.ref], check=True)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="reconcile-demo-"))
    try:
        with OrgSim.start(create_account_seconds=0.2) as sim, GHFake.start(work / "github") as gh:
            repo = work / "repo"
            repo.mkdir()
            shutil.copy(PROJECT / "organization.yaml", repo)
            for folder in ("accounts", "policies"):
                shutil.copytree(PROJECT / folder, repo / folder)
            env = {**os.environ, **sim.env(), "RECONCILER_AWS_PACING": "off"}
            say("converge the sample organization in orgsim (reconciler apply)")
            run("reconciler", "apply", "--repo", str(repo), "--auto-approve", "--no-writeback-commit",
                env=env, check=True)
            say(f"push the repository to ghfake as {REPOSITORY}")
            files = {str(p.relative_to(repo)): p.read_text() for p in repo.rglob("*.yaml")}
            gh.create_repo(REPOSITORY, files)
            say("drift: changes made by hand in AWS, by another person")
            drift(sim)
            env.update(actions_env(work / "actions", event_name="schedule", repository=REPOSITORY,
                                   payload=schedule_event(repository=REPOSITORY, cron="*/15 * * * *"),
                                   api_url=gh.url, token=gh.token))
            say("reconciler reconcile (as the scheduled workflow runs it)")
            run("reconciler", "reconcile", "--repo", str(repo), env=env, check=False)
            show_pulls(gh)
            say("a second run changes nothing and opens nothing new")
            run("reconciler", "reconcile", "--repo", str(repo), env=env, check=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
