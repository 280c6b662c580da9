"""The drift part of the demo (called by scripts/demo.sh): drift made by hand in AWS, healed by
`reconciler reconcile`.

It continues the story demo.sh started, on the same organization (the orgsim that
AWS_ENDPOINT_URL points at) and the same repository: it starts ghfake, publishes the repository
there, makes more drift as another person, runs `reconciler reconcile` as the scheduled workflow
would, and shows the pull requests it opened (title, body, diff). A second run opens nothing new.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import boto3  # noqa: E402

from ghfake.testing import GHFake, actions_env, schedule_event  # noqa: E402

REPOSITORY = "acme/aws-organization"
INTRUDER = "AKIADEMOMALLORY00000"  # CloudTrail names this key as the actor of the drift


def say(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def ou_id(org: Any, path: str) -> str:
    parent = org.list_roots()["Roots"][0]["Id"]
    for name in path.split("/"):
        ous = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]
        parent = next(o["Id"] for o in ous if o["Name"] == name)
    return str(parent)


def drift() -> None:
    org = boto3.client("organizations", aws_access_key_id=INTRUDER, aws_secret_access_key="mallory")
    ids = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
    print("mallory moves cust-umbrella-prod (automation_level: assisted) to Infrastructure "
          "and tags it incident=INC-42")
    org.move_account(AccountId=ids["cust-umbrella-prod"], SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Infrastructure"))
    org.tag_resource(ResourceId=ids["cust-umbrella-prod"], Tags=[{"Key": "incident", "Value": "INC-42"}])
    print("mallory creates an account the repository does not know: rogue-lab")
    request = org.create_account(Email="rogue-lab@example.com", AccountName="rogue-lab")
    request_id = request["CreateAccountStatus"]["Id"]
    deadline = time.monotonic() + 60
    while org.describe_create_account_status(CreateAccountRequestId=request_id)[
            "CreateAccountStatus"]["State"] == "IN_PROGRESS" and time.monotonic() < deadline:
        time.sleep(0.2)


def publish(gh: GHFake, repo: Path) -> None:
    tracked = subprocess.run(["git", "-C", str(repo), "ls-files"], check=True, capture_output=True,
                             text=True).stdout.split()
    gh.create_repo(REPOSITORY, {name: (repo / name).read_text() for name in tracked})


def show_pulls(gh: GHFake) -> None:
    repo = gh.github().get_repo(REPOSITORY)
    bare = str(gh.bare_path(REPOSITORY))
    for pull in repo.get_pulls(state="open"):
        say(f"pull request #{pull.number}: {pull.title}  ({pull.head.ref})")
        print(pull.body)
        subprocess.run(["git", "--git-dir", bare, "--no-pager", "diff", "main", pull.head.ref], check=True)


def reconcile(repo: Path, env: dict[str, str]) -> None:
    subprocess.run(["reconciler", "reconcile", "--repo", str(repo)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    with GHFake.start(args.work / "github") as gh:
        say(f"publish the repository to a local GitHub (ghfake) as {REPOSITORY}")
        publish(gh, args.repo)
        print(f"{gh.url}/repos/{REPOSITORY}")
        say("more drift by hand in AWS")
        drift()
        event = schedule_event(repository=REPOSITORY, cron="*/15 * * * *")
        actions = actions_env(args.work / "actions", event_name="schedule", repository=REPOSITORY,
                              payload=event, api_url=gh.url, token=gh.token)
        env = {**os.environ, **actions}
        say("reconciler reconcile (as the scheduled workflow runs it)")
        reconcile(args.repo, env)
        show_pulls(gh)
        say("reconcile again: nothing new is changed or opened")
        reconcile(args.repo, env)


if __name__ == "__main__":
    main()
