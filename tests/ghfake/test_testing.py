"""The test handle, the console script's lifecycle, and the Actions environment builders."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
import requests

from ghfake.pytest_plugin import RepoHandle
from ghfake.testing import (
    GHFake,
    actions_env,
    pull_request_event,
    push_event,
    schedule_event,
    serve_command,
    workflow_dispatch_event,
)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_console_script_serves_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    server = GHFake.start(tmp_path / "data", token="t", users={})
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/api/v3")
        resp = requests.get(f"{server.url}/rate_limit", headers={"Authorization": "token t"}, timeout=10)
        assert resp.status_code == 200 and resp.json()["resources"]["core"]["limit"] == 5000
    finally:
        server.proc.send_signal(stop_signal)
        assert server.proc.wait(10) == 0


def test_cli_rejects_a_malformed_user(tmp_path: Path) -> None:
    proc = subprocess.run([*serve_command(), "serve", "--data", str(tmp_path), "--user", "nocolon"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "LOGIN:TOKEN" in proc.stderr


def test_cli_refuses_a_non_loopback_host(tmp_path: Path) -> None:
    proc = subprocess.run([*serve_command(), "serve", "--data", str(tmp_path), "--host", "0.0.0.0"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "loopback only" in proc.stderr


def test_reset_removes_repositories(tmp_path: Path) -> None:
    with GHFake.start(tmp_path / "data") as server:
        server.create_repo("acme/a", {"x.txt": "x"})
        assert server.bare_path("acme/a").is_dir()
        server.reset()
        assert not server.bare_path("acme/a").exists()
        assert server.github().get_repo.__name__  # the handle still works after a reset
        with pytest.raises(Exception, match="404"):
            server.github().get_repo("acme/a")


def test_pull_request_event_and_env(ghfake: RepoHandle, tmp_path: Path) -> None:
    payload = pull_request_event(repository=ghfake.full_name, number=7, head_ref="feature",
                                 head_sha="a" * 40, base_sha="b" * 40, sender="alice", api_url=ghfake.url)
    env = actions_env(tmp_path, event_name="pull_request", payload=payload, repository=ghfake.full_name,
                      api_url=ghfake.url, token="bot-token")
    event = json.loads(Path(env["GITHUB_EVENT_PATH"]).read_text())
    assert event["action"] == "opened" and event["number"] == 7
    pull = event["pull_request"]
    assert pull["head"]["ref"] == "feature" and pull["base"]["ref"] == "main"
    assert event["repository"]["full_name"] == ghfake.full_name
    assert event["pull_request"]["url"] == f"{ghfake.url}/repos/{ghfake.full_name}/pulls/7"
    assert env["GITHUB_REF"] == "refs/pull/7/merge" and env["GITHUB_SHA"] == "a" * 40
    assert env["GITHUB_ACTOR"] == "alice" and env["GITHUB_SERVER_URL"] == ghfake.url.removesuffix("/api/v3")
    assert Path(env["GITHUB_STEP_SUMMARY"]).exists() and Path(env["GITHUB_OUTPUT"]).exists()
    expected = {"GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_API_URL", "GITHUB_EVENT_NAME", "GITHUB_RUN_ID"}
    assert expected <= env.keys()


def test_push_schedule_and_dispatch_events(tmp_path: Path) -> None:
    push = push_event(repository="acme/org", ref="refs/heads/main", before="1" * 40, after="2" * 40)
    env = actions_env(tmp_path, event_name="push", payload=push, repository="acme/org",
                      api_url="http://127.0.0.1:1/api/v3", token="t")
    assert env["GITHUB_SHA"] == "2" * 40 and env["GITHUB_REF"] == "refs/heads/main"
    assert push["repository"]["full_name"] == "acme/org" and push["repository"]["owner"]["login"] == "acme"

    cron = schedule_event(repository="acme/org", cron="0 5 * * 1")
    env = actions_env(tmp_path, event_name="schedule", payload=cron, repository="acme/org",
                      api_url="http://127.0.0.1:1/api/v3", token="t")
    assert cron["schedule"] == "0 5 * * 1" and env["GITHUB_REF"] == "refs/heads/main"

    dispatch = workflow_dispatch_event(repository="acme/org", inputs={"mode": "plan"})
    assert dispatch["inputs"] == {"mode": "plan"} and dispatch["ref"] == "refs/heads/main"
    assert dispatch["repository"]["name"] == "org"
