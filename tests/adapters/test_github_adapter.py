"""The GitHub adapter over real HTTP against ghfake: comments, reviews, merges, branches, errors."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.adapters.github import GitHubClient
from reconciler.errors import GitHubError
from reconciler.pullrequests.comment import find_plan_comment, upsert_comment

BOT = "github-actions[bot]"
MARKED = '<!-- reconciler:plan {"head":"a","live":"b","repository":"c"} -->\nplan'


def client(gh: Any, token: str | None = None) -> GitHubClient:
    return GitHubClient(gh.full_name, token or gh.token, gh.url)


def open_pull(gh: Any, port: GitHubClient, branch: str = "feature", author_token: str = "alice-token") -> int:
    port.commit_files(branch, "main", {"accounts/x.yaml": "a: 1\n"}, "add x")
    pull = GitHubClient(gh.full_name, author_token, gh.url).open_pull_request(branch, "main", "Add x", "body")
    return pull.number


def test_plan_comment_is_created_once_then_edited_in_place(ghfake: Any) -> None:
    port = client(ghfake)
    number = open_pull(ghfake, port)
    first = upsert_comment(port, number, MARKED + " 1", BOT)
    second = upsert_comment(port, number, MARKED + " 2", BOT)
    comments = port.comments(number)
    assert first.id == second.id and len(comments) == 1
    assert comments[0].author == BOT and comments[0].body.endswith("plan 2")


def test_a_users_comment_with_the_marker_is_never_edited(ghfake: Any) -> None:
    port = client(ghfake)
    number = open_pull(ghfake, port)
    mallory = client(ghfake, "bob-token")
    forged = mallory.create_comment(number, MARKED + " forged by bob")
    upsert_comment(port, number, MARKED + " real", BOT)
    comments = {c.id: c for c in port.comments(number)}
    assert comments[forged.id].body.endswith("forged by bob")
    found = find_plan_comment(list(comments.values()), BOT)
    assert found is not None and found.author == BOT and found.id != forged.id


def test_reviews_and_the_merged_pull_request_of_a_commit(ghfake: Any) -> None:
    port = client(ghfake)
    number = open_pull(ghfake, port)
    ghfake.github("bob-token").get_repo(ghfake.full_name).get_pull(number).create_review(event="APPROVE")
    assert [(r.author, r.state) for r in port.reviews(number)] == [("bob", "APPROVED")]
    merged = ghfake.github("alice-token").get_repo(ghfake.full_name).get_pull(number).merge()
    (pull,) = port.pulls_for_commit(merged.sha)
    assert pull.number == number and pull.merged and pull.author == "alice"
    assert port.pulls_for_commit("0" * 40) == []
    assert port.branch_sha("main") == merged.sha


def test_branch_commit_and_pull_request_round_trip(ghfake: Any) -> None:
    port = client(ghfake)
    port.commit_files("ids", "main", {"accounts/a.yaml": "one\n"}, "first")
    pull = port.open_pull_request("ids", "main", "Ids", "body")
    port.commit_files("ids", "main", {"accounts/a.yaml": "two\n", "README.md": None}, "second")
    found = port.find_open_pull_request("ids", "main")
    assert found is not None and found.number == pull.number
    assert port.read_file("accounts/a.yaml", "ids") == "two\n"
    assert port.read_file("README.md", "ids") is None
    assert port.read_file("README.md", "main") == "# test repository\n"
    port.edit_pull_request(pull.number, "Ids v2", "new body")
    assert port.pull_request(pull.number).title == "Ids v2"
    assert port.find_open_pull_request("nope", "main") is None


def test_issue_is_read_with_labels(ghfake: Any) -> None:
    repo = ghfake.github("alice-token").get_repo(ghfake.full_name)
    repo.create_label("account-request", "ededed")
    created = repo.create_issue(title="Account request", body="### Account name\n\nx",
                                labels=["account-request"])
    issue = client(ghfake).issue(created.number)
    assert issue.author == "alice" and issue.labels == ("account-request",) and not issue.is_pull_request


def test_errors_are_githuberrors_without_the_token(ghfake: Any) -> None:
    with pytest.raises(GitHubError) as refused:
        client(ghfake, "wrong-secret-token").pull_request(1)
    assert "401" in str(refused.value) and "wrong-secret-token" not in str(refused.value)
    assert refused.value.__cause__ is not None
    with pytest.raises(GitHubError, match="404"):
        client(ghfake).pull_request(999)


def test_a_body_over_githubs_limit_is_refused(ghfake: Any) -> None:
    port = client(ghfake)
    number = open_pull(ghfake, port)
    with pytest.raises(GitHubError, match="422"):
        port.create_comment(number, "x" * 65_537)


def test_the_facts_the_approval_rules_need(ghfake: Any) -> None:
    """Each review's commit and user type, each reviewer's permission (asked of GitHub), and the
    accounts the pull request's commits are linked to."""
    port = client(ghfake)
    number = open_pull(ghfake, port)
    ghfake.github("bob-token").get_repo(ghfake.full_name).get_pull(number).create_review(event="APPROVE")
    head = port.pull_request(number).head_sha
    assert [(r.author, r.commit_id, r.author_type) for r in port.reviews(number)] == [("bob", head, "User")]
    ghfake.set_role(ghfake.full_name, "bob", "pull")
    assert [port.permission(who) for who in ("bob", "alice", "admin", BOT, "nobody")] == [
        "read", "write", "admin", "none", "none"]
    assert [(c.author, c.committer) for c in port.pull_commits(number)] == [(BOT, BOT)]
