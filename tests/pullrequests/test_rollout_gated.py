"""A rollout starts through the gated apply: the pull request's plan comment shows the steps and
the first step's targets, and apply-merged records the rollout (refs/reconciler/rollouts) before
it attaches the first step only."""

from __future__ import annotations

from typing import Any

from pr_world import World

from reconciler.adapters.github import GitHubClient
from reconciler.commands.rollouts import read_rollouts

POLICY = """name: guard
type: SERVICE_CONTROL_POLICY
targets: [root]
document:
  Version: "2012-10-17"
  Statement:
    - Effect: Deny
      Action: s3:DeleteBucket
      Resource: "*"
rollout:
  steps:
    - targets: [ou:Workloads/Production]
      bake: 2h
    - targets: all
  rollback:
    cloudwatch_alarms: [guard-canary]
"""


def test_the_plan_comment_shows_the_rollout_and_the_gated_apply_records_it(synced_world: World,
                                                                            orgsim: Any) -> None:
    world = synced_world
    world.gh.set_role(world.name, "bob", "push")
    world.push("guard", {"policies/guard.yaml": POLICY}, "a policy that rolls out")
    pull = world.repo("alice-token").create_pull(base="main", head="guard", title="guard", body="")
    number = pull.number
    assert world.pull_request_run(number, "guard", "plan", "--comment").code == 0
    comment = world.bot_comments(number)[-1].body
    # the notes as the comment renders them (markdown-escaped)
    assert r"rollout of guard starts\: this plan attaches only step 1 \(ou\:Workloads/Production\)" in comment
    assert r"1\. ou\:Workloads/Production, bake 2h; 2\. its declared targets \(root\)" in comment
    assert "attachment\\.guard\\.root" not in comment  # step 1 only
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    world.repo("alice-token").get_pull(number).merge()
    result = world.push_run("apply-merged")
    assert result.code == 0, result.err
    assert "rollout started (step 1): guard" in result.err
    org = orgsim.client()
    policies = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    policy = next(p for p in policies if p["Name"] == "guard")
    found = org.list_targets_for_policy(PolicyId=policy["Id"])["Targets"]
    assert [t["Name"] for t in found] == ["Production"]
    record = read_rollouts(GitHubClient(world.name, world.gh.token, world.gh.url)).records["guard"]
    assert (record.status, record.step, record.previous) == ("running", 0, None)
