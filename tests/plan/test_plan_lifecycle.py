"""The planner's lifecycle rules as tables: quarantine, protection, paced closes, the account quota."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from plan_builders import acct, org

from reconciler.errors import GuardrailError
from reconciler.model import Guardrails, LifecycleSettings, Quotas
from reconciler.plan.lifecycle import QUARANTINE_POLICY, ClosePacer, account_limit_note, aws_close_quota
from reconciler.plan.planner import plan

NOW = datetime(2027, 1, 1, tzinfo=UTC)
QUARANTINE = LifecycleSettings(quarantine_ou="Quarantine", quarantine_scp=True)


def _moves(lifecycle_state: str, live_ou: str) -> list[tuple[str, str]]:
    desired = org("Sandbox", "Quarantine", lifecycle=QUARANTINE,
                  accounts=(acct("sbx", "Sandbox", "222222222222", lifecycle_state=lifecycle_state),))
    live = org("Sandbox", "Quarantine", accounts=(acct("sbx", live_ou, "222222222222",
                                                       lifecycle_state=lifecycle_state),))
    return [(c.before["ou"], c.after["ou"]) for c in plan(desired, live).changes
            if c.kind == "account" and c.before and c.after and "ou" in c.changed]


@pytest.mark.parametrize(("state", "live_ou", "moves"), [
    ("retiring", "Sandbox", [("Sandbox", "Quarantine")]),  # retiring: into quarantine
    ("retiring", "Quarantine", []),  # already there
    ("active", "Quarantine", [("Quarantine", "Sandbox")]),  # cancelled: back to its OU
    ("active", "Sandbox", []),
])
def test_retiring_accounts_belong_in_the_quarantine_ou(state: str, live_ou: str,
                                                       moves: list[tuple[str, str]]) -> None:
    assert _moves(state, live_ou) == moves


def test_quarantine_scp_is_created_and_attached_to_the_quarantine_ou() -> None:
    desired = org("Quarantine", lifecycle=QUARANTINE)
    changes = {(c.kind, c.action, c.address) for c in plan(desired, org("Quarantine")).changes}
    assert ("policy", "create", f"policy.{QUARANTINE_POLICY}") in changes
    assert ("attachment", "create", f"attachment.{QUARANTINE_POLICY}.ou:Quarantine") in changes


def test_a_protected_account_is_never_closed() -> None:
    protected = acct("vault", account_id="222222222222", lifecycle_state="closed", protected=True)
    desired = org(accounts=(protected,), guardrails=Guardrails(allow_account_close=True))
    live = org(accounts=(dataclasses.replace(protected, lifecycle_state="active"),))
    with pytest.raises(GuardrailError, match="protected: true, which is never closed"):
        plan(desired, live)


@pytest.mark.parametrize(("members", "quota"), [(5, 10), (99, 10), (250, 25), (4000, 400), (20000, 1000)])
def test_aws_close_quota_is_ten_percent_between_10_and_1000(members: int, quota: int) -> None:
    assert aws_close_quota(members) == quota


def _pacer(recent_days_ago: list[float], in_progress: int, quota: int = 5) -> ClosePacer:
    return ClosePacer(quota, 3, [NOW - timedelta(days=d) for d in recent_days_ago], in_progress, NOW)


@pytest.mark.parametrize(("recent", "in_progress", "expected"), [
    ([], 0, ["now", "now", "now", "in progress", "in progress"]),  # 3 at once
    ([], 2, ["now", "in progress", "in progress", "in progress", "in progress"]),
    ([29, 20, 10, 5], 0, ["now", "waits 1.0 days", "waits 10.0 days", "waits 20.0 days", "waits 25.0 days"]),
    ([29, 28, 27, 26, 25], 0, ["waits 1.0 days", "waits 2.0 days", "waits 3.0 days", "waits 4.0 days",
                               "waits 5.0 days"]),
    ([40, 31], 0, ["now", "now", "now", "in progress", "in progress"]),  # older than 30 days: free
])
def test_close_schedule(recent: list[float], in_progress: int, expected: list[str]) -> None:
    names = [f"account.a{n}" for n in range(5)]
    got = [when for _, when in _pacer(recent, in_progress).schedule(names)]
    assert [w if w == "now" else ("in progress" if "in progress" in w else w[:w.index(" days") + 5])
            for w in got] == expected


def test_pacer_takes_no_more_than_the_quota_allows() -> None:
    pacer = _pacer([29, 28, 27], 0)
    assert [pacer.take() for _ in range(4)] == [True, True, False, False]
    pacer = _pacer([], 0, quota=10)
    assert [pacer.take() for _ in range(4)] == [True, True, True, False]  # 3 in progress at once


def test_account_quota_warning_counts_closed_accounts_until_permanently_closed() -> None:
    # the management account and a SUSPENDED one count; the permanently CLOSED one does not
    live = org(accounts=(acct("a", account_id="222222222222", status="SUSPENDED"),
                         acct("b", account_id="333333333333", status="CLOSED")))
    desired = org(quotas=Quotas(max_accounts=3))
    assert account_limit_note(desired, live, creates=1) is None  # 3 of 3
    text = account_limit_note(desired, live, creates=2) or ""
    assert "would make 4, more than the organization's account quota (3" in text
    assert "1 closed accounts still count" in text
    assert account_limit_note(org(), live, creates=50) is None  # no quotas.max_accounts: not checked
