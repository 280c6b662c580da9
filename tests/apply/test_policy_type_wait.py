"""Apply waits for a policy type AWS enables in the background (PENDING_ENABLE) before attaching a
policy of it: against orgsim with a real pending time, and with a scripted port and clock for the
bounded wait and the crash re-run (nothing sleeps there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from core_world import make_repo

from orgsim.testing import OrgSim
from reconciler.apply.accounts import Poll
from reconciler.apply.audit import read_audit
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.apply.policy_types import PolicyTypeWaiter
from reconciler.errors import AwsError
from reconciler.repository.load import load_repository

SCP = "SERVICE_CONTROL_POLICY"


def test_a_plan_that_enables_a_type_and_attaches_its_policies_applies_cleanly(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    aws.configure(policy_type_seconds=3.0)  # longer than apply takes to reach the attachments
    repo = make_repo(tmp_path / "repo")
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    operations = [r["operation"] for r in read_audit(repo / ".reconciler" / "audit.jsonl")]
    enabled = load_repository(repo).policy_types
    assert operations.count("EnablePolicyType") == len(enabled) and "AttachPolicy" in operations
    assert operations.index("EnablePolicyType") < operations.index("AttachPolicy")
    assert aws.calls()["ListRoots"] >= 3  # the plan's read, then at least one look at the pending type
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0


class ScriptedRoot:
    """The AwsCalls port with a root whose policy type status follows a script, one per ListRoots."""

    def __init__(self, enable_answer: str | None, statuses: list[str | None], refuse_enable: bool = False):
        self.enable_answer, self.statuses, self.refuse_enable = enable_answer, statuses, refuse_enable
        self.listed = 0

    def call(self, operation: str, service: str = "organizations", **params: Any) -> dict[str, Any]:
        if operation == "EnablePolicyType":
            if self.refuse_enable:
                raise AwsError("AWS refused EnablePolicyType: PolicyTypeAlreadyEnabledException: already")
            return {"Root": self._root(self.enable_answer)}
        assert operation == "ListRoots"
        status = self.statuses[min(self.listed, len(self.statuses) - 1)]
        self.listed += 1
        return {"Roots": [self._root(status)]}

    def pages(self, operation: str, key: str, service: str = "organizations",
              **params: Any) -> Iterator[dict[str, Any]]:
        raise AssertionError(operation)

    @staticmethod
    def _root(status: str | None) -> dict[str, Any]:
        return {"Id": "r-1", "PolicyTypes": [{"Type": SCP, "Status": status}] if status else []}


class FakeTime:
    def __init__(self) -> None:
        self.now, self.slept = 0.0, []  # type: ignore[var-annotated]

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def poll(self) -> Poll:
        return Poll(sleep=self.sleep, clock=lambda: self.now, policy_type_deadline=10.0)


def _waiter(root: ScriptedRoot, time: FakeTime) -> PolicyTypeWaiter:
    return PolicyTypeWaiter(OrganizationsWriter(root), time.poll())


def test_apply_polls_with_back_off_until_the_type_is_enabled() -> None:
    time, root = FakeTime(), ScriptedRoot("PENDING_ENABLE", ["PENDING_ENABLE", "PENDING_ENABLE", "ENABLED"])
    waiter = _waiter(root, time)
    waiter.enable("r-1", SCP)
    waiter.wait_enabled("r-1", SCP)
    assert time.slept == [0.5, 0.75] and root.listed == 3
    waiter.wait_enabled("r-1", SCP)  # known to be enabled now: no more calls
    assert root.listed == 3


def test_a_type_enabled_at_once_costs_no_call() -> None:
    time, root = FakeTime(), ScriptedRoot("ENABLED", [])
    waiter = _waiter(root, time)
    waiter.enable("r-1", SCP)
    waiter.wait_enabled("r-1", SCP)
    assert root.listed == 0 and time.slept == []


def test_the_wait_is_bounded_and_says_what_to_do() -> None:
    time, root = FakeTime(), ScriptedRoot("PENDING_ENABLE", ["PENDING_ENABLE"])
    waiter = _waiter(root, time)
    waiter.enable("r-1", SCP)
    with pytest.raises(AwsError) as caught:
        waiter.wait_enabled("r-1", SCP)
    assert "still PENDING_ENABLE after 10s" in str(caught.value) and "re-run apply later" in str(caught.value)
    assert time.now <= 10.0 + 15.0


def test_a_type_that_disappears_while_pending_is_a_plain_error() -> None:
    time, root = FakeTime(), ScriptedRoot("PENDING_ENABLE", ["PENDING_ENABLE", None])
    waiter = _waiter(root, time)
    waiter.enable("r-1", SCP)
    with pytest.raises(AwsError, match="make a new plan"):
        waiter.wait_enabled("r-1", SCP)


@pytest.mark.parametrize("left", ["PENDING_ENABLE", "ENABLED"])
def test_rerun_after_a_crash_mid_enable_takes_the_roots_status(left: str) -> None:
    """The killed run's EnablePolicyType went through; AWS refuses the second one."""
    time, root = FakeTime(), ScriptedRoot(None, [left, "ENABLED"], refuse_enable=True)
    waiter = _waiter(root, time)
    waiter.enable("r-1", SCP)
    waiter.wait_enabled("r-1", SCP)
    assert root.statuses[min(root.listed - 1, 1)] == "ENABLED"


@pytest.mark.parametrize("left", [None, "PENDING_DISABLE"])
def test_a_refused_enable_without_a_pending_type_is_reported(left: str | None) -> None:
    waiter = _waiter(ScriptedRoot(None, [left], refuse_enable=True), FakeTime())
    with pytest.raises(AwsError, match="PolicyTypeAlreadyEnabledException"):
        waiter.enable("r-1", SCP)
