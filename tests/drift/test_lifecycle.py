"""Drift across runs: rejected pull requests, the kill switch, dry runs, failing remediations."""

from __future__ import annotations

from typing import Any

import pytest
from drift_world import World, ou_id
from github import GithubException


def _move(world: World, name: str, source: str, target: str) -> None:
    org = world.org()
    org.move_account(AccountId=world.ids()[name], SourceParentId=ou_id(org, source),
                     DestinationParentId=ou_id(org, target))


def _parent(world: World, name: str) -> str:
    return str(world.org().list_parents(ChildId=world.ids()[name])["Parents"][0]["Id"])


def _by_address(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["address"]: d for d in report["drift"]}


def test_closed_pull_request_is_a_rejection_reverted_and_never_reopened(small_world: World) -> None:
    world = small_world
    _move(world, "cust-umbrella-prod", "Workloads/Production", "Infrastructure")
    first = _by_address(world.reconcile_json())["account.cust-umbrella-prod"]
    assert first["remediation"] == "pull_request"
    repo = world.gh.github().get_repo(world.full_name)
    opened = repo.get_pull(int(first["pull_request"].rsplit("/", 1)[1]))
    assert "**Checks:**" in opened.body  # opened with GITHUB_TOKEN: a maintainer starts its checks
    opened.edit(state="closed")

    second = _by_address(world.reconcile_json())["account.cust-umbrella-prod"]
    assert second["remediation"] == "reverted"
    assert _parent(world, "cust-umbrella-prod") == ou_id(world.org(), "Workloads/Production")
    assert "account.cust-umbrella-prod" not in _by_address(world.reconcile_json())
    assert repo.get_pulls(state="all").totalCount == 1

    # A different drift later is a new question for people: a new pull request.
    world.org().tag_resource(ResourceId=world.ids()["cust-umbrella-prod"],
                             Tags=[{"Key": "incident", "Value": "INC-7"}])
    third = _by_address(world.reconcile_json())["account.cust-umbrella-prod"]
    assert third["remediation"] == "pull_request" and third["pull_request"] != first["pull_request"]
    assert [p.state for p in repo.get_pulls(state="all")] in (["open", "closed"], ["closed", "open"])


def test_kill_switch_detects_and_reports_but_changes_nothing(small_world: World) -> None:
    world = small_world
    world.set_setting("enabled: true", "enabled: false")
    _move(world, "cust-acme-prod", "Workloads/Production", "Sandbox")
    _move(world, "cust-umbrella-prod", "Workloads/Production", "Sandbox")
    code, out, summary = world.reconcile()
    assert code == 0
    assert "account.cust-acme-prod: modified, skipped" in out
    assert "account.cust-umbrella-prod: modified, skipped" in out
    assert "report only" in summary.read_text()
    assert _parent(world, "cust-acme-prod") == ou_id(world.org(), "Sandbox")
    assert world.gh.github().get_repo(world.full_name).get_pulls(state="all").totalCount == 0


def test_dry_run_changes_nothing_and_remembers_nothing(small_world: World) -> None:
    world = small_world
    _move(world, "cust-acme-prod", "Workloads/Production", "Sandbox")
    report = world.reconcile_json("--dry-run")
    assert _by_address(report)["account.cust-acme-prod"]["remediation"] == "skipped"
    assert _parent(world, "cust-acme-prod") == ou_id(world.org(), "Sandbox")
    with pytest.raises(GithubException):
        world.gh.github().get_repo(world.full_name).get_git_ref("reconciler/state")


def test_manual_account_is_only_reported(small_world: World) -> None:
    world = small_world
    _move(world, "data-science-lab", "Sandbox", "Infrastructure")
    report = world.reconcile_json()
    assert _by_address(report)["account.data-science-lab"] == {
        "address": "account.data-science-lab", "kind": "modified", "remediation": "reported",
        "pull_request": None}
    assert _parent(world, "data-science-lab") == ou_id(world.org(), "Infrastructure")
    assert report["summary"] == {"in_sync": report["summary"]["in_sync"], "drifted": 1, "reverted": 0,
                                 "pull_requests": 0, "deferred": 0}


def test_three_failures_open_one_issue_which_closes_on_success(small_world: World,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    world = small_world
    # botocore reads max_attempts as retries: 1 means two attempts, so two faults fail a run.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    _move(world, "cust-acme-prod", "Workloads/Production", "Sandbox")
    repo = world.gh.github().get_repo(world.full_name)
    for run in range(4):
        world.sim.inject_fault("MoveAccount", "http500", count=2)
        code, out, _ = world.reconcile()
        assert code == 1 and "account.cust-acme-prod: modified, skipped" in out
        issues = [i for i in repo.get_issues(state="all") if i.pull_request is None]
        assert len(issues) == (0 if run < 2 else 1)
    assert "account.cust-acme-prod" in issues[0].title and "MoveAccount" in issues[0].body
    code, out, _ = world.reconcile()
    assert code == 0 and "account.cust-acme-prod: modified, reverted" in out
    issues = [i for i in repo.get_issues(state="all") if i.pull_request is None]
    assert [i.state for i in issues] == ["closed"]


def test_drift_undone_by_hand_closes_its_pull_request_without_rejecting(small_world: World) -> None:
    world = small_world
    _move(world, "cust-umbrella-prod", "Workloads/Production", "Infrastructure")
    first = _by_address(world.reconcile_json())["account.cust-umbrella-prod"]
    _move(world, "cust-umbrella-prod", "Infrastructure", "Workloads/Production")
    assert "account.cust-umbrella-prod" not in _by_address(world.reconcile_json())
    repo = world.gh.github().get_repo(world.full_name)
    assert [p.state for p in repo.get_pulls(state="all")] == ["closed"]

    _move(world, "cust-umbrella-prod", "Workloads/Production", "Infrastructure")  # the same drift again
    again = _by_address(world.reconcile_json())["account.cust-umbrella-prod"]
    assert again["remediation"] == "pull_request" and again["pull_request"] != first["pull_request"]
