"""The schema check itself: it can fail, it matches the right operations, it sees the traffic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from ghfake.pytest_plugin import RepoHandle
from ghfake.schema import SchemaChecker, load_subset

FIXTURES = Path(__file__).parents[1] / "fixtures" / "github"


@pytest.fixture(scope="module")
def checker() -> SchemaChecker:
    return SchemaChecker()


def test_subset_names_its_source() -> None:
    source = load_subset()["source"]
    assert source["package"] == "@octokit/openapi" and source["version"]


@pytest.mark.parametrize(("method", "path", "operation"), [
    ("GET", "/repos/a/b/contents/accounts/dev.yaml", "repos/get-content"),
    ("GET", "/repos/a/b/git/ref/heads/feature/x", "git/get-ref"),
    ("PATCH", "/repos/a/b/git/refs/heads/main", "git/update-ref"),
    ("POST", "/repos/a/b/git/refs", "git/create-ref"),
    ("POST", "/repos/a/b/pulls/3/reviews", "pulls/create-review"),
    ("PATCH", "/repos/a/b/issues/comments/7", "issues/update-comment"),
    ("GET", "/repos/a/b/issues/7", "issues/get"),
    ("GET", "/rate_limit", "rate-limit/get"),
])
def test_paths_match_their_operation(checker: SchemaChecker, method: str, path: str, operation: str) -> None:
    found = checker.operation(method, path)
    assert found is not None and found.operation_id == operation


def test_wrong_response_body_is_a_violation() -> None:
    checker = SchemaChecker()
    wrong = json.loads((FIXTURES / "wrong-pull-request.json").read_text())
    errors = checker.check_response("GET", "/repos/a/b/pulls/1", 200, wrong)
    assert any("'head' is a required property" in e for e in errors)
    assert any(e.startswith("number:") for e in errors)
    assert checker.violations[0]["operation"] == "pulls/get"


def test_undocumented_status_is_a_violation() -> None:
    checker = SchemaChecker()
    assert checker.check_response("GET", "/repos/a/b/pulls/1", 418, {"message": "teapot"})
    assert checker.check_response("GET", "/repos/a/b/pulls/1", 403, {"message": "rate"}) == []


def test_wrong_request_body_is_recorded_by_the_server(ghfake: RepoHandle) -> None:
    resp = requests.post(f"{ghfake.url}/repos/{ghfake.full_name}/labels",
                         headers={"Authorization": "token bot-token"},
                         json={"name": "x", "color": 123}, timeout=10)
    assert resp.status_code == 201
    found = ghfake.violations()
    assert [(v["operation"], v["direction"]) for v in found] == [("issues/create-label", "request")]
    ghfake.clear_violations()  # the plugin would fail this test otherwise, which is the point


def test_round_trip_responses_are_checked(ghfake: RepoHandle) -> None:
    repo = ghfake.github().get_repo(ghfake.full_name)
    repo.get_contents("README.md")
    repo.get_branch("main")
    checked = ghfake.checked()
    assert checked["repos/get"] >= 1 and checked["repos/get-content"] == 1
    assert checked["repos/get-branch"] == 1
