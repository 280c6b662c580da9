"""The endpoints beyond the main flow, each through PyGithub, each schema-checked by the plugin."""

from __future__ import annotations

import github
import requests
from github import InputGitTreeElement

from ghfake.pytest_plugin import RepoHandle


def test_pagination_follows_link_headers(ghfake: RepoHandle) -> None:
    repo = ghfake.github(per_page=2).get_repo(ghfake.full_name)
    issue = repo.create_issue("many comments")
    for i in range(5):
        issue.create_comment(f"comment {i}")
    comments = issue.get_comments()
    assert [c.body for c in comments] == [f"comment {i}" for i in range(5)]
    assert comments.totalCount == 5
    assert [c.body for c in comments.get_page(2)] == ["comment 4"]


def test_link_header_shape(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    for i in range(3):
        repo.create_label(f"l{i}", "ff0000")
    url = f"{ghfake.url}/repos/{ghfake.full_name}/labels"
    headers = {"Authorization": "token bot-token"}
    first = requests.get(url, params={"per_page": 1}, headers=headers, timeout=10)
    assert 'rel="next"' in first.headers["Link"] and "page=3" in first.headers["Link"]
    last = requests.get(url, params={"per_page": 1, "page": 3}, headers=headers, timeout=10)
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    assert [x["name"] for x in last.json()] == ["l2"]


def test_issues_and_labels(ghfake: RepoHandle) -> None:
    repo = ghfake.github("alice-token").get_repo(ghfake.full_name)
    repo.create_label("drift", "d73a4a", "live state differs")
    issue = repo.create_issue("Drift found", body="details", labels=["drift"])
    other = repo.create_issue("Unrelated")
    assert (issue.number, other.number) == (1, 2)
    assert [i.number for i in repo.get_issues(labels=[repo.get_label("drift")])] == [1]
    issue.edit(state="closed")
    assert [i.number for i in repo.get_issues(state="open")] == [2]
    assert repo.get_issue(1).state == "closed" and repo.get_issue(1).closed_at is not None
    other.add_to_labels("new-label")
    assert sorted(lab.name for lab in repo.get_labels()) == ["drift", "new-label"]
    other.remove_from_labels("new-label")
    assert list(repo.get_issue(2).get_labels()) == []
    comment = issue.create_comment("closing")
    assert repo.get_issue(1).get_comment(comment.id).body == "closing"
    comment.delete()
    assert issue.get_comments().totalCount == 0


def test_contents_directory_and_delete(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    repo.create_file("accounts/a.yaml", "a", "a: 1\n")
    repo.create_file("accounts/b.yaml", "b", "b: 1\n")
    listing = repo.get_contents("accounts")
    assert sorted(c.path for c in listing) == ["accounts/a.yaml", "accounts/b.yaml"]
    assert {c.name for c in repo.get_contents("")} == {"README.md", "accounts"}
    a = repo.get_contents("accounts/a.yaml")
    repo.delete_file("accounts/a.yaml", "drop a", a.sha)
    assert [c.path for c in repo.get_contents("accounts")] == ["accounts/b.yaml"]
    old = repo.get_contents("accounts/a.yaml", ref=repo.get_git_commit(repo.get_branch("main").commit.sha)
                            .parents[0].sha)
    assert old.decoded_content == b"a: 1\n"


def test_refs_and_git_objects(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    main = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/drift/one", main)
    repo.create_git_ref("refs/heads/drift/two", main)
    assert sorted(r.ref for r in repo.get_git_matching_refs("heads/drift/")) == [
        "refs/heads/drift/one", "refs/heads/drift/two"]
    assert {b.name for b in repo.get_branches()} == {"main", "drift/one", "drift/two"}
    repo.get_git_ref("heads/drift/two").delete()
    assert [r.ref for r in repo.get_git_matching_refs("heads/drift/")] == ["refs/heads/drift/one"]

    blob = repo.create_git_blob("aGVsbG8=", "base64")
    assert repo.get_git_blob(blob.sha).content.strip() == "aGVsbG8="
    parent = repo.get_git_commit(main)
    tree = repo.create_git_tree([InputGitTreeElement("x/y.txt", "100644", "blob", sha=blob.sha),
                                 InputGitTreeElement("README.md", "100644", "blob", sha=None)],
                                base_tree=parent.tree)
    assert sorted(e.path for e in repo.get_git_tree(tree.sha, recursive=True).tree) == ["x", "x/y.txt"]
    commit = repo.create_git_commit("replace readme", tree, [parent])
    ref = repo.get_git_ref("heads/drift/one")
    ref.edit(commit.sha)
    assert repo.get_branch("drift/one").commit.sha == commit.sha
    try:
        ref.edit(main)  # going back is not a fast forward
    except github.GithubException as exc:
        assert exc.status == 422
    else:
        raise AssertionError("non-fast-forward ref update was accepted")
    ref.edit(main, force=True)
    assert repo.get_branch("drift/one").commit.sha == main


def open_pull(repo: github.Repository.Repository, branch: str, path: str) -> github.PullRequest.PullRequest:
    repo.create_git_ref(f"refs/heads/{branch}", repo.get_branch("main").commit.sha)
    repo.create_file(path, branch, f"{branch}\n", branch=branch)
    return repo.create_pull(title=branch, body="", head=branch, base="main")


def test_issues_and_pulls_share_one_number_sequence(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    assert repo.create_issue("first").number == 1
    pull = open_pull(repo, "p", "p.txt")
    assert pull.number == 2 and repo.create_issue("third").number == 3
    listed = {i.number: i.pull_request is not None for i in repo.get_issues()}
    assert listed == {1: False, 2: True, 3: False}


def test_pull_filters_close_reopen_and_squash(ghfake: RepoHandle) -> None:
    repo = ghfake.github("alice-token").get_repo(ghfake.full_name)
    one, two = open_pull(repo, "one", "one.txt"), open_pull(repo, "two", "two.txt")
    assert [p.number for p in repo.get_pulls()] == [2, 1]
    assert [p.number for p in repo.get_pulls(head="acme:one")] == [1]
    assert [p.number for p in repo.get_pulls(base="main", state="all")] == [2, 1]
    one.edit(state="closed")
    assert [p.number for p in repo.get_pulls(state="closed")] == [1]
    one.edit(state="open")
    two_files = [f.filename for f in two.get_files()]
    assert two_files == ["two.txt"]
    assert two.merge(merge_method="squash").merged
    main = repo.get_git_commit(repo.get_branch("main").commit.sha)
    assert len(main.parents) == 1 and main.message.startswith("two (#2)")
    assert not repo.get_pull(1).merged and repo.get_pull(2).merged


def test_repositories_created_through_the_api(ghfake: RepoHandle) -> None:
    alice = ghfake.github("alice-token")
    created = alice.get_user().create_repo("personal", auto_init=True)
    assert created.full_name == "alice/personal" and created.default_branch == "main"
    assert created.get_contents("README.md").decoded_content == b"# personal\n"
    assert ghfake.bare_path("alice/personal").is_dir()
    resp = requests.post(f"{ghfake.url}/orgs/acme-org/repos", json={"name": "infra", "private": True},
                         headers={"Authorization": "token alice-token"}, timeout=10)
    assert resp.status_code == 201 and resp.json()["private"] is True
    assert alice.get_repo("acme-org/infra").get_branches().totalCount == 0


def test_rate_limit_users_and_commits(ghfake: RepoHandle) -> None:
    gh = ghfake.github()
    ghfake.set_rate_limit(50)
    core = gh.get_rate_limit().resources.core
    assert core.remaining == 49 and core.limit == 5000
    assert gh.get_user("bob").type == "User"
    repo = gh.get_repo(ghfake.full_name)
    commit = repo.get_commit("main")
    assert commit.sha == repo.get_branch("main").commit.sha and commit.commit.message == "Initial commit"
    checked = ghfake.checked()
    assert {"rate-limit/get", "users/get-by-username", "repos/get-commit"} <= checked.keys()
