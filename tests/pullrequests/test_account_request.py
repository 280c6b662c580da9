"""A whole account request against ghfake and orgsim, step by step as the workflows run it, and
the ways the apply gate says no."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from github import GithubException
from pr_world import BOT, World

from ghfake.testing import GHFake
from reconciler.pullrequests.writeback import BRANCH as WRITEBACK_BRANCH

NAME = "cust-zeta-prod"
EMAIL = "aws+cust-zeta-prod@example.com"
FORM = {
    "Account name": NAME, "Root email": EMAIL, "Organizational unit": "Workloads/Prod",
    "Environment": "production", "Workload type": "customer_isolated", "Owner team": "zeta-team",
    "Cost center": "CC-4242", "Compliance scope": "soc2", "Automation level": "full",
}


def form(answers: dict[str, str]) -> str:
    return "\n\n".join(f"### {label}\n\n{value}" for label, value in answers.items())


@pytest.fixture
def world(synced_world: World) -> World:
    # The organization as it stands before the story: main's state, applied.
    synced_world.repo("alice-token").create_label("account-request", "ededed")
    return synced_world


def accounts(orgsim: Any) -> dict[str, str]:
    org = orgsim.client()
    return {a["Email"]: a["Id"] for page in org.get_paginator("list_accounts").paginate()
            for a in page["Accounts"]}


def request_pull_request(world: World) -> tuple[int, int]:
    """alice files the request (first with a mistake the bot explains), fixes it; the PR opens."""
    issue = world.repo("alice-token").create_issue(title="Account request: zeta", body=form(FORM),
                                                   labels=["account-request"])
    refused = world.issue_run(issue.number, "request", "--issue", str(issue.number))
    assert refused.code == 1
    (reply,) = world.bot_comments(issue.number)
    assert "Workloads/Prod" in reply.body and "```" in reply.body
    issue.edit(body=form({**FORM, "Organizational unit": "Workloads/Production"}))
    opened = world.issue_run(issue.number, "request", "--issue", str(issue.number))
    assert opened.code == 0, opened.err
    assert len(world.bot_comments(issue.number)) == 1  # the reply was edited, not repeated
    owner = world.name.split("/")[0]
    (pull,) = list(world.repo("alice-token").get_pulls(state="open",
                                                        head=f"{owner}:account-request/issue-{issue.number}"))
    assert pull.user.login == BOT and f"accounts/{NAME}.yaml" in [f.filename for f in pull.get_files()]
    # Opened with GITHUB_TOKEN: GitHub starts no checks by itself, and the body says who must.
    assert "**Checks:**" in pull.body and "maintainer starts them" in pull.body
    return issue.number, pull.number


def plan_comments(world: World, number: int) -> list[Any]:
    return [c for c in world.bot_comments(number) if c.body.startswith("<!-- reconciler:plan ")]


def test_an_account_request_end_to_end(world: World, orgsim: Any) -> None:
    _, number = request_pull_request(world)
    branch = world.repo("alice-token").get_pull(number).head.ref
    path = f"accounts/{NAME}.yaml"
    good = world.repo("alice-token").get_contents(path, ref=branch).decoded_content.decode()

    # A planted mistake: validate annotates it, and the plan job (needs: validate) does not run.
    world.push(branch, {path: good.replace("CC-4242", "4242")}, "typo")
    validated = world.pull_request_run(number, branch, "validate", "--format", "github")
    assert validated.code == 1
    assert f"::error file={path},line=" in validated.out and "cost_center" in validated.out

    # Fixed, then two more pushes: one plan comment, always the latest.
    for i, team in enumerate(["zeta-team", "zeta-platform", "zeta-core"]):
        world.push(branch, {path: good.replace("zeta-team", team)}, f"push {i}")
        assert world.pull_request_run(number, branch, "validate", "--format", "github").code == 0
        planned = world.pull_request_run(number, branch, "plan", "--comment", "--out", "reconciler-plan.json")
        assert planned.code == 0, planned.err
        assert f"account.{NAME}" in planned.out
    (comment,) = plan_comments(world, number)
    head = world.repo("alice-token").get_pull(number).head.sha
    assert f'"head":"{head}"' in comment.body.split("\n", 1)[0] and "zeta-core" in comment.body

    # bob (not the requester, not the bot) approves; merged; the apply workflow runs.
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    world.repo("bob-token").get_pull(number).merge()
    applied = world.push_run("apply-merged")
    assert applied.code == 0, applied.err
    created = accounts(orgsim)
    assert EMAIL in created

    # The id comes back as a pull request, changing only the id line.
    writeback = world.repo("alice-token").get_pulls(state="open", head=f"{world.name.split('/')[0]}:"
                                                                        f"{WRITEBACK_BRANCH}")[0]
    text = world.repo("alice-token").get_contents(path, ref=WRITEBACK_BRANCH).decoded_content.decode()
    assert yaml.safe_load(text)["account_id"] == created[EMAIL]
    assert created[EMAIL] in writeback.body
    assert any(c.body.startswith("**Applied**") for c in world.bot_comments(number))

    # Merging the write-back changes nothing in AWS.
    world.repo("bob-token").get_pull(writeback.number).merge()
    again = world.push_run("apply-merged")
    assert again.code == 0 and "No changes" in again.out


def shown_request(world: World) -> int:
    """A request pull request with its plan shown, not yet reviewed."""
    _, number = request_pull_request(world)
    branch = world.repo("alice-token").get_pull(number).head.ref
    assert world.pull_request_run(number, branch, "plan", "--comment").code == 0
    return number


def test_no_approval_is_refused_with_a_comment(world: World, orgsim: Any) -> None:
    number = shown_request(world)
    world.repo("bob-token").get_pull(number).merge()
    refused = world.push_run("apply-merged")
    assert refused.code == 1 and "no approval" in refused.err
    assert EMAIL not in accounts(orgsim)
    assert any(c.body.startswith("**Apply refused**") and "no approval" in c.body
               for c in world.bot_comments(number))


def test_self_approval_is_impossible(world: World, orgsim: Any) -> None:
    # A person cannot approve their own pull request at all ...
    sha = world.push("feature", {"README.md": "# org, edited\n"}, "edit")
    own = world.repo("alice-token").create_pull(base="main", head="feature", title="t", body="b")
    with pytest.raises(GithubException) as refused:
        own.create_review(event="APPROVE", commit=world.repo("alice-token").get_commit(sha))
    assert refused.value.status == 422
    # ... and the requester's approval of the bot's request pull request does not count.
    number = shown_request(world)
    world.repo("alice-token").get_pull(number).create_review(event="APPROVE")
    world.repo("bob-token").get_pull(number).merge()
    result = world.push_run("apply-merged")
    assert result.code == 1 and "other than the author" in result.err
    assert EMAIL not in accounts(orgsim)


def test_a_plan_changed_since_the_comment_is_refused(world: World, orgsim: Any) -> None:
    number = shown_request(world)
    world.repo("bob-token").get_pull(number).create_review(event="APPROVE")
    # Someone changes AWS after the plan was shown.
    org = orgsim.client()
    root = org.list_roots()["Roots"][0]["Id"]
    org.create_organizational_unit(ParentId=root, Name="Made-by-hand")
    world.repo("bob-token").get_pull(number).merge()
    result = world.push_run("apply-merged")
    assert result.code == 1 and "AWS changed" in result.err
    assert EMAIL not in accounts(orgsim)
    assert any("AWS changed" in c.body for c in world.bot_comments(number))


def test_a_direct_push_to_main_is_not_applied(world: World, orgsim: Any) -> None:
    account = (f"account_name: {NAME}\nemail: {EMAIL}\nou: Workloads/Production\nenvironment: production\n"
               "workload_type: customer_isolated\nowner_team: zeta-team\ncost_center: CC-4242\n"
               "compliance_scope: []\nautomation_level: full\ncreated_by: hand\nlifecycle_state: active\n")
    world.push("main", {f"accounts/{NAME}.yaml": account}, "straight to main")
    result = world.push_run("apply-merged")
    assert result.code == 1 and "not the merge of a pull request" in result.err
    assert EMAIL not in accounts(orgsim)


APP = "reconciler-app[bot]"  # a GitHub App's bot, as the request workflow's token


@pytest.fixture
def app_world(orgsim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> Iterator[World]:
    users = {"alice": "alice-token", "bob": "bob-token", APP: "app-token"}
    with GHFake.start(tmp_path / "gh", users=users) as gh:
        monkeypatch.setenv("RECONCILER_AWS_PACING", "off")
        w = World(gh, tmp_path, monkeypatch, capsys)
        assert w.push_run("apply", "--auto-approve", "--no-writeback-commit").code == 0
        w.repo("alice-token").create_label("account-request", "ededed")
        yield w
        assert gh.violations() == []


def test_with_an_app_token_for_requests_the_requester_still_cannot_approve(
        app_world: World, orgsim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The request workflow opens pull requests as an App's bot (RECONCILER_PR_AUTHOR_LOGIN), the
    plan job still comments as github-actions[bot] (RECONCILER_BOT_LOGIN, default): the gate finds
    the plan comment, and the requester's approval of their own request does not count."""
    world = app_world
    monkeypatch.setenv("RECONCILER_PR_AUTHOR_LOGIN", APP)
    good = form({**FORM, "Organizational unit": "Workloads/Production"})
    issue = world.repo("alice-token").create_issue(title="Account request: zeta", body=good,
                                                   labels=["account-request"])
    assert world.issue_run(issue.number, "request", token="app-token").code == 0
    assert world.issue_run(issue.number, "request", token="app-token").code == 0  # edited, not repeated
    (pull,) = list(world.repo("alice-token").get_pulls(state="open"))
    assert pull.user.login == APP and pull.user.type == "Bot"
    assert "**Checks:**" not in pull.body  # an App's pull request runs its checks
    assert [c.user.login for c in world.repo("alice-token").get_issue(issue.number).get_comments()] == [APP]
    assert world.pull_request_run(pull.number, pull.head.ref, "plan", "--comment").code == 0
    world.repo("alice-token").get_pull(pull.number).create_review(event="APPROVE")
    world.repo("bob-token").get_pull(pull.number).merge()
    refused = world.push_run("apply-merged")
    assert refused.code == 1
    assert "`alice` does not count: the reviewer is the pull request's author or requester" in refused.err
    assert "no plan was shown" not in refused.err
    assert EMAIL not in accounts(orgsim)


def test_an_edit_to_a_closed_request_opens_nothing(world: World) -> None:
    issue = world.repo("alice-token").create_issue(
        title="Account request: zeta", body=form({**FORM, "Organizational unit": "Workloads/Production"}),
        labels=["account-request"])
    issue.edit(state="closed")  # withdrawn (or done), then edited: the workflow's `edited` event
    payload = {"action": "edited", "issue": {"number": issue.number, "state": "closed"}}
    result = world.run(world.checkout("main"), "issues", payload, "request")
    assert result.code == 0 and f"issue #{issue.number} is closed: nothing to do" in result.out
    assert world.repo("alice-token").get_pulls(state="all").totalCount == 0
    assert world.bot_comments(issue.number) == []
