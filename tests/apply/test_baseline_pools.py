"""The baseline pools on their own, with a fake clock: each asynchronous item is polled on its own
back-off and given up on once it has been in progress longer than the deadline, while the others
finish; never more than 10 assignment creations outstanding (IAM Identity Center quotas)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.apply.accounts import Poll
from reconciler.apply.audit import AuditLog
from reconciler.apply.baselines import MAX_ASSIGNMENTS, BaselineApplier
from reconciler.apply.ids import Ids
from reconciler.apply.steps import Steps
from reconciler.errors import AwsError
from reconciler.model import IdentityCenter
from reconciler.plan.changes import Change

CENTER = IdentityCenter("arn:instance", "d-1", {"group:devs": "g-1"}, {"Dev": "arn:ps"})


class FakeIdentityCenter:
    """CreateAccountAssignment answers IN_PROGRESS; an account named in `stuck` never finishes,
    the others finish on their second status look."""

    def __init__(self, stuck: set[str]) -> None:
        self.stuck, self.looks, self.outstanding, self.most = stuck, {}, set(), 0  # type: ignore[var-annotated]

    def call(self, operation: str, service: str = "organizations", **params: Any) -> Any:
        if operation == "CreateAccountAssignment":
            request = params["TargetId"]
            self.outstanding.add(request)
            self.most = max(self.most, len(self.outstanding))
            return {"AccountAssignmentCreationStatus": {"Status": "IN_PROGRESS", "RequestId": request}}
        assert operation == "DescribeAccountAssignmentCreationStatus"
        request = params["AccountAssignmentCreationRequestId"]
        self.looks[request] = self.looks.get(request, 0) + 1
        if request in self.stuck or self.looks[request] < 2:
            return {"AccountAssignmentCreationStatus": {"Status": "IN_PROGRESS"}}
        self.outstanding.discard(request)
        return {"AccountAssignmentCreationStatus": {"Status": "SUCCEEDED"}}


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _assignment(account_id: str) -> Change:
    after = {"item": "access", "account": f"acct-{account_id}", "account_id": account_id,
             "principal_type": "GROUP", "principal": "devs", "permission_set": "Dev"}
    return Change(f"baseline.acct-{account_id}.access.devs.Dev", "baseline", "create", None, after)


def _applier(tmp_path: Path, client: FakeIdentityCenter, time: FakeTime) -> BaselineApplier:
    poll = Poll(sleep=time.sleep, clock=lambda: time.now, deadline=60.0)
    return BaselineApplier(client, Steps(AuditLog(tmp_path / "audit.jsonl")), Ids(root="r-1"),  # type: ignore[arg-type]
                           CENTER, "111111111111", poll)


def test_a_stuck_assignment_is_given_up_after_the_deadline_and_the_others_finish(tmp_path: Path) -> None:
    client, time = FakeIdentityCenter(stuck={"000000000003"}), FakeTime()
    applier = _applier(tmp_path, client, time)
    applier.add([_assignment(f"{i:012d}") for i in range(12)])
    with pytest.raises(AwsError) as failed:
        applier.finish()
    assert str(failed.value).count("still in progress after 60s") == 1
    assert "baseline.acct-000000000003.access.devs.Dev" in str(failed.value)
    assert client.most == MAX_ASSIGNMENTS
    done = [line for line in (tmp_path / "audit.jsonl").read_text().splitlines() if '"Completed"' in line]
    assert len(done) == 11
    assert 60.0 < time.now < 60.0 + 2 * 15.0  # given up at its first look past the deadline


def test_tick_says_when_the_next_item_is_due_and_polls_nothing_before(tmp_path: Path) -> None:
    client, time = FakeIdentityCenter(stuck=set()), FakeTime()
    applier = _applier(tmp_path, client, time)
    applier.add([_assignment("000000000001")])
    assert applier.tick() == 0.5
    assert client.looks == {}
    time.now = 0.5
    assert applier.tick() == 0.5 + 0.75  # looked once, still in progress: back off by 1.5x
    time.now = 1.25
    assert applier.tick() is None  # finished: nothing left in flight
