"""An Actions environment set wrong by hand or by a broken workflow: one clear ActionsEnvError
naming the variable, never a crash, never the token."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.pullrequests.actions import ActionsEnv, ActionsEnvError

TOKEN = "ghp_s3cret-token-value"


def env(tmp_path: Path, event: object = None, **overrides: str) -> ActionsEnv:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({} if event is None else event))
    values = {"GITHUB_EVENT_PATH": str(path), "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/org",
              "GITHUB_API_URL": "http://127.0.0.1:9/api/v3", **overrides}
    return ActionsEnv.from_environ(values)


@pytest.mark.parametrize("event", [{"pull_request": "x"}, {"pull_request": ["1"]},
                                   {"pull_request": {"number": "1"}}, {"ref": "refs/heads/main"}])
def test_an_event_without_a_usable_pull_request_is_refused(tmp_path: Path, event: object) -> None:
    with pytest.raises(ActionsEnvError, match="not a pull_request run"):
        env(tmp_path, event).pull_request_number()


def test_a_head_that_is_not_an_object_falls_back_to_the_run_sha(tmp_path: Path) -> None:
    found = env(tmp_path, {"pull_request": {"number": 1, "head": "x"}}, GITHUB_SHA="abc")
    assert found.head_sha() == "abc"
    assert env(tmp_path, {"issue": "x"}).section("issue") == {}


@pytest.mark.parametrize(("name", "value", "words"), [
    ("GITHUB_REPOSITORY", "noslash", "OWNER/NAME"),
    ("GITHUB_REPOSITORY", "acme/org/extra", "OWNER/NAME"),
    ("GITHUB_REPOSITORY", "acme/\x1b[31mred", "\\x1b"),
    ("GITHUB_API_URL", "not a url", "http(s) URL"),
    ("GITHUB_API_URL", "ftp://example.invalid", "http(s) URL"),
])
def test_a_malformed_variable_is_named(tmp_path: Path, name: str, value: str, words: str) -> None:
    with pytest.raises(ActionsEnvError, match=name) as caught:
        env(tmp_path, **{name: value}).require_api()
    assert words in str(caught.value) and TOKEN not in str(caught.value)
    assert "\x1b" not in str(caught.value)


@pytest.mark.parametrize("name", ["GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT"])
def test_an_unwritable_summary_or_output_file_is_named(tmp_path: Path, name: str) -> None:
    actions = env(tmp_path, **{name: str(tmp_path / "missing" / "file")})
    with pytest.raises(ActionsEnvError, match=name):
        actions.write_summary("# plan")
        actions.set_output("has_changes", "true")
