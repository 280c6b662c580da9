"""GitHub's error answers: 401, 403 rate limit, 404, 409, 422 and the self-approval rule."""

from __future__ import annotations

import github
import pytest
import requests

from ghfake.pytest_plugin import RepoHandle


def status_of(call: object) -> tuple[int, object]:
    with pytest.raises(github.GithubException) as info:
        call()  # type: ignore[operator]
    return info.value.status, info.value.data


def test_missing_or_wrong_token_is_401(ghfake: RepoHandle) -> None:
    url = f"{ghfake.url}/repos/{ghfake.full_name}"
    assert requests.get(url, timeout=10).status_code == 401
    bad = requests.get(url, headers={"Authorization": "token nope"}, timeout=10)
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
    status, _ = status_of(lambda: ghfake.github("nope").get_repo(ghfake.full_name))
    assert status == 401
    assert requests.get(url, headers={"Authorization": "Bearer bot-token"}, timeout=10).status_code == 200


def test_unknown_things_are_404(ghfake: RepoHandle) -> None:
    gh = ghfake.github()
    assert status_of(lambda: gh.get_repo("acme/does-not-exist"))[0] == 404
    repo = gh.get_repo(ghfake.full_name)
    assert status_of(lambda: repo.get_contents("missing.txt"))[0] == 404
    assert status_of(lambda: repo.get_pull(99))[0] == 404
    assert status_of(lambda: repo.get_branch("nope"))[0] == 404
    assert status_of(lambda: repo.get_git_ref("heads/nope"))[0] == 404


def test_stale_file_sha_is_409(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    first = repo.create_file("a.txt", "add", "one\n")
    repo.update_file("a.txt", "two", "two\n", first["content"].sha)
    status, data = status_of(lambda: repo.update_file("a.txt", "three", "three\n", first["content"].sha))
    assert status == 409 and "does not match" in data["message"]  # type: ignore[index]
    assert repo.get_contents("a.txt").decoded_content == b"two\n"


def test_update_without_sha_is_422(ghfake: RepoHandle) -> None:
    resp = requests.put(f"{ghfake.url}/repos/{ghfake.full_name}/contents/README.md",
                        headers={"Authorization": "token bot-token"},
                        json={"message": "m", "content": "eA=="}, timeout=10)
    assert resp.status_code == 422


def test_duplicate_ref_is_422(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    sha = repo.get_branch("main").commit.sha
    repo.create_git_ref("refs/heads/x", sha)
    status, data = status_of(lambda: repo.create_git_ref("refs/heads/x", sha))
    assert status == 422 and data["message"] == "Reference already exists"  # type: ignore[index]


def test_comment_over_65536_characters_is_422(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    issue = repo.create_issue("drift")
    issue.create_comment("x" * 65536)
    status, data = status_of(lambda: issue.create_comment("x" * 65537))
    assert status == 422 and "too long" in str(data)
    assert issue.get_comments().totalCount == 1


def test_author_cannot_approve_own_pull(ghfake: RepoHandle) -> None:
    repo = ghfake.github("alice-token").get_repo(ghfake.full_name)
    repo.create_git_ref("refs/heads/f", repo.get_branch("main").commit.sha)
    repo.create_file("f.txt", "f", "f\n", branch="f")
    pull = repo.create_pull(title="t", body="", head="f", base="main")
    status, data = status_of(lambda: pull.create_review(event="APPROVE"))
    assert status == 422 and data["errors"] == ["Can not approve your own pull request"]  # type: ignore[index]
    pull.create_review(body="note to self", event="COMMENT")
    assert [r.state for r in pull.get_reviews()] == ["COMMENTED"]


def test_exhausted_rate_limit_is_403_with_headers(ghfake: RepoHandle) -> None:
    gh = ghfake.github()
    ghfake.set_rate_limit(2)
    gh.get_repo(ghfake.full_name)
    gh.get_repo(ghfake.full_name)
    resp = requests.get(f"{ghfake.url}/repos/{ghfake.full_name}",
                        headers={"Authorization": "token bot-token"}, timeout=10)
    assert resp.status_code == 403 and "rate limit" in resp.json()["message"]
    assert resp.headers["X-RateLimit-Remaining"] == "0" and int(resp.headers["X-RateLimit-Reset"]) > 0
    with pytest.raises(github.RateLimitExceededException):
        gh.get_repo(ghfake.full_name)
    ghfake.set_rate_limit(None)
    assert gh.get_repo(ghfake.full_name).name


def test_rate_limit_can_answer_429(ghfake: RepoHandle) -> None:
    ghfake.set_rate_limit(0, status=429)
    resp = requests.get(f"{ghfake.url}/repos/{ghfake.full_name}",
                        headers={"Authorization": "token bot-token"}, timeout=10)
    assert resp.status_code == 429 and resp.headers["X-RateLimit-Remaining"] == "0"
    ghfake.set_rate_limit(None)
