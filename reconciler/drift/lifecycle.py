"""Account lifecycle, as the scheduled reconcile sees it (docs/lifecycle.md). Pure.

What the repository says and what AWS and Cost Explorer show become transitions, each a pull
request the reconciler opens (retire a sandbox whose lease ended or which is inactive; close an
account whose grace period ended), and two lists kept as one issue each (leases ending soon,
accounts spending under `lifecycle.flag_below_monthly_usd`). What reconcile remembers for this
(`State.lifecycle`) is the `Book`: when it first saw each account (the creation a `lease: {days}`
counts from), when each retiring account's grace started, and the last Cost Explorer read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from reconciler.drift.detect import Drift
from reconciler.model import Account, Organization
from reconciler.plan.lifecycle import ClosePacer

SPEND_WINDOW_DAYS = 30  # the cost flags look at the last 30 days


@dataclass(frozen=True)
class Transition:
    kind: str  # one of model.TRANSITIONS
    account: str  # the account's name
    state: str  # the lifecycle_state the pull request sets
    reason: str


@dataclass
class Book:
    """`State.lifecycle`, as plain JSON-ready dicts keyed by account id."""

    seen: dict[str, str] = field(default_factory=dict)  # id -> first seen existing (ISO time)
    grace: dict[str, str] = field(default_factory=dict)  # id -> grace period start (ISO time)
    spend_read_on: str | None = None  # the day of the last Cost Explorer read
    idle_since: dict[str, str] = field(default_factory=dict)  # id -> first day of its idle streak
    monthly: dict[str, float] = field(default_factory=dict)  # id -> USD over the last 30 days

    def to_json(self) -> dict[str, Any]:
        return {"seen": self.seen, "grace": self.grace, "spend_read_on": self.spend_read_on,
                "idle_since": self.idle_since, "monthly": self.monthly}

    @classmethod
    def from_json(cls, data: Any) -> Book:
        if not isinstance(data, dict):
            return cls()
        try:
            return cls(seen=dict(data.get("seen", {})), grace=dict(data.get("grace", {})),
                       spend_read_on=data.get("spend_read_on"), idle_since=dict(data.get("idle_since", {})),
                       monthly={k: float(v) for k, v in dict(data.get("monthly", {})).items()})
        except (TypeError, ValueError):
            return cls()


@dataclass
class Findings:
    transitions: list[Transition] = field(default_factory=list)
    lease_warnings: list[str] = field(default_factory=list)
    cost_flags: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)  # inactive accounts that are not sandboxes


def closable(account: Account, desired: Organization) -> bool:
    """Whether any lifecycle path may ever retire or close this account."""
    return not account.protected and account.account_id != desired.management_account_id


def observe(book: Book, desired: Organization, live: Organization, now: datetime) -> None:
    """Records first sightings and grace starts; forgets grace of accounts no longer retiring."""
    stamp = now.isoformat()
    by_id = {a.account_id: a for a in live.accounts if a.account_id}
    everyone = desired.lifecycle.inactive_after_days is not None
    for account in desired.accounts:  # only what a lease or inactivity counts from: small state
        if account.account_id in by_id and (everyone or account.lease is not None):
            book.seen.setdefault(account.account_id or "", stamp)
    quarantine = desired.lifecycle.quarantine_ou
    retiring = set()
    for account in desired.accounts:
        current = by_id.get(account.account_id or "")
        if account.lifecycle_state != "retiring" or current is None:
            continue
        retiring.add(current.account_id or "")
        if quarantine is None or current.ou == quarantine:
            book.grace.setdefault(current.account_id or "", stamp)
    book.grace = {k: v for k, v in book.grace.items() if k in retiring}


def lease_end(account: Account, book: Book) -> datetime | None:
    lease = account.lease
    if lease is None:
        return None
    if lease.expires is not None:
        return datetime.combine(lease.expires, time(), UTC)
    seen = book.seen.get(account.account_id or "")
    if lease.days is None or seen is None:
        return None
    return datetime.fromisoformat(seen) + timedelta(days=lease.days)


def findings(desired: Organization, live: Organization, book: Book, now: datetime) -> Findings:
    settings = desired.lifecycle
    found = Findings()
    live_ids = {a.account_id for a in live.accounts if a.account_id and a.status == "ACTIVE"}
    for account in desired.accounts:
        if account.account_id not in live_ids or not closable(account, desired):
            continue
        if account.lifecycle_state == "active":
            _active(account, desired, book, now, found)
        elif account.lifecycle_state == "retiring":
            started = book.grace.get(account.account_id or "")
            if started and now >= datetime.fromisoformat(started) + timedelta(days=settings.grace_days):
                found.transitions.append(Transition(
                    "close", account.name, "closed",
                    f"its {settings.grace_days}-day grace period in quarantine began {started[:10]} "
                    "and has ended"))
    if settings.flag_below_monthly_usd is not None and book.spend_read_on is not None:
        found.cost_flags = _cost_flags(desired, live_ids, book, settings.flag_below_monthly_usd)
    return found


def _active(account: Account, desired: Organization, book: Book, now: datetime, found: Findings) -> None:
    settings = desired.lifecycle
    end = lease_end(account, book)
    if end is not None and now >= end:
        found.transitions.append(Transition("retire_lease", account.name, "retiring",
                                            f"its sandbox lease ended on {end:%Y-%m-%d}"))
        return
    if end is not None and now >= end - timedelta(days=settings.lease_warning_days):
        found.lease_warnings.append(f"`{account.name}` ({account.account_id}): the lease ends "
                                    f"{end:%Y-%m-%d %H:%M} UTC, then a pull request retires it")
    idle = _idle_days(account, book, now)
    if settings.inactive_after_days is None or idle is None or idle < settings.inactive_after_days:
        return
    text = (f"no day above ${settings.inactive_below_usd:.2f} in Cost Explorer for {idle} days "
            f"(lifecycle.inactive_after_days: {settings.inactive_after_days})")
    if is_sandbox(account):
        found.transitions.append(Transition("retire_inactive", account.name, "retiring", text))
    else:
        found.reported.append(f"account {account.name} is inactive: {text}; only sandboxes are retired")


def is_sandbox(account: Account) -> bool:
    return account.environment == "sandbox" or account.workload_type == "sandbox" or account.lease is not None


def _idle_days(account: Account, book: Book, now: datetime) -> int | None:
    """Days the account has been idle, counted from the later of its first idle day in Cost
    Explorer's data and when reconcile first saw it (a new account is not idle for its age)."""
    since = book.idle_since.get(account.account_id or "")
    seen = book.seen.get(account.account_id or "")
    if since is None or seen is None:
        return None
    start = max(date.fromisoformat(since), datetime.fromisoformat(seen).date())
    return (now.date() - start).days


def _cost_flags(desired: Organization, live_ids: set[str], book: Book, below: float) -> list[str]:
    rows = []
    for account in desired.accounts:
        if account.account_id not in live_ids or account.lifecycle_state != "active":
            continue
        spent = book.monthly.get(account.account_id or "", 0.0)
        if spent < below:
            rows.append(f"| `{account.name}` | {account.account_id} | ${spent:,.2f} | {account.owner_team} |")
    return rows


def record_spend(book: Book, daily: Mapping[str, Mapping[str, float]], ids: Sequence[str], today: date,
                 window: int, threshold: float) -> None:
    """One Cost Explorer read ([today - window, today), daily) into the book: each account's
    idle streak (the first day of the run of days below `threshold` that reaches yesterday) and
    its total over the last 30 days."""
    days = [today - timedelta(days=n) for n in range(window, 0, -1)]
    for account_id in ids:
        spent = daily.get(account_id, {})
        streak_start: date | None = None
        for day in days:
            if spent.get(day.isoformat(), 0.0) >= threshold:
                streak_start = None
            elif streak_start is None:
                streak_start = day
        if streak_start is None:
            book.idle_since.pop(account_id, None)
        else:  # a streak that began before the window keeps its earlier start
            known = book.idle_since.get(account_id)
            carried = known is not None and streak_start == days[0] and known < days[0].isoformat()
            book.idle_since[account_id] = known if carried and known else streak_start.isoformat()
        recent = days[-SPEND_WINDOW_DAYS:]
        book.monthly[account_id] = round(sum(spent.get(d.isoformat(), 0.0) for d in recent), 2)
    book.spend_read_on = today.isoformat()


def pace_closes(drifts: Sequence[Drift], pacer: ClosePacer | None) -> list[Drift]:
    """Close drifts the quotas let start now stay reverts (the close queue continues); the rest are
    reported with how long they wait."""
    closes = [d for d in drifts if d.resource == "account" and d.change is not None
              and d.change.action == "delete"]
    if pacer is None or not closes:
        return list(drifts)
    when = dict(pacer.schedule([d.address for d in closes]))
    paced = []
    for drift in drifts:
        if when.get(drift.address, "now") != "now":
            drift = dataclasses.replace(drift, decision="report",
                                        reason=f"queued close: {when[drift.address]}")
        paced.append(drift)
    return paced
