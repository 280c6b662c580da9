"""A desired-state repository on ghfake and an organization on orgsim, driven with the one-line
`reconciler ...` calls the workflows make, in the Actions environment each workflow run sees."""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ghfake.testing import GHFake, actions_env, pull_request_event, push_event
from reconciler.commands.cli import main

ORGANIZATION = """\
management_account_id: "111111111111"
policy_types: [SERVICE_CONTROL_POLICY]
organizational_units:
  - Workloads
  - Workloads/Production
"""
BOT = "github-actions[bot]"
_repos = itertools.count(1)


@dataclass
class Result:
    code: int
    out: str
    err: str


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


class World:
    """One repository, one organization, and the people (alice, bob) and the bot acting on them."""

    def __init__(self, gh: GHFake, tmp: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.gh, self.tmp, self.monkeypatch, self.capsys = gh, tmp, monkeypatch, capsys
        self.name = f"acme/org-{next(_repos)}-{tmp.name[-12:]}".replace("_", "-")
        gh.create_repo(self.name, {"organization.yaml": ORGANIZATION, "README.md": "# org\n"})
        self._runs = itertools.count(1)

    def repo(self, token: str) -> Any:
        return self.gh.github(token).get_repo(self.name)

    def checkout(self, ref: str) -> Path:
        """A fresh clone at `ref`, as actions/checkout leaves it."""
        target = self.tmp / f"checkout-{next(self._runs)}"
        git(self.tmp, "clone", "-q", "--branch", ref, str(self.gh.bare_path(self.name)), str(target))
        return target

    def push(self, branch: str, files: dict[str, str], message: str, base: str = "main",
             who: str = "alice") -> str:
        """`who` (alice unless told) pushes a commit touching `files` to `branch` (made from `base`
        if it is new), as author and committer with the email GitHub links to their account."""
        clone = self.tmp / f"alice-{next(self._runs)}"
        git(self.tmp, "clone", "-q", str(self.gh.bare_path(self.name)), str(clone))
        exists = git(clone, "ls-remote", "--heads", "origin", branch)
        git(clone, "checkout", "-q", "-B", branch, f"origin/{branch}" if exists else f"origin/{base}")
        for path, text in files.items():
            (clone / path).parent.mkdir(parents=True, exist_ok=True)
            (clone / path).write_text(text)
        git(clone, "add", ".")
        email = f"{who}@users.noreply.github.com"
        git(clone, "-c", f"user.name={who}", "-c", f"user.email={email}", "commit", "-q", "-m", message)
        git(clone, "push", "-q", "origin", f"HEAD:refs/heads/{branch}")
        return git(clone, "rev-parse", "HEAD")

    def run(self, cwd: Path, event_name: str, payload: dict[str, Any], *argv: str,
            token: str | None = None, rerun_of: dict[str, str] | None = None) -> Result:
        """`reconciler ARGV` as a workflow step runs it: in the checkout, with the run's env (and
        the job's GITHUB_TOKEN, the bot's unless `token` names another). `rerun_of`: the env of
        a run this one re-runs, as GitHub's "Re-run jobs" does (same run id, next attempt)."""
        env = actions_env(self.tmp / f"run-{next(self._runs)}", event_name=event_name, payload=payload,
                          repository=self.name, api_url=self.gh.url, token=token or self.gh.token)
        if rerun_of is not None:
            env["GITHUB_RUN_ID"] = rerun_of["GITHUB_RUN_ID"]
            env["GITHUB_RUN_ATTEMPT"] = str(int(rerun_of.get("GITHUB_RUN_ATTEMPT", "1")) + 1)
        self.capsys.readouterr()
        with self.monkeypatch.context() as m:
            for key, value in env.items():
                m.setenv(key, value)
            m.chdir(cwd)
            with pytest.raises(SystemExit) as exited:
                main(list(argv))
        captured = self.capsys.readouterr()
        code = exited.value.code
        return Result(code if isinstance(code, int) else 0, captured.out, captured.err)

    def pull_request_run(self, number: int, head_ref: str, *argv: str) -> Result:
        head_sha = self.repo("alice-token").get_branch(head_ref).commit.sha
        payload = pull_request_event(repository=self.name, number=number, head_ref=head_ref,
                                     head_sha=head_sha, action="synchronize", api_url=self.gh.url)
        return self.run(self.checkout(head_ref), "pull_request", payload, *argv)

    def push_run(self, *argv: str, rerun_of: dict[str, str] | None = None) -> Result:
        """The apply workflow after a push to main: checkout of main's head."""
        after = self.repo("alice-token").get_branch("main").commit.sha
        payload = push_event(repository=self.name, ref="refs/heads/main", before="0" * 40, after=after,
                             api_url=self.gh.url)
        return self.run(self.checkout("main"), "push", payload, *argv, rerun_of=rerun_of)

    def issue_run(self, number: int, *argv: str, token: str | None = None) -> Result:
        payload = {"action": "opened", "issue": {"number": number}}
        return self.run(self.checkout("main"), "issues", payload, *argv, token=token)

    def bot_comments(self, number: int) -> list[Any]:
        return [c for c in self.repo("alice-token").get_issue(number).get_comments() if c.user.login == BOT]


STAGING = ORGANIZATION + "  - Workloads/Staging\n"


def ou_names(orgsim: Any) -> set[str]:
    """The OUs under Workloads, read out of band."""
    org = orgsim.client()

    def children(parent: str) -> list[Any]:
        found: list[Any] = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]
        return found

    (workloads,) = [ou for ou in children(org.list_roots()["Roots"][0]["Id"]) if ou["Name"] == "Workloads"]
    return {ou["Name"] for ou in children(workloads["Id"])}


def planned_pull(world: World, branch: str = "staging", organization: str = STAGING) -> int:
    """alice's pull request changing organization.yaml (by default: a Staging OU), with its plan
    shown by the plan job."""
    world.push(branch, {"organization.yaml": organization}, f"organization.yaml on {branch}")
    number: int = world.repo("alice-token").create_pull(base="main", head=branch, title=branch,
                                                        body="").number
    assert world.pull_request_run(number, branch, "plan", "--comment").code == 0
    return number


def merge_and_apply(world: World, number: int) -> Any:
    world.repo("alice-token").get_pull(number).merge()
    return world.push_run("apply-merged")
