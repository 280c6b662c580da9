"""Who may do what: collaborator roles, bots, the Actions pull request setting, branch protection,
the commits of a pull request and the pull requests of a commit. Each test names the GitHub REST
documentation section it follows (docs/ghfake.md lists them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import github
import pytest
import requests

from ghfake.pytest_plugin import RepoHandle
from ghfake.testing import GHFake

NOT_PERMITTED = "GitHub Actions is not permitted to create or approve pull requests."


def call(gh: RepoHandle, token: str, method: str, path: str, payload: Any = None) -> requests.Response:
    return requests.request(method, f"{gh.url}/repos/{gh.full_name}/{path}", json=payload, timeout=30,
                            headers={"Authorization": f"token {token}"})


def permission(gh: RepoHandle, login: str) -> tuple[str, str]:
    data = call(gh, "alice-token", "GET", f"collaborators/{login}/permission").json()
    return data["permission"], data["role_name"]


def refusal(fn: Any) -> tuple[int, str]:
    with pytest.raises(github.GithubException) as raised:
        fn()
    data = raised.value.data if isinstance(raised.value.data, dict) else {}
    return raised.value.status, str(data.get("message"))


def open_pull(gh: RepoHandle, token: str, branch: str) -> Any:
    repo = gh.github(token).get_repo(gh.full_name)
    repo.create_git_ref(f"refs/heads/{branch}", repo.get_branch("main").commit.sha)
    repo.create_file(f"{branch}.txt", branch, f"{branch}\n", branch=branch)
    return repo.create_pull(title=branch, body="", head=branch, base="main")


def test_collaborators_add_a_repository_collaborator_and_get_permissions(ghfake: RepoHandle) -> None:
    """Collaborators: "Add a repository collaborator", "Get repository permissions for a user"."""
    assert permission(ghfake, "alice") == ("write", "write")  # a plain --user writes by default
    assert permission(ghfake, "admin") == ("admin", "admin")
    ghfake.set_role(ghfake.full_name, "bob", "pull")
    assert permission(ghfake, "bob") == ("read", "read")
    ghfake.set_role(ghfake.full_name, "bob", "maintain")
    assert permission(ghfake, "bob") == ("write", "maintain")  # maintain reads as write
    ghfake.set_role(ghfake.full_name, "bob", "triage")
    assert permission(ghfake, "bob") == ("read", "triage")
    for login in ("nobody", "github-actions[bot]"):
        assert call(ghfake, "alice-token", "GET", f"collaborators/{login}/permission").status_code == 404


def test_only_an_administrator_sets_roles_and_an_actions_token_never(ghfake: RepoHandle) -> None:
    answer = call(ghfake, "alice-token", "PUT", "collaborators/bob", {"permission": "pull"})
    assert (answer.status_code, answer.json()["message"]) == (403, "Must have admin rights to Repository.")
    answer = call(ghfake, "bot-token", "PUT", "collaborators/bob", {"permission": "pull"})
    assert (answer.status_code, answer.json()["message"]) == (403, "Resource not accessible by integration")
    assert call(ghfake, "admin-token", "PUT", "collaborators/bob", {"permission": "owner"}).status_code == 422
    assert permission(ghfake, "bob") == ("write", "write")


def test_the_actions_bot_is_a_bot(ghfake: RepoHandle) -> None:
    """Users: "Get a user" reports `type: Bot` for the GITHUB_TOKEN's user."""
    assert ghfake.github("alice-token").get_user("github-actions[bot]").type == "Bot"
    assert ghfake.github("alice-token").get_user("bob").type == "User"


def test_actions_may_not_create_or_approve_pull_requests_unless_allowed(ghfake: RepoHandle) -> None:
    """Actions permissions: "Set default workflow permissions for a repository"
    (can_approve_pull_request_reviews), off on a new repository."""
    ghfake.set_actions_can_approve(ghfake.full_name, False)
    answer = call(ghfake, "admin-token", "GET", "actions/permissions/workflow").json()
    assert answer == {"default_workflow_permissions": "read", "can_approve_pull_request_reviews": False}
    assert refusal(lambda: open_pull(ghfake, "bot-token", "bot-branch")) == (403, NOT_PERMITTED)
    pull = open_pull(ghfake, "alice-token", "alices")
    bot_pull = ghfake.github().get_repo(ghfake.full_name).get_pull(pull.number)
    assert refusal(lambda: bot_pull.create_review(event="APPROVE")) == (403, NOT_PERMITTED)
    ghfake.set_actions_can_approve(ghfake.full_name, True)
    assert bot_pull.create_review(event="APPROVE").state == "APPROVED"
    assert open_pull(ghfake, "bot-token", "bot-branch-2").user.login == "github-actions[bot]"


def test_a_review_records_the_commit_it_approved(ghfake: RepoHandle) -> None:
    """Pull request reviews: "Create a review for a pull request" (commit_id, default the head)."""
    pull = open_pull(ghfake, "alice-token", "reviewed")
    first = pull.head.sha
    bob = ghfake.github("bob-token").get_repo(ghfake.full_name)
    bob.get_pull(pull.number).create_review(event="APPROVE")
    ghfake.github("alice-token").get_repo(ghfake.full_name).create_file("more.txt", "more", "x\n",
                                                                         branch="reviewed")
    reviews = list(bob.get_pull(pull.number).get_reviews())
    assert [r.commit_id for r in reviews] == [first]
    assert bob.get_pull(pull.number).head.sha != first


def test_branch_protection_blocks_a_merge_until_its_rules_are_met(ghfake: RepoHandle) -> None:
    """Branch protection: "Update branch protection"; Pulls: "Merge a pull request" answers 405."""
    ghfake.protect(ghfake.full_name, "main", approvals=1, dismiss_stale=True, last_push=False)
    pull = open_pull(ghfake, "alice-token", "protected")
    alice = ghfake.github("alice-token").get_repo(ghfake.full_name).get_pull(pull.number)
    blocked = (405, "At least 1 approving review is required by reviewers with write access.")
    assert refusal(alice.merge) == blocked
    ghfake.set_role(ghfake.full_name, "bob", "pull")  # a reader's approval does not count
    bob = ghfake.github("bob-token").get_repo(ghfake.full_name)
    bob.get_pull(pull.number).create_review(event="APPROVE")
    assert refusal(alice.merge) == blocked
    ghfake.set_role(ghfake.full_name, "bob", "push")
    ghfake.github("alice-token").get_repo(ghfake.full_name).create_file("late.txt", "late", "x\n",
                                                                         branch="protected")
    assert refusal(alice.merge) == blocked  # bob approved an older commit: stale
    bob.get_pull(pull.number).create_review(event="APPROVE")
    assert alice.merge().merged


def test_branch_protection_requires_approval_of_the_most_recent_push(ghfake: RepoHandle) -> None:
    ghfake.protect(ghfake.full_name, "main", approvals=1, last_push=True)
    pull = open_pull(ghfake, "alice-token", "pushed")
    bob = ghfake.github("bob-token").get_repo(ghfake.full_name)
    bob.create_file("bobs.txt", "bob pushes", "x\n", branch="pushed")
    bob.get_pull(pull.number).create_review(event="APPROVE")
    alice = ghfake.github("alice-token").get_repo(ghfake.full_name).get_pull(pull.number)
    assert refusal(alice.merge)[0] == 405


def test_branch_protection_required_status_checks_and_admin_only_settings(ghfake: RepoHandle) -> None:
    ghfake.protect(ghfake.full_name, "main", approvals=0, checks=("plan",))
    pull = open_pull(ghfake, "alice-token", "checked")
    alice = ghfake.github("alice-token").get_repo(ghfake.full_name).get_pull(pull.number)
    assert refusal(alice.merge) == (405, 'Required status check "plan" is expected.')
    got = call(ghfake, "admin-token", "GET", "branches/main/protection").json()
    assert got["required_status_checks"]["contexts"] == ["plan"]
    assert call(ghfake, "bot-token", "GET", "branches/main/protection").status_code == 403
    settings = {"required_status_checks": None, "enforce_admins": False, "restrictions": None,
                "required_pull_request_reviews": None}
    assert call(ghfake, "alice-token", "PUT", "branches/main/protection", settings).status_code == 403


def test_merging_needs_write_access(ghfake: RepoHandle) -> None:
    pull = open_pull(ghfake, "alice-token", "readers")
    ghfake.set_role(ghfake.full_name, "bob", "pull")
    bob = ghfake.github("bob-token").get_repo(ghfake.full_name).get_pull(pull.number)
    assert refusal(bob.merge)[0] == 403


def test_list_commits_on_a_pull_request_links_authors_by_email(ghfake: RepoHandle) -> None:
    """Pulls: "List commits on a pull request"; a commit's author/committer are the accounts its
    emails belong to, null for an email no account has."""
    pull = open_pull(ghfake, "alice-token", "authored")
    repo = ghfake.github("bob-token").get_repo(ghfake.full_name)
    stranger = github.InputGitAuthor("someone", "someone@example.com")
    repo.create_file("s.txt", "stranger", "x\n", branch="authored", author=stranger, committer=stranger)
    commits = list(repo.get_pull(pull.number).get_commits())
    assert [(c.author.login if c.author else None) for c in commits] == ["alice", None]
    assert [(c.committer.login if c.committer else None) for c in commits] == ["alice", None]


def test_list_pull_requests_associated_with_a_commit(ghfake: RepoHandle) -> None:
    """Commits: "List pull requests associated with a commit"."""
    pull = open_pull(ghfake, "alice-token", "assoc")
    url = f"commits/{pull.head.sha}/pulls"
    assert [p["number"] for p in call(ghfake, "alice-token", "GET", url).json()] == [pull.number]
    merged = ghfake.github("alice-token").get_repo(ghfake.full_name).get_pull(pull.number).merge()
    found = call(ghfake, "alice-token", "GET", f"commits/{merged.sha}/pulls").json()
    assert [(p["number"], p["merge_commit_sha"]) for p in found] == [(pull.number, merged.sha)]
    answer = call(ghfake, "alice-token", "GET", f"commits/{'0' * 40}/pulls")
    assert answer.status_code == 422


def test_labels_are_dropped_on_issue_creation_without_push_access(ghfake: RepoHandle) -> None:
    """Issues: "Create an issue": only users with push access can set labels."""
    ghfake.set_role(ghfake.full_name, "bob", "pull")
    bob = ghfake.github("bob-token").get_repo(ghfake.full_name)
    assert [label.name for label in bob.create_issue("read only", labels=["account-request"]).labels] == []
    alice = ghfake.github("alice-token").get_repo(ghfake.full_name)
    assert [label.name for label in alice.create_issue("writer", labels=["account-request"]).labels] == [
        "account-request"]


def test_an_apps_bot_is_a_bot_and_the_actions_setting_does_not_bind_it(tmp_path: Path) -> None:
    """A login ending in [bot] is an app's bot (type Bot); "Allow GitHub Actions to create and
    approve pull requests" governs the GITHUB_TOKEN only."""
    with GHFake.start(tmp_path / "gh", users={"alice": "alice-token", "app[bot]": "app-token"}) as gh:
        gh.create_repo("acme/apps", {"README.md": "hi\n"}, actions_can_approve=False)
        repo = gh.github("app-token").get_repo("acme/apps")
        assert gh.github("alice-token").get_user("app[bot]").type == "Bot"
        repo.create_git_ref("refs/heads/app", repo.get_branch("main").commit.sha)
        repo.create_file("app.txt", "app", "x\n", branch="app")
        assert repo.create_pull(title="app", body="", head="app", base="main").user.login == "app[bot]"
        assert gh.violations() == []
