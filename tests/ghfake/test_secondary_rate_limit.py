"""ghfake's secondary rate limit for content-creating requests and the clock tests advance
(docs/ghfake.md, "Rate limits"; GitHub: "Rate limits for the REST API", sections "About secondary
rate limits" and "Exceeding the rate limit")."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from github import GithubException, RateLimitExceededException

from ghfake.api import SECONDARY_MESSAGE
from ghfake.cli import parser
from ghfake.pytest_plugin import RepoHandle
from ghfake.testing import GHFake


def _label(gh: RepoHandle, name: str) -> requests.Response:
    """One content-creating request (POST .../labels) as the bot, answered as it comes."""
    return requests.post(f"{gh.url}/repos/{gh.full_name}/labels", json={"name": name, "color": "ededed"},
                         headers={"Authorization": f"token {gh.token}"}, timeout=30)


def test_off_by_default(ghfake: RepoHandle) -> None:
    assert [_label(ghfake, f"l{n}").status_code for n in range(12)] == [201] * 12


def test_past_the_limit_a_write_gets_githubs_403_with_retry_after(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(3)
    assert [_label(ghfake, f"l{n}").status_code for n in range(3)] == [201] * 3
    refused = _label(ghfake, "l3")
    assert refused.status_code == 403
    assert refused.json()["message"] == SECONDARY_MESSAGE
    assert "secondary" in refused.json()["documentation_url"]
    assert 59 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Remaining"] != "0"  # the primary limit is not what refused
    repo = ghfake.github().get_repo(ghfake.full_name)
    assert {label.name for label in repo.get_labels()} >= {"l0", "l1", "l2"}  # reads are not limited
    assert "l3" not in {label.name for label in repo.get_labels()}  # the refused write did nothing


def test_pygithub_reads_the_answer_as_a_rate_limit(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(1)
    repo = ghfake.github().get_repo(ghfake.full_name)
    repo.create_label("first", "ededed")
    with pytest.raises(RateLimitExceededException) as refused:
        repo.create_label("second", "ededed")
    assert refused.value.status == 403
    assert refused.value.headers is not None and "retry-after" in refused.value.headers


def test_the_window_follows_the_clock_tests_advance(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(2)
    assert [_label(ghfake, f"l{n}").status_code for n in range(3)] == [201, 201, 403]
    ghfake.advance_clock(45)
    waiting = _label(ghfake, "l3")
    assert waiting.status_code == 403 and 14 <= int(waiting.headers["Retry-After"]) <= 15
    ghfake.advance_clock(int(waiting.headers["Retry-After"]))
    assert [_label(ghfake, f"l{n}").status_code for n in range(4, 7)] == [201, 201, 403]


def test_refused_requests_do_not_use_up_the_window(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(1)
    assert _label(ghfake, "a").status_code == 201
    assert [_label(ghfake, "b").status_code for _ in range(5)] == [403] * 5
    ghfake.advance_clock(60)
    assert _label(ghfake, "b").status_code == 201


def test_lifting_and_reset_end_the_limit(ghfake: RepoHandle) -> None:
    ghfake.set_secondary_rate_limit(1)
    assert [_label(ghfake, n).status_code for n in ("a", "b")] == [201, 403]
    ghfake.set_secondary_rate_limit(None)
    assert _label(ghfake, "b").status_code == 201


@pytest.mark.parametrize("payload", [{"per_minute": 0}, {"per_minute": "8"}, {"per_minute": True}])
def test_control_refuses_a_bad_limit(ghfake: RepoHandle, payload: dict[str, object]) -> None:
    with pytest.raises(requests.HTTPError) as refused:
        ghfake.control("POST", "secondary-rate-limit", payload)
    assert refused.value.response.status_code == 422


@pytest.mark.parametrize("payload", [{"advance": -1}, {"advance": "60"}])
def test_control_refuses_to_turn_the_clock_back(ghfake: RepoHandle, payload: dict[str, object]) -> None:
    with pytest.raises(requests.HTTPError) as refused:
        ghfake.control("POST", "clock", payload)
    assert refused.value.response.status_code == 422


def test_serve_option_sets_the_limit_from_the_start(tmp_path: Path) -> None:
    with GHFake.start(tmp_path / "gh", secondary_rate_limit=1) as gh:
        gh.create_repo("acme/limited", {"README.md": "hi\n"}, actions_can_approve=False)
        repo = gh.github().get_repo("acme/limited")
        repo.create_label("first", "ededed")
        with pytest.raises(GithubException) as refused:
            repo.create_label("second", "ededed")
        assert refused.value.status == 403


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_serve_refuses_a_bad_limit(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--data", "d", "--secondary-rate-limit", value])
    assert "positive number of requests a minute" in capsys.readouterr().err
