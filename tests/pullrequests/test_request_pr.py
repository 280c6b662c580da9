"""The request flow against ghfake: refusals answered on the issue (quoted safely), one pull
request per issue however often it is edited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.adapters.github import GitHubClient
from reconciler.pullrequests.port import Issue
from reconciler.pullrequests.request import REPLY_MARKER, handle_issue

BOT = "github-actions[bot]"
ORG = 'management_account_id: "111111111111"\norganizational_units:\n  - Workloads\n'
GOOD = {"Account name": "team-a-dev", "Root email": "aws+team-a-dev@example.com",
        "Organizational unit": "Workloads",
        "Environment": "development", "Workload type": "internal", "Owner team": "team-a",
        "Cost center": "CC-100", "Compliance scope": "_No response_", "Automation level": "assisted"}


def form(answers: dict[str, str]) -> str:
    return "\n\n".join(f"### {label}\n\n{value}" for label, value in answers.items())


def setup(ghfake: Any, tmp_path: Path) -> tuple[GitHubClient, Path]:
    (tmp_path / "organization.yaml").write_text(ORG)
    port = GitHubClient(ghfake.full_name, ghfake.token, ghfake.url)
    port.commit_files("main", "main", {"organization.yaml": ORG}, "org")
    return port, tmp_path


def new_issue(ghfake: Any, body: str, labels: tuple[str, ...] = ("account-request",)) -> Issue:
    """An issue alice files on ghfake, as the port reads it back."""
    repo = ghfake.github("alice-token").get_repo(ghfake.full_name)
    for label in labels:
        if label not in {lb.name for lb in repo.get_labels()}:
            repo.create_label(label, "ededed")
    number = repo.create_issue(title="Account request", body=body, labels=list(labels)).number
    return GitHubClient(ghfake.full_name, ghfake.token, ghfake.url).issue(number)


def edited(ghfake: Any, issue: Issue, body: str) -> Issue:
    ghfake.github("alice-token").get_repo(ghfake.full_name).get_issue(issue.number).edit(body=body)
    return GitHubClient(ghfake.full_name, ghfake.token, ghfake.url).issue(issue.number)


def test_edits_update_one_pull_request(ghfake: Any, tmp_path: Path) -> None:
    port, repo = setup(ghfake, tmp_path)
    filed = new_issue(ghfake, form(GOOD))
    first = handle_issue(port, repo, filed, BOT)
    second = handle_issue(port, repo, edited(ghfake, filed, form({**GOOD, "Owner team": "team-b"})), BOT)
    assert first.pull is not None and second.pull is not None and second.updated
    assert first.pull.number == second.pull.number
    n = filed.number
    text = port.read_file("accounts/team-a-dev.yaml", f"account-request/issue-{n}")
    assert text is not None and "owner_team: team-b" in text and f"created_by: account-request-{n}" in text
    pull = port.pull_request(first.pull.number)
    assert f"<!-- reconciler:request issue={n} requester=alice -->" in pull.body
    assert f"Closes #{n}" in pull.body
    assert port.comments(first.pull.number) == []
    replies = [c for c in port.comments(n) if c.body.startswith(REPLY_MARKER)]
    assert len(replies) == 1 and "Updated" in replies[0].body


def test_a_hostile_body_is_answered_without_echo_or_mention(ghfake: Any, tmp_path: Path) -> None:
    port, repo = setup(ghfake, tmp_path)
    body = form({**GOOD, "Owner team": "@everyone ```\n# boom", "Cost center": "CC-1 $(id)"})
    filed = new_issue(ghfake, body)
    outcome = handle_issue(port, repo, filed, BOT)
    assert outcome.pull is None and outcome.problems
    (reply,) = port.comments(filed.number)
    assert reply.body.startswith(REPLY_MARKER)
    assert "@everyone" not in reply.body and "$(id)" not in reply.body
    assert port.find_open_pull_request(f"account-request/issue-{filed.number}", "main") is None


def test_repository_rules_are_checked_before_a_pull_request(ghfake: Any, tmp_path: Path) -> None:
    port, repo = setup(ghfake, tmp_path)
    nowhere = new_issue(ghfake, form({**GOOD, "Organizational unit": "Nowhere"}))
    outcome = handle_issue(port, repo, nowhere, BOT)
    assert outcome.pull is None
    assert any("accounts/team-a-dev.yaml" in p and "Nowhere" in p for p in outcome.problems)
    (repo / "accounts").mkdir()
    (repo / "accounts" / "team-a-dev.yaml").write_text("x: 1\n")
    outcome = handle_issue(port, repo, new_issue(ghfake, form(GOOD)), BOT)
    assert outcome.pull is None and "already exists" in outcome.problems[0]


def test_an_issue_without_the_label_is_left_alone(ghfake: Any, tmp_path: Path) -> None:
    port, repo = setup(ghfake, tmp_path)
    outcome = handle_issue(port, repo, new_issue(ghfake, form(GOOD), labels=("bug",)), BOT)
    assert outcome.pull is None and "not an issue labelled" in outcome.problems[0]
