"""The failure issue's hidden marker counts only in an issue the product itself opened: anyone can
open an issue and paste a marker, which would otherwise silence the product's own issue."""

from __future__ import annotations

import pytest
from drift_world import World, ou_id

from reconciler.drift.pull_request_text import hidden_marker


def test_a_marker_planted_in_someone_elses_issue_does_not_silence_the_failure_issue(
        small_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world = small_world
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    org = world.org()
    source, target = ou_id(org, "Workloads/Production"), ou_id(org, "Sandbox")
    account = world.ids()["cust-acme-prod"]
    org.move_account(AccountId=account, SourceParentId=source, DestinationParentId=target)
    marker = hidden_marker("remediation-failure", {"address": "account.cust-acme-prod"})
    planted = world.gh.github("alice-token").get_repo(world.full_name).create_issue(
        title="nothing to see", body=f"hello\n\n{marker}\n")
    for _ in range(3):
        world.sim.inject_fault("MoveAccount", "http500", count=2)
        code, out, _ = world.reconcile()
        assert code == 1, out
    repo = world.gh.github().get_repo(world.full_name)
    issues = [i for i in repo.get_issues(state="open") if i.pull_request is None]
    ours = [i for i in issues if i.number != planted.number]
    assert len(ours) == 1 and ours[0].user.login == "github-actions[bot]"
    assert "account.cust-acme-prod" in ours[0].title
