"""A gated apply that dies half-way, then a re-run: it finishes the approved changes and nothing
else, with no duplicate account and one write-back pull request holding every id. The killed run
is a real `reconciler apply-merged` process that SIGKILLs itself after its Nth AWS call."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import yaml
from pr_world import ORGANIZATION as BASE_ORGANIZATION
from pr_world import World

from ghfake.testing import actions_env, push_event
from reconciler.adapters.github import GitHubClient
from reconciler.pullrequests.approval import REF_PREFIX, digest, parse_record
from reconciler.pullrequests.writeback import BRANCH as WRITEBACK_BRANCH

ORGANIZATION = BASE_ORGANIZATION + "  - Workloads/Staging\n"
NAMES = ("stage-alpha", "stage-beta")


def account_file(name: str) -> str:
    return (f"account_name: {name}\nemail: aws+{name}@example.com\nou: Workloads/Staging\n"
            "environment: staging\nworkload_type: customer_isolated\nowner_team: stage-team\n"
            "cost_center: CC-4242\ncompliance_scope: []\nautomation_level: full\ncreated_by: hand\n"
            "lifecycle_state: active\n")


@pytest.fixture
def world(synced_world: World) -> World:
    return synced_world


def merged_change(world: World) -> int:
    """alice's pull request (a new OU, two accounts in it), planned, approved by bob, merged."""
    files = {"organization.yaml": ORGANIZATION, **{f"accounts/{n}.yaml": account_file(n) for n in NAMES}}
    world.push("staging", files, "staging accounts")
    pull = world.repo("alice-token").create_pull(base="main", head="staging", title="t", body="")
    number: int = pull.number
    assert world.pull_request_run(number, "staging", "plan", "--comment").code == 0
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    world.repo("bob-token").get_pull(number).merge()
    return number


def emails(orgsim: Any) -> list[str]:
    pages = orgsim.client().get_paginator("list_accounts").paginate()
    return [a["Email"] for page in pages for a in page["Accounts"]]


def killed_apply(world: World, orgsim: Any, after_writes: int
                 ) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """`apply-merged` in a process of its own, killed right after its `after_writes`th AWS call
    past the reads of planning (counted on orgsim by a plan of the same checkout)."""
    checkout = world.checkout("main")
    before = sum(orgsim.calls().values())
    assert world.run(checkout, "workflow_dispatch", {}, "plan", "--repo", str(checkout)).code == 0
    reads = sum(orgsim.calls().values()) - before
    sha = world.repo("alice-token").get_branch("main").commit.sha
    payload = push_event(repository=world.name, ref="refs/heads/main", before="0" * 40, after=sha,
                         api_url=world.gh.url)
    env = actions_env(world.tmp / "killed-run", event_name="push", payload=payload, repository=world.name,
                      api_url=world.gh.url, token=world.gh.token)
    env["RECONCILER_CRASH_AFTER_CALLS"] = str(reads + after_writes)
    killed = subprocess.run([sys.executable, "-m", "reconciler.commands.cli", "apply-merged"], cwd=checkout,
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    return killed, env


def writeback_pulls(world: World) -> list[Any]:
    owner = world.name.split("/")[0]
    return list(world.repo("alice-token").get_pulls(state="open", head=f"{owner}:{WRITEBACK_BRANCH}"))


def assert_ids_recorded(world: World, orgsim: Any) -> None:
    (pull,) = writeback_pulls(world)
    ids = {e: i for page in orgsim.client().get_paginator("list_accounts").paginate()
           for a in page["Accounts"] for e, i in [(a["Email"], a["Id"])]}
    for name in NAMES:
        text = world.repo("alice-token").get_contents(f"accounts/{name}.yaml", ref=WRITEBACK_BRANCH)
        account_id = yaml.safe_load(text.decoded_content.decode())["account_id"]
        assert account_id == ids[f"aws+{name}@example.com"] and account_id in pull.body


def test_a_killed_gated_apply_is_finished_by_a_rerun(world: World, orgsim: Any) -> None:
    number = merged_change(world)
    # Writes: CreateOrganizationalUnit, ListCreateAccountStatus, CreateAccount: killed right
    # after AWS accepted the first account, before anything was recorded.
    killed, killed_env = killed_apply(world, orgsim, after_writes=3)
    assert killed.returncode == -9, killed.stderr
    assert orgsim.calls().get("CreateAccount") == 1
    merge = world.repo("alice-token").get_branch("main").commit.sha
    assert world.repo("alice-token").get_git_ref(REF_PREFIX.removeprefix("refs/") + merge)

    # "Re-run jobs": the same run, its next attempt; the killed attempt's AWS lease is taken over.
    again = world.push_run("apply-merged", rerun_of=killed_env)
    assert again.code == 0, again.err
    assert "Resuming the apply" in again.err
    assert "broke a stale lease: apply-merged run" in again.err
    found = emails(orgsim)
    assert all(found.count(f"aws+{n}@example.com") == 1 for n in NAMES), found
    assert_ids_recorded(world, orgsim)
    assert any(c.body.startswith("**Applied**") for c in world.bot_comments(number))
    assert "No changes" in world.push_run("apply-merged").out


def test_ids_are_recorded_when_apply_fails_and_the_rerun_updates_the_same_pull_request(
        world: World, orgsim: Any) -> None:
    number = merged_change(world)
    orgsim.inject_fault("MoveAccount", "aws_error", count=1)
    failed = world.push_run("apply-merged")
    assert failed.code == 1
    assert any(c.body.startswith("**Apply failed**") for c in world.bot_comments(number))
    (first,) = writeback_pulls(world)  # opened by the failed run, for the account it made
    assert "stage-" in first.title

    again = world.push_run("apply-merged")
    assert again.code == 0, again.err
    assert [p.number for p in writeback_pulls(world)] == [first.number]
    assert_ids_recorded(world, orgsim)


def test_a_rerun_with_a_change_nobody_approved_is_refused(world: World, orgsim: Any) -> None:
    number = merged_change(world)
    orgsim.inject_fault("MoveAccount", "aws_error", count=1)
    assert world.push_run("apply-merged").code == 1
    # Between the runs someone tags an OU by hand: setting it back was never reviewed.
    org = orgsim.client()
    root = org.list_roots()["Roots"][0]["Id"]
    workloads = next(o for o in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
                     if o["Name"] == "Workloads")
    org.tag_resource(ResourceId=workloads["Id"], Tags=[{"Key": "by-hand", "Value": "yes"}])
    refused = world.push_run("apply-merged")
    assert refused.code == 1 and "not approved" in refused.err and "ou.Workloads" in refused.err
    tags = org.list_tags_for_resource(ResourceId=workloads["Id"])["Tags"]
    assert tags == [{"Key": "by-hand", "Value": "yes"}]  # nothing was applied
    assert any(c.body.startswith("**Apply refused**") and "ou.Workloads" in c.body
               for c in world.bot_comments(number))


def test_a_tampered_approval_record_is_refused(world: World, orgsim: Any) -> None:
    merged_change(world)
    orgsim.inject_fault("MoveAccount", "aws_error", count=1)
    assert world.push_run("apply-merged").code == 1
    merge = world.repo("alice-token").get_branch("main").commit.sha
    ref = REF_PREFIX + merge
    client = GitHubClient(world.name, world.gh.token, world.gh.url)
    text = client.read_ref_file(ref, "approval.json")
    assert text is not None
    record = parse_record(text)
    # Someone with push access widens the record, keeping it self-consistent.
    extra = record.keys | {"sha256:" + "e" * 64}
    forged = record.to_json().replace(record.digest, digest(extra))
    forged = forged.replace('"keys": [', '"keys": [\n  "sha256:' + "e" * 64 + '",', 1)
    assert digest(parse_record(forged).keys) == parse_record(forged).digest
    client.write_ref_file(ref, "approval.json", forged, "widened")
    refused = world.push_run("apply-merged")
    assert refused.code == 1 and "does not match the plan comment" in refused.err
