"""The lifecycle's decisions as tables of plain values (reconciler.drift.lifecycle)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from reconciler.drift.detect import detect
from reconciler.drift.lifecycle import Book, findings, observe, record_spend
from reconciler.drift.lifecycle_run import LifecycleContext, run_lifecycle
from reconciler.errors import AwsError
from reconciler.model import Account, Lease, LifecycleSettings, Organization, OrganizationalUnit
from reconciler.plan.planner import plan

MGMT_ID = "111111111111"


def acct(name: str, ou: str, account_id: str | None, **fields: Any) -> Account:
    return Account(name=name, email=f"{name}@example.com", ou=ou, account_id=account_id, **fields)


def org(*ous: str, accounts: tuple[Account, ...] = (), **fields: Any) -> Organization:
    return Organization(MGMT_ID, ous=tuple(OrganizationalUnit(o) for o in ous), accounts=accounts, **fields)

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
ID = "222222222222"
SETTINGS = LifecycleSettings(quarantine_ou="Quarantine", inactive_after_days=30, flag_below_monthly_usd=10.0)


def _world(account: Account, live_ou: str = "Sandbox") -> tuple[Organization, Organization]:
    desired = org("Sandbox", "Quarantine", accounts=(account,), lifecycle=SETTINGS)
    live = org("Sandbox", "Quarantine", accounts=(acct(account.name, live_ou, ID),))
    return desired, live


def _sandbox(**fields: object) -> Account:
    return acct("sbx", "Sandbox", ID, workload_type="sandbox", **fields)


@pytest.mark.parametrize(("lease", "seen_days_ago", "transition", "warned"), [
    (Lease(expires=date(2027, 3, 1)), 100, "retire_lease", False),  # ends today at 00:00 UTC
    (Lease(expires=date(2027, 3, 5)), 100, None, True),  # within the 7 warning days
    (Lease(expires=date(2027, 4, 1)), 100, None, False),
    (Lease(days=30), 30, "retire_lease", False),  # 30 days after it was first seen
    (Lease(days=30), 29, None, True),
])
def test_leases(lease: Lease, seen_days_ago: int, transition: str | None, warned: bool) -> None:
    desired, live = _world(_sandbox(lease=lease))
    book = Book(seen={ID: (NOW - timedelta(days=seen_days_ago)).isoformat()})
    found = findings(desired, live, book, NOW)
    assert [t.kind for t in found.transitions] == ([transition] if transition else [])
    assert bool(found.lease_warnings) == warned


@pytest.mark.parametrize("account", [
    _sandbox(lease=Lease(expires=date(2027, 1, 1)), protected=True),
    acct("mgmt", "Sandbox", MGMT_ID, lease=Lease(expires=date(2027, 1, 1))),
])
def test_protected_and_management_accounts_are_never_retired(account: Account) -> None:
    desired = org("Sandbox", accounts=(account,), lifecycle=SETTINGS)
    live = org("Sandbox", accounts=(acct(account.name, "Sandbox", account.account_id),))
    book = Book(seen={ID: "2026-01-01T00:00:00+00:00", MGMT_ID: "2026-01-01T00:00:00+00:00"},
                idle_since={ID: "2026-01-01", MGMT_ID: "2026-01-01"})
    assert findings(desired, live, book, NOW).transitions == []


@pytest.mark.parametrize(("account", "idle_since", "seen_days_ago", "retired", "reported"), [
    (_sandbox(), "2027-01-01", 100, True, False),  # idle 59 days
    (_sandbox(), "2027-02-15", 100, False, False),  # idle 14 days
    (_sandbox(), "2027-01-01", 10, False, False),  # idle since it exists, but it is 10 days old
    (acct("sbx", "Sandbox", ID), "2027-01-01", 100, False, True),  # not a sandbox: reported only
])
def test_inactivity(account: Account, idle_since: str, seen_days_ago: int, retired: bool,
                    reported: bool) -> None:
    desired, live = _world(account)
    book = Book(seen={ID: (NOW - timedelta(days=seen_days_ago)).isoformat()}, idle_since={ID: idle_since})
    found = findings(desired, live, book, NOW)
    assert [t.kind for t in found.transitions] == (["retire_inactive"] if retired else [])
    assert bool(found.reported) == reported


def test_spend_read_gives_idle_streaks_and_monthly_totals() -> None:
    today = date(2027, 3, 1)
    daily = {"a": {"2027-02-10": 5.0}, "b": {"2027-02-28": 0.5}, "c": {}}
    book = Book()
    record_spend(book, daily, ["a", "b", "c"], today, 30, threshold=1.0)
    assert book.idle_since == {"a": "2027-02-11", "b": "2027-01-30", "c": "2027-01-30"}
    assert book.monthly == {"a": 5.0, "b": 0.5, "c": 0.0}
    assert book.spend_read_on == "2027-03-01"
    later = {"a": {}, "b": {}, "c": {"2027-03-01": 3.0}}
    record_spend(book, later, ["a", "b", "c"], date(2027, 3, 2), 30, 1.0)
    assert book.idle_since["b"] == "2027-01-30"  # a streak older than the window keeps its start


def test_grace_starts_in_quarantine_and_ends_in_a_close_transition() -> None:
    desired, live = _world(_sandbox(lifecycle_state="retiring"), live_ou="Sandbox")
    book = Book()
    observe(book, desired, live, NOW)
    assert book.grace == {}  # not in quarantine yet: the grace has not started
    desired, live = _world(_sandbox(lifecycle_state="retiring"), live_ou="Quarantine")
    observe(book, desired, live, NOW)
    assert book.grace == {ID: NOW.isoformat()}
    assert findings(desired, live, book, NOW + timedelta(days=29)).transitions == []
    [close] = findings(desired, live, book, NOW + timedelta(days=30)).transitions
    assert (close.kind, close.state) == ("close", "closed")
    cancelled, live = _world(_sandbox(lifecycle_state="active"), live_ou="Quarantine")
    observe(book, cancelled, live, NOW + timedelta(days=31))
    assert book.grace == {}


def test_cost_flags_list_active_accounts_under_the_threshold() -> None:
    desired = org("Sandbox", lifecycle=SETTINGS, accounts=(
        acct("cheap", "Sandbox", "222222222222"), acct("dear", "Sandbox", "333333333333"),
        acct("retiring", "Sandbox", "444444444444", lifecycle_state="retiring")))
    live = org("Sandbox", accounts=tuple(acct(a.name, "Sandbox", a.account_id) for a in desired.accounts))
    book = Book(spend_read_on="2027-03-01",
                monthly={"222222222222": 9.99, "333333333333": 10.0, "444444444444": 0.0})
    rows = findings(desired, live, book, NOW).cost_flags
    assert [r.split("`")[1] for r in rows] == ["cheap"]


class _NoGitHub:
    """A GitHub port no call may reach (report-only and failure paths)."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"GitHub was asked for {name}")


def _refused(start: date, end: date) -> dict[str, dict[str, float]]:
    raise AwsError("AWS refused GetCostAndUsage: AccessDeniedException", "AccessDeniedException")


def test_a_refused_cost_explorer_read_is_reported_and_retried_later() -> None:
    desired, live = _world(_sandbox(lease=Lease(expires=date(2027, 1, 1))))
    ctx = LifecycleContext(github=_NoGitHub(), files_for=lambda name, state: {}, spend=_refused, act=False)
    lines, book = run_lifecycle(desired, live, {}, NOW, ctx)
    assert any("Cost Explorer could not be read" in line for line in lines)
    assert book["spend_read_on"] is None  # the next run tries again
    # report only (kill switch or --dry-run): what would be proposed, and nothing done on GitHub
    assert any("would open a pull request setting sbx retiring" in line for line in lines)


@pytest.mark.parametrize(("state", "live_ou", "reason"), [
    ("retiring", "Sandbox", "retiring: moved to the quarantine OU Quarantine"),
    ("active", "Quarantine", "retirement cancelled: back from the quarantine OU to Sandbox"),
])
def test_lifecycle_moves_are_reverted_whatever_the_automation_level(state: str, live_ou: str,
                                                                     reason: str) -> None:
    """An assisted account is not asked to accept its own quarantine (or its return) as drift."""
    account = acct("sbx", "Sandbox", ID, automation_level="assisted", lifecycle_state=state)
    desired = org("Sandbox", "Quarantine", accounts=(account,), lifecycle=SETTINGS)
    live = org("Sandbox", "Quarantine", accounts=(acct("sbx", live_ou, ID, lifecycle_state=state),))
    [drift] = detect(desired, live, plan(desired, live))
    assert (drift.decision, drift.reason) == ("revert", reason)
