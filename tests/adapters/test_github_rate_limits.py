"""The GitHub adapter honours GitHub's rate limits as "Rate limits for the REST API", section
"Exceeding the rate limit", says: retry-after, else x-ratelimit-reset when x-ratelimit-remaining is
0, else at least a minute; bounded by RECONCILER_GITHUB_MAX_WAIT a run. Nothing sleeps: the
client's sleep advances ghfake's clock (or records)."""

from __future__ import annotations

import json

import pytest
import requests
from github import GithubException
from urllib3 import HTTPResponse

from ghfake.pytest_plugin import RepoHandle
from reconciler.adapters.github import (
    DoctorGitHubClient,
    DriftGitHubClient,
    RateLimitWaits,
    max_wait_from_env,
)
from reconciler.doctor.github import NotAllowed
from reconciler.errors import GitHubError


class Sleeps:
    """The client's sleep: records each wait and moves ghfake's clock on by it."""

    def __init__(self, gh: RepoHandle | None = None) -> None:
        self.gh, self.calls = gh, list[float]()

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.gh is not None:
            self.gh.advance_clock(seconds)


def _client(gh: RepoHandle, sleeps: Sleeps, **kwargs: object) -> DriftGitHubClient:
    return DriftGitHubClient(gh.full_name, gh.token, gh.url, sleep=sleeps, **kwargs)  # type: ignore[arg-type]


def test_writes_past_a_secondary_limit_wait_and_all_land_once(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(3)
    sleeps = Sleeps(ghfake)
    client = _client(ghfake, sleeps, max_wait=900)
    numbers = [client.create_issue(f"issue {n}", "body").number for n in range(7)]
    assert len(set(numbers)) == 7
    titles = sorted(i.title for i in client.open_issues())
    assert titles == sorted(f"issue {n}" for n in range(7))  # none lost, none twice
    assert len(sleeps.calls) == 2 and all(1 <= s <= 60 for s in sleeps.calls)
    assert [limit for limit, _ in client.rate_limit_waits.waits] == ["secondary", "secondary"]


def test_a_call_of_several_writes_is_not_replayed(ghfake: RepoHandle) -> None:
    """close_issue comments and then closes; a refused close retries the close, not the comment."""
    client = _client(ghfake, Sleeps(ghfake), max_wait=900)
    number = client.create_issue("to close", "body").number
    ghfake.set_secondary_rate_limit(1)
    ghfake.advance_clock(60)
    client.close_issue(number, "closing it")  # the comment takes the minute's one write
    issue = ghfake.github().get_repo(ghfake.full_name).get_issue(number)
    assert issue.state == "closed"
    assert [c.body for c in issue.get_comments()] == ["closing it"]
    assert len(client.rate_limit_waits.waits) == 1


@pytest.mark.parametrize("status", [403, 429])
def test_a_spent_primary_limit_waits_until_its_reset(ghfake: RepoHandle, status: int) -> None:
    reset = int(requests.get(f"{ghfake.url}/rate_limit", timeout=30).headers["X-RateLimit-Reset"])
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # the reset comes: ghfake allows requests again
        waited.append(seconds)
        ghfake.set_rate_limit(None)

    client = DriftGitHubClient(ghfake.full_name, ghfake.token, ghfake.url, sleep=sleep, max_wait=900,
                               clock=lambda: reset - 120.0)
    assert client.default_branch() == "main"  # reads the repository first
    ghfake.set_rate_limit(0, status=status)
    assert client.create_issue("after the reset", "body").title == "after the reset"
    assert waited == [121.0]  # until x-ratelimit-reset, plus the second it may fall anywhere in
    assert client.rate_limit_waits.waits == [("primary", 121.0)]


def test_past_the_runs_budget_it_fails_at_once_with_one_clear_line(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(1)
    sleeps = Sleeps(ghfake)
    client = _client(ghfake, sleeps, max_wait=30)
    client.create_issue("first", "body")
    with pytest.raises(GitHubError) as failed:
        client.create_issue("second", "body")
    message = str(failed.value)
    assert "secondary rate limit" in message and "RECONCILER_GITHUB_MAX_WAIT" in message
    assert "run again after" in message and "\n" not in message
    assert ghfake.token not in message
    assert sleeps.calls == []  # a wait that cannot fit is not started
    assert [i.title for i in client.open_issues()] == ["first"]


def test_the_budget_counts_every_wait_of_the_run(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(1)
    sleeps = Sleeps(ghfake)
    client = _client(ghfake, sleeps, max_wait=100)
    client.create_issue("one", "body")
    client.create_issue("two", "body")  # waits about 60 s of the 100
    with pytest.raises(GitHubError, match="already waited 60 s of the 100 s"):
        client.create_issue("three", "body")
    assert len(sleeps.calls) == 1


def test_a_permission_refusal_is_not_retried(ghfake: RepoHandle) -> None:
    sleeps = Sleeps(ghfake)
    client = DoctorGitHubClient(ghfake.full_name, ghfake.token, ghfake.url, sleep=sleeps, max_wait=900)
    with pytest.raises(NotAllowed, match="Resource not accessible by integration"):
        client.branch_protection("main")  # 403 to the Actions token
    assert sleeps.calls == [] and client.rate_limit_waits.waits == []


def _answer(status: int, body: dict[str, str], headers: dict[str, str] | None = None) -> HTTPResponse:
    return HTTPResponse(body=json.dumps(body).encode(), headers=headers or {}, status=status,
                        preload_content=False)


SECONDARY = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."


def test_a_secondary_limit_said_only_in_the_message_waits_a_minute_then_longer() -> None:
    waits = RateLimitWaits(max_wait=900)
    headers = {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": "1"}
    assert waits.wait_for(_answer(403, {"message": SECONDARY}, headers), attempt=0) == 60.0
    assert waits.wait_for(_answer(429, {"message": SECONDARY}, headers), attempt=1) == 120.0
    assert waits.waited == 180.0


def test_any_other_403_raises_what_pygithub_would() -> None:
    waits = RateLimitWaits(max_wait=900)
    answer = {"message": "Must have admin rights to Repository."}
    with pytest.raises(GithubException) as refused:
        waits.wait_for(_answer(403, answer), attempt=0)
    assert refused.value.status == 403 and refused.value.data == answer
    assert waits.waited == 0


def test_max_wait_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECONCILER_GITHUB_MAX_WAIT", raising=False)
    assert max_wait_from_env() == 900.0
    monkeypatch.setenv("RECONCILER_GITHUB_MAX_WAIT", "30")
    assert max_wait_from_env() == 30.0


@pytest.mark.parametrize("value", ["soon", "-5", "nan", "inf"])
def test_a_bad_max_wait_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RECONCILER_GITHUB_MAX_WAIT", value)
    with pytest.raises(GitHubError, match=f"MAX_WAIT must be a number of seconds.*'{value}'"):
        DriftGitHubClient("acme/repo", "a-token", "http://127.0.0.1:9/api/v3")
