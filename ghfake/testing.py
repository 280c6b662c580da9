"""Test handle for ghfake: start the server as a subprocess, seed it, and read its violations.

    with GHFake.start(tmp_path / "gh") as gh:
        gh.create_repo("acme/org", {"README.md": "hi"})
        repo = gh.github().get_repo("acme/org")
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import requests

from ghfake.events import pull_request_event, push_event, schedule_event, workflow_dispatch_event
from ghfake.store import BOT_LOGIN

__all__ = ["GHFake", "actions_env", "pull_request_event", "push_event", "schedule_event",
           "workflow_dispatch_event"]
START_TIMEOUT = 30.0
_run_ids = itertools.count(1000)


def serve_command() -> list[str]:
    """How to run the console script from this environment (its venv's script, PATH, or -m)."""
    script = Path(sys.executable).parent / "ghfake"
    if script.exists():
        return [str(script)]
    found = shutil.which("ghfake")
    return [found] if found else [sys.executable, "-m", "ghfake"]


class GHFake:
    def __init__(self, proc: subprocess.Popen[str], url: str, data_dir: Path, token: str,
                 users: dict[str, str], admins: dict[str, str]) -> None:
        self.proc, self.url, self.data_dir, self.token, self.users = proc, url, data_dir, token, users
        self.admins = admins
        self.root = url.removesuffix("/api/v3")

    @classmethod
    def start(cls, data_dir: Path, *, token: str = "bot-token",  # noqa: S107 - a test-only token
              users: dict[str, str] | None = None, admins: dict[str, str] | None = None,
              secondary_rate_limit: int | None = None) -> GHFake:
        users = {"alice": "alice-token", "bob": "bob-token"} if users is None else users
        admins = {"admin": "admin-token"} if admins is None else admins
        args = [*serve_command(), "serve", "--port", "0", "--data", str(data_dir), "--token", token]
        if secondary_rate_limit is not None:
            args += ["--secondary-rate-limit", str(secondary_rate_limit)]
        args += [arg for login, tok in users.items() for arg in ("--user", f"{login}:{tok}")]
        args += [arg for login, tok in admins.items() for arg in ("--admin", f"{login}:{tok}")]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline() if proc.stdout else ""))
        reader.start()
        reader.join(START_TIMEOUT)
        if not line or not line[0].startswith("ready "):
            proc.kill()
            raise RuntimeError(f"ghfake did not start: {line[0] if line else 'no answer'!r}")
        return cls(proc, line[0].split(" ", 1)[1].strip(), data_dir, token, users, admins)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> GHFake:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def github(self, token: str | None = None, **kwargs: Any) -> Any:
        """PyGithub on the fake. No retry or request spacing by default, so tests stay fast and a
        rate-limit answer surfaces at once instead of PyGithub sleeping until the reset time."""
        import github

        options: dict[str, Any] = {"retry": None, "seconds_between_requests": None,
                                   "seconds_between_writes": None, **kwargs}
        return github.Github(base_url=self.url, auth=github.Auth.Token(token or self.token), **options)

    def control(self, method: str, path: str, payload: Any = None) -> requests.Response:
        resp = requests.request(method, f"{self.root}/_ghfake/{path}", json=payload, timeout=30)
        resp.raise_for_status()
        return resp

    def create_repo(self, full_name: str, files: dict[str, str], default_branch: str = "main",
                    actions_can_approve: bool = True) -> None:
        """A repository holding `files`. Unless told otherwise, its administrator then allows
        GitHub Actions to create and approve pull requests (through the real endpoint), the setup
        step docs/pull-requests.md asks for; on GitHub the setting is off on a new repository."""
        payload = {"full_name": full_name, "files": files, "default_branch": default_branch}
        self.control("POST", "repos", payload)
        if actions_can_approve:
            self.set_actions_can_approve(full_name, True)

    def as_admin(self, method: str, path: str, payload: Any = None) -> requests.Response:
        """A REST call as the first administrator (the one who may set roles and protections)."""
        token = next(iter(self.admins.values()))
        resp = requests.request(method, f"{self.url}/{path}", json=payload, timeout=30,
                                headers={"Authorization": f"token {token}"})
        resp.raise_for_status()
        return resp

    def set_role(self, full_name: str, login: str, permission: str) -> None:
        """PUT /repos/{owner}/{repo}/collaborators/{username}: pull, triage, push, maintain, admin."""
        self.as_admin("PUT", f"repos/{full_name}/collaborators/{login}", {"permission": permission})

    def set_actions_can_approve(self, full_name: str, allowed: bool) -> None:
        self.as_admin("PUT", f"repos/{full_name}/actions/permissions/workflow",
                      {"can_approve_pull_request_reviews": allowed})

    def protect(self, full_name: str, branch: str, *, approvals: int = 1, dismiss_stale: bool = True,
                last_push: bool = True, checks: tuple[str, ...] = ()) -> None:
        """PUT /repos/{owner}/{repo}/branches/{branch}/protection with the settings the setup asks for."""
        self.as_admin("PUT", f"repos/{full_name}/branches/{branch}/protection", {
            "required_status_checks": {"strict": True, "contexts": list(checks)} if checks else None,
            "enforce_admins": True, "restrictions": None,
            "required_pull_request_reviews": {"required_approving_review_count": approvals,
                                              "dismiss_stale_reviews": dismiss_stale,
                                              "require_last_push_approval": last_push}})

    def bare_path(self, full_name: str) -> Path:
        return self.data_dir / f"{full_name}.git"

    def violations(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.control("GET", "violations").json()
        return found

    def checked(self) -> dict[str, int]:
        """Responses checked against GitHub's schema since the last clear, per operation id."""
        found: dict[str, int] = self.control("GET", "checked").json()
        return found

    def clear_violations(self) -> None:
        self.control("DELETE", "violations")

    def set_rate_limit(self, remaining: int | None, status: int = 403) -> None:
        self.control("POST", "rate-limit", {"remaining": remaining, "status": status})

    def set_secondary_rate_limit(self, per_minute: int | None) -> None:
        """Content-creating requests allowed in any minute of ghfake's clock; None lifts the limit."""
        self.control("POST", "secondary-rate-limit", {"per_minute": per_minute})

    def advance_clock(self, seconds: float) -> float:
        """Move ghfake's clock on by `seconds` (what a test's injected sleep calls); its new time."""
        now: float = self.control("POST", "clock", {"advance": seconds}).json()["now"]
        return now

    def reset(self) -> None:
        self.control("POST", "reset")


def _sha_and_ref(event_name: str, payload: dict[str, Any]) -> tuple[str, str]:
    if event_name.startswith("pull_request"):
        pull = payload["pull_request"]
        return pull["head"]["sha"], f"refs/pull/{pull['number']}/merge"
    if event_name == "push":
        return payload["after"], payload["ref"]
    branch = payload.get("repository", {}).get("default_branch", "main")
    return payload.get("after", "0" * 40), payload.get("ref", f"refs/heads/{branch}")


def actions_env(tmp_path: Path, *, event_name: str, payload: dict[str, Any], repository: str,
                api_url: str, token: str) -> dict[str, str]:
    """The environment a GitHub Actions step sees, with its files created under tmp_path."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    run_id = next(_run_ids)
    event_path = tmp_path / f"event-{run_id}.json"
    event_path.write_text(json.dumps(payload))
    summary, output = tmp_path / f"step-summary-{run_id}.md", tmp_path / f"output-{run_id}.txt"
    summary.touch()
    output.touch()
    sha, ref = _sha_and_ref(event_name, payload)
    actor = payload.get("sender", {}).get("login", BOT_LOGIN)
    return {
        "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_TOKEN": token, "GITHUB_REPOSITORY": repository,
        "GITHUB_REPOSITORY_OWNER": repository.split("/")[0], "GITHUB_API_URL": api_url,
        "GITHUB_SERVER_URL": api_url.removesuffix("/api/v3"), "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path), "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output), "GITHUB_SHA": sha, "GITHUB_REF": ref, "GITHUB_ACTOR": actor,
        "GITHUB_RUN_ID": str(run_id), "GITHUB_RUN_ATTEMPT": "1", "GITHUB_WORKSPACE": os.getcwd(),
    }
