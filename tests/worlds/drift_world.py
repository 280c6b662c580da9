"""The drift tests' world: a converged sample organization in orgsim, its repository on ghfake,
and `reconciler reconcile` run the way the scheduled workflow runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from ghfake.testing import GHFake, actions_env, schedule_event
from orgsim.testing import OrgSim
from reconciler.commands.cli import cli
from reconciler.commands.wiring import reconcile_once
from reconciler.drift.schedule import FULL_SCAN_INTERVAL
from reconciler.pullrequests.actions import ActionsEnv

PROJECT = Path(__file__).resolve().parents[2]
INTRUDER = "AKIAINTRUDER0000MALLORY"  # a distinct access key: CloudTrail names another actor


@dataclass
class World:
    repo: Path
    sim: OrgSim
    gh: GHFake
    full_name: str
    tmp: Path

    def org(self) -> Any:
        """Organizations as someone else, out of band."""
        return self.sim.client("organizations", access_key_id=INTRUDER)

    def _env(self) -> dict[str, str]:
        """The environment of a step of the scheduled workflow."""
        event = schedule_event(repository=self.full_name, cron="*/15 * * * *")
        return actions_env(self.tmp / "actions", event_name="schedule", payload=event,
                           repository=self.full_name, api_url=self.gh.url, token=self.gh.token)

    def reconcile(self, *args: str) -> tuple[int, str, Path]:
        env = self._env()
        result = CliRunner().invoke(cli, ["reconcile", "--repo", str(self.repo), *args], env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, result.output, Path(env["GITHUB_STEP_SUMMARY"])

    def reconcile_at(self, when: datetime, interval: timedelta = FULL_SCAN_INTERVAL) -> str:
        """One scheduled run with the clock at `when` (no sleeping); returns how it read AWS."""
        env = self._env()
        report, _ = reconcile_once(self.repo, ActionsEnv.from_environ(env), dry_run=False,
                                   full_scan_interval=interval, clock=lambda: when)
        assert not report.errors, report.errors
        return report.scan

    def reconcile_json(self, *args: str) -> dict[str, Any]:
        code, out, _ = self.reconcile("--format", "json", *args)
        assert code == 0, out
        return dict(json.loads(out[out.index("{"):]))

    def ids(self) -> dict[str, str]:
        accounts = self.org().list_accounts()["Accounts"]
        return {a["Name"]: a["Id"] for a in accounts}

    def clone(self, branch: str) -> Path:
        target = self.tmp / f"clone-{branch.replace('/', '-')}"
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(["git", "clone", "-q", "-b", branch, str(self.gh.bare_path(self.full_name)),
                        str(target)], check=True)
        return target

    def set_setting(self, old: str, new: str) -> None:
        """Edit organization.yaml locally and on GitHub's main, as a merged change would."""
        path = self.repo / "organization.yaml"
        path.write_text(path.read_text().replace(old, new))
        self.push()

    def push(self) -> None:
        repo = self.gh.github().get_repo(self.full_name)
        files = files_of(self.repo)
        for name, text in files.items():
            current = repo.get_contents(name, ref="main")
            if current.decoded_content.decode() != text:
                repo.update_file(name, "update", text, current.sha, branch="main")


def files_of(root: Path) -> dict[str, str]:
    names = ["organization.yaml", *(f"{d}/{p.name}" for d in ("accounts", "policies")
                                    for p in sorted((root / d).glob("*.yaml")))]
    return {n: (root / n).read_text() for n in names}


def ou_id(org: Any, path: str) -> str:
    parent = org.list_roots()["Roots"][0]["Id"]
    for name in path.split("/"):
        ous = org.list_organizational_units_for_parent(ParentId=parent)["OrganizationalUnits"]
        parent = next(o["Id"] for o in ous if o["Name"] == name)
    return str(parent)
