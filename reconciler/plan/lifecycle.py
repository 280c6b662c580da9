"""The lifecycle rules the planner applies (docs/lifecycle.md). Pure.

- A retiring account belongs in `lifecycle.quarantine_ou` whatever its `ou:` says (its `ou:` is
  where it returns when the retirement is cancelled), and with `lifecycle.quarantine_scp` that OU
  carries a deny-all SCP the product owns.
- Closes are paced by AWS's CloseAccount quotas: at most `closes_in_progress` at once and at most
  the rolling 30-day quota. `ClosePacer` says which closes run now and how long the others wait.
- Closed accounts count against the organization's account quota until they are permanently
  closed, 90 days after closing: `account_limit_note` warns when new accounts would pass it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from reconciler.model import SCP, Organization, Policy

QUARANTINE_POLICY: Final = "reconciler-quarantine-deny-all"
DENY_ALL: Final = {"Version": "2012-10-17", "Statement": [
    {"Sid": "QuarantineDenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}]}
CLOSE_WINDOW: Final = timedelta(days=30)  # CloseAccount's quota is per rolling 30 days
RETIRING: Final = "retiring"


def with_quarantine(desired: Organization) -> Organization:
    """The organization the planner compares with AWS: retiring accounts in the quarantine OU, and
    the quarantine's deny-all SCP when the repository asks the product for it."""
    settings = desired.lifecycle
    if settings.quarantine_ou is None:
        return desired
    accounts = tuple(dataclasses.replace(a, ou=settings.quarantine_ou) if a.lifecycle_state == RETIRING
                     else a for a in desired.accounts)
    policies = desired.policies
    if settings.quarantine_scp and desired.policy(QUARANTINE_POLICY) is None:
        deny = Policy(name=QUARANTINE_POLICY, type=SCP, document=DENY_ALL,
                      description="Quarantine for retiring accounts (lifecycle.quarantine_scp)",
                      targets=frozenset({f"ou:{settings.quarantine_ou}"}))
        policies = tuple(sorted((*policies, deny), key=lambda p: p.name))
    return dataclasses.replace(desired, accounts=accounts, policies=policies)


def aws_close_quota(members: int) -> int:
    """AWS's CloseAccount quota for an organization with this many member accounts: "10% of member
    accounts, between 10 and 1000, within a rolling 30 day period" (Organizations API Reference,
    CloseAccount). botocore's model text says more (the higher of 250 or 20%); the stricter is kept."""
    return min(1000, max(10, members // 10))


@dataclass
class ClosePacer:
    """Which closes may start now. `recent` are the CloseAccount calls of the last 30 days (from
    CloudTrail), `in_progress` the accounts AWS shows PENDING_CLOSURE."""

    quota: int
    most_at_once: int
    recent: list[datetime]
    in_progress: int
    now: datetime
    started: list[datetime] = field(default_factory=list)

    def _window(self) -> list[datetime]:
        return sorted(t for t in (*self.recent, *self.started) if t > self.now - CLOSE_WINDOW)

    def take(self) -> bool:
        """True, and the close is counted, when one more close may start now."""
        if self.in_progress >= self.most_at_once or len(self._window()) >= self.quota:
            return False
        self.in_progress += 1
        self.started.append(self.now)
        return True

    def schedule(self, names: Sequence[str]) -> list[tuple[str, str]]:
        """(account, when) for closes in this order: "now", or how long it waits and why. Counts
        nothing: `take` does, as the closes are made."""
        window = self._window()
        free_now = max(0, min(self.most_at_once - self.in_progress, self.quota - len(window)))
        timeline = sorted([*window, *([self.now] * min(free_now, len(names)))])
        return [(name, "now" if index < free_now else self._wait(timeline, index - free_now))
                for index, name in enumerate(names)]

    def _wait(self, timeline: list[datetime], waiting: int) -> str:
        """The wait of the `waiting`-th close that cannot start now: it needs the close at
        timeline[len - quota + waiting] to leave the 30-day window."""
        leaving = len(timeline) - self.quota + waiting
        if leaving < 0:
            return f"waits for one of the {self.most_at_once} closes in progress to finish (minutes)"
        if leaving >= len(timeline):
            return f"waits more than 30 days (rolling 30-day close quota {self.quota})"
        free_at = timeline[leaving] + CLOSE_WINDOW
        days = max(0.0, (free_at - self.now).total_seconds() / 86400)
        return (f"waits {days:.1f} days, until {free_at:%Y-%m-%d %H:%M} UTC "
                f"(rolling 30-day close quota {self.quota})")


def close_pacer(desired: Organization, live: Organization, recent: Sequence[datetime], now: datetime
                ) -> ClosePacer:
    members = sum(1 for a in live.accounts if a.account_id != live.management_account_id
                  and a.status != "CLOSED")
    settings = desired.lifecycle
    quota = settings.close_quota if settings.close_quota is not None else aws_close_quota(members)
    in_progress = sum(1 for a in live.accounts if a.status == "PENDING_CLOSURE")
    return ClosePacer(quota, settings.closes_in_progress, list(recent), in_progress, now)


def account_limit_note(desired: Organization, live: Organization, creates: int) -> str | None:
    """A warning when the accounts AWS counts (closed ones included, until permanently closed 90
    days after closing) plus the new ones would pass `quotas.max_accounts`."""
    limit = desired.quotas.max_accounts
    if limit is None or creates == 0:
        return None
    counted = [a for a in live.accounts if a.status != "CLOSED"]
    closed = sum(1 for a in counted if a.status in ("SUSPENDED", "PENDING_CLOSURE"))
    if len(counted) + creates <= limit:
        return None
    return (f"creating {creates} accounts would make {len(counted) + creates}, more than the organization's "
            f"account quota ({limit}, quotas.max_accounts): AWS will refuse the creations past it "
            f"(ACCOUNT_LIMIT_EXCEEDED). {closed} closed accounts still count until they are permanently "
            "closed 90 days after closing; ask AWS for a higher quota (Service Quotas) or wait")
