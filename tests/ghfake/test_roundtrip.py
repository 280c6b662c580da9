"""The whole review flow with unmodified PyGithub against ghfake, checked in the bare repo."""

from __future__ import annotations

import subprocess
from pathlib import Path

import github
from github import InputGitTreeElement

from ghfake.pytest_plugin import RepoHandle


def clone(bare: Path, dest: Path, branch: str = "main") -> Path:
    subprocess.run(["git", "clone", "-q", "-b", branch, str(bare), str(dest)], check=True)
    return dest


def test_pull_request_flow_lands_in_git(ghfake: RepoHandle, tmp_path: Path) -> None:
    gh = ghfake.github("alice-token")
    repo = gh.get_repo(ghfake.full_name)
    main_sha = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/feature", main_sha)

    # One commit through the contents API...
    created = repo.create_file("accounts/dev.yaml", "add dev", "name: dev\n", branch="feature")
    repo.update_file("accounts/dev.yaml", "edit dev", "name: dev\nemail: d@x\n",
                     created["content"].sha, branch="feature")
    # ...and one through the git data API, on top of it.
    head = repo.get_git_ref("heads/feature")
    parent = repo.get_git_commit(head.object.sha)
    blob = repo.create_git_blob("name: prod\n", "utf-8")
    tree = repo.create_git_tree([InputGitTreeElement("accounts/prod.yaml", "100644", "blob", sha=blob.sha)],
                                base_tree=parent.tree)
    commit = repo.create_git_commit("add prod", tree, [parent])
    head.edit(commit.sha)

    pull = repo.create_pull(title="Add accounts", body="two accounts", head="feature", base="main")
    assert pull.number == 1 and pull.mergeable
    assert [f.filename for f in pull.get_files()] == ["accounts/dev.yaml", "accounts/prod.yaml"]
    comment = pull.create_issue_comment("plan: 2 to add")
    comment.edit("plan: 2 to add, 0 to change")
    assert [c.body for c in pull.get_issue_comments()] == ["plan: 2 to add, 0 to change"]
    pull.add_to_labels("reconciler-plan")
    assert [lab.name for lab in repo.get_issue(pull.number).labels] == ["reconciler-plan"]

    bob_pull = ghfake.github("bob-token").get_repo(ghfake.full_name).get_pull(pull.number)
    bob_pull.create_review(body="looks right", event="APPROVE")
    assert [(r.user.login, r.state) for r in pull.get_reviews()] == [("bob", "APPROVED")]

    result = pull.merge(merge_method="merge")
    assert result.merged
    merged = repo.get_pull(pull.number)
    assert merged.merged and merged.state == "closed" and merged.merge_commit_sha == result.sha

    work = clone(ghfake.bare, tmp_path / "clone")
    assert (work / "accounts/dev.yaml").read_text() == "name: dev\nemail: d@x\n"
    assert (work / "accounts/prod.yaml").read_text() == "name: prod\n"
    parents = subprocess.run(["git", "-C", str(work), "log", "-1", "--format=%P"], capture_output=True,
                             text=True, check=True).stdout.split()
    assert parents == [main_sha, commit.sha]
    assert ghfake.violations() == []


def test_direct_git_push_is_seen_by_the_api(ghfake: RepoHandle, tmp_path: Path) -> None:
    work = clone(ghfake.bare, tmp_path / "w")
    (work / "pushed.txt").write_text("from git\n")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "direct push"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "main"], check=True)

    repo = ghfake.github().get_repo(ghfake.full_name)
    assert repo.get_contents("pushed.txt").decoded_content == b"from git\n"
    assert repo.get_branch("main").commit.commit.message == "direct push"


def test_bot_token_cannot_read_user(ghfake: RepoHandle) -> None:
    try:
        ghfake.github().get_user().login
    except github.GithubException as exc:
        assert exc.status == 403
    else:
        raise AssertionError("GITHUB_TOKEN read /user")
    assert ghfake.github("alice-token").get_user().login == "alice"
