"""When a reconcile run scans the whole organization instead of following CloudTrail.

The incremental path is cheap but trusts CloudTrail to name every change. The full scan trusts
nothing and is the safety net, on a clock rather than a run count: a 10,000-account full scan
takes about 40 minutes at the paced read rates (docs/live-reader.md), longer than the schedule's
15-minute period, so "every 4th run" would mean a different thing for every organization size.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reconciler.clock import format_duration
from reconciler.drift.detect import managed_addresses
from reconciler.drift.state import State, decode_states
from reconciler.model import Organization
from reconciler.plan.fingerprint import fingerprint

# Every 6 hours: a 40-minute scan is then about a ninth of the day's Organizations read budget,
# leaving the rest to apply and people, and a change CloudTrail never delivered (or that the
# incremental path misread) stays unseen for at most that long. See docs/reconcile.md.
FULL_SCAN_INTERVAL = timedelta(hours=6)
REREAD = ("account.", "policy.", "attachment.")  # what the incremental path re-reads when it is open


def full_scan_reason(state: State, desired: Organization, incremental: bool, now: datetime,
                     interval: timedelta = FULL_SCAN_INTERVAL) -> str | None:
    """Why this run must scan everything, or None when the incremental path may serve (CloudTrail
    can still ask for a full scan afterwards: see `incremental.read_live`)."""
    if not incremental:
        return "requested"
    last_full = parse_time(state.last_full_scan)
    if parse_time(state.last_run) is None or last_full is None or not state.ids:
        return "no earlier run"
    if decode_states(state.ids.get("accounts")) is None:
        return "the state holds no account states (an older reconciler wrote it)"
    if now - last_full >= interval:
        return f"the last full scan is older than {format_duration(interval)}"
    if state.repository != fingerprint(desired):
        return "the repository changed"
    if any(a in state.failures for a in state.open):
        return "a remediation is failing"
    unnamed = next((a.name for a in desired.accounts if not a.account_id), None)
    if unnamed is not None:
        # The incremental path takes unchanged accounts from the repository by id; an account
        # whose id is not written back yet is matched (by email) only by a full scan.
        return f"account {unnamed} has no account_id in the repository yet"
    managed = managed_addresses(desired)
    if any(a not in managed or not a.startswith(REREAD) for a in state.deferred):
        # The incremental path re-reads the accounts and policies the repository manages; an OU,
        # a policy type or an unmanaged resource the last run left undone is found again only by
        # a full scan.
        return "the last run left drift undone that only a full scan reads again"
    return None


def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time from the state; None for a missing or damaged one (then: full scan)."""
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)
