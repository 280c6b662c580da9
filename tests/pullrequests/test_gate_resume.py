"""The gate on a re-run, as a table of plain values: only the rest of the approved change set,
with an approval record that matches the plan comment, may go on."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from reconciler.plan.changes import Change, Plan
from reconciler.pullrequests.approval import ApprovalRecord, digest, parse_record, plan_digest, record_for
from reconciler.pullrequests.comment import PlanMarker
from reconciler.pullrequests.gate import Evidence, refusals
from reconciler.pullrequests.port import PullRequest, Review
from reconciler.pullrequests.reviewers import PeopleFacts

BOT = "github-actions[bot]"
HEAD, MERGE = "a" * 40, "b" * 40
OU = Change("ou.Staging", "ou", "create", after={"path": "Staging", "tags": {}})
ACCOUNT: dict[str, object] = {"name": "a", "email": "A@example.com", "ou": "Staging", "account_id": None,
                              "tags": {}}
CREATE = Change("account.a", "account", "create", after=ACCOUNT)
APPROVED = Plan(changes=(OU, CREATE), repository_fingerprint="sha256:repo", live_fingerprint="sha256:live")
SHOWN = PlanMarker(HEAD, "sha256:repo", "sha256:live", plan_digest(APPROVED))
RECORD = record_for(APPROVED, 5, MERGE, HEAD)


def now(*changes: Change, live: str = "sha256:moved") -> Plan:
    return Plan(changes=changes, repository_fingerprint="sha256:repo", live_fingerprint=live)


def evidence(record: ApprovalRecord | str | None = RECORD, shown: PlanMarker = SHOWN) -> Evidence:
    pull = PullRequest(5, "t", "", "alice", "closed", True, "f", HEAD, "main", MERGE)
    text = record.to_json() if isinstance(record, ApprovalRecord) else record
    approval = Review(1, "bob", "APPROVED", datetime(2026, 1, 1), commit_id=HEAD)
    return Evidence(pull, (approval,), shown, text, PeopleFacts({"bob": "write"}))


FINISH = Change("account.a", "account", "update", changed=("ou",),
                after=ACCOUNT | {"email": "a@example.com", "account_id": "222222222222"})
WIDENED = replace(RECORD, keys=RECORD.keys | {"sha256:" + "e" * 64})


@pytest.mark.parametrize(("ev", "plan", "reason"), [
    (evidence(), now(OU, CREATE, live="sha256:live"), None),  # the first run: exact match
    (evidence(), now(CREATE), None),  # the OU was made, the account is left
    (evidence(), now(FINISH), None),  # the account was made but not moved: finishing it
    (evidence(), now(), None),
    (evidence(record=None), now(CREATE), "AWS changed since the plan"),  # no record: as before
    (evidence(shown=replace(SHOWN, changes="")), now(CREATE), "AWS changed since the plan"),
    (evidence(), now(replace(CREATE, after=ACCOUNT | {"ou": "Other"})), "not approved: `account.a`"),
    (evidence(), now(Change("ou.Workloads", "ou", "update", after={"path": "Workloads", "tags": {}})),
     "not approved: `ou.Workloads`"),
    (evidence(), now(replace(FINISH, address="account.b")), "not approved"),
    (evidence(record=WIDENED), now(CREATE), "does not match the plan comment"),
    (evidence(record=replace(WIDENED, digest=digest(WIDENED.keys))), now(CREATE), "does not match"),
    (evidence(record=replace(RECORD, pull=6)), now(CREATE), "does not match"),
    (evidence(record=replace(RECORD, merge="0" * 40)), now(CREATE), "does not match"),
    (evidence(record=replace(RECORD, repository="sha256:other")), now(CREATE), "does not match"),
    (evidence(record="{not json"), now(CREATE), "damaged"),
    (evidence(record='{"version": 1, "keys": ["x"], "pull": 5, "merge": "' + MERGE + '"}'), now(CREATE),
     "damaged"),
    (evidence(), now(OU, live="sha256:live"), "not the change set shown"),  # same AWS, other plan
])
def test_a_rerun_goes_on_only_with_approved_changes(ev: Evidence, plan: Plan, reason: str | None) -> None:
    found = refusals(ev, plan, BOT)
    if reason is None:
        assert found == []
    else:
        assert any(reason in r for r in found), found


def test_the_record_round_trips() -> None:
    assert parse_record(RECORD.to_json()) == RECORD
    assert RECORD.digest == SHOWN.changes
