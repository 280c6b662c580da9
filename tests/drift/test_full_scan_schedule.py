"""The full scan as the safety net on a clock: due when the last one is older than the interval,
whatever the number of runs in between. The clock is injected; nothing sleeps."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from drift_world import PROJECT, World

from reconciler.clock import format_duration, parse_duration
from reconciler.commands.cli import cli
from reconciler.drift.schedule import full_scan_reason
from reconciler.drift.state import State, record_failure
from reconciler.model import Organization
from reconciler.plan.fingerprint import fingerprint
from reconciler.repository.load import load_repository

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _desired() -> Organization:
    """The sample organization as it is after its first apply: every account's id written back."""
    loaded = load_repository(PROJECT)
    return dataclasses.replace(loaded, accounts=tuple(
        dataclasses.replace(a, account_id=a.account_id or f"{200000000000 + n}")
        for n, a in enumerate(loaded.accounts)))


def _state(last_full: datetime, last_run: datetime) -> State:
    desired = _desired()
    return State(last_run=last_run.isoformat(), last_full_scan=last_full.isoformat(),
                 repository=fingerprint(desired), ids={"root": "r-1", "accounts": {"ACTIVE": "111111111111"}})


def test_full_scan_is_due_by_age_not_by_run_count() -> None:
    desired = _desired()
    state = _state(T0, T0 + 5 * HOUR)
    assert full_scan_reason(state, desired, True, T0 + 5 * HOUR) is None  # 20 runs later: not due
    assert full_scan_reason(state, desired, True, T0 + 6 * HOUR) == \
        "the last full scan is older than 6h"
    assert full_scan_reason(state, desired, True, T0 + HOUR, interval=timedelta(minutes=30)) == \
        "the last full scan is older than 30m"
    assert full_scan_reason(state, desired, False, T0 + HOUR) == "requested"


@pytest.mark.parametrize("change", ["no state", "damaged time", "no ids", "no account states",
                                    "repository", "failing"])
def test_full_scan_is_due_whatever_the_clock_when_the_state_says_so(change: str) -> None:
    desired = _desired()
    state = _state(T0, T0 + HOUR)
    if change == "no state":
        state = State()
    elif change == "damaged time":
        state.last_full_scan = "yesterday"
    elif change == "no ids":
        state.ids = {}
    elif change == "no account states":  # a state an older reconciler wrote
        state.ids = {"root": "r-1"}
    elif change == "repository":
        state.repository = "sha256:other"
    else:
        state.open = State.from_json('{"version": 1, "open": {"account.a": {"fingerprint": "f", '
                                     '"first_seen": "x", "kind": "modified"}}}').open
        record_failure(state, "account.a", "boom")
    assert full_scan_reason(state, desired, True, T0 + HOUR) is not None


def test_durations_parse_and_print_in_one_form() -> None:
    assert parse_duration("6h") == 6 * HOUR
    assert parse_duration(" 1H30m ") == timedelta(minutes=90)
    assert parse_duration("2d") == timedelta(days=2) and parse_duration("0s") == timedelta(0)
    durations = (6 * HOUR, timedelta(minutes=90), timedelta(0))
    assert [format_duration(d) for d in durations] == ["6h", "1h30m", "0s"]
    for bad in ("", "6", "h", "-1h", "6 hours", "1.5h"):
        with pytest.raises(ValueError, match="not a duration"):
            parse_duration(bad)


def test_a_bad_interval_is_a_clear_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["reconcile", "--repo", str(tmp_path), "--full-scan-interval", "soon"])
    assert result.exit_code == 2
    assert "--full-scan-interval" in result.output and "e.g. 6h" in result.output


def test_scheduled_runs_scan_fully_when_the_last_full_scan_is_too_old(small_world: World) -> None:
    world = small_world
    world.ids()  # orgsim records finished creations' CloudTrail events at the next call
    start = datetime.now(UTC)
    assert world.reconcile_at(start) == "full (no earlier run)"
    assert world.reconcile_at(start + HOUR).startswith("incremental")
    assert world.reconcile_at(start + 5 * HOUR + timedelta(minutes=45)).startswith("incremental")
    assert world.reconcile_at(start + 6 * HOUR) == "full (the last full scan is older than 6h)"
    assert world.reconcile_at(start + 6 * HOUR + timedelta(minutes=15)).startswith("incremental")
    shorter = timedelta(minutes=30)
    assert world.reconcile_at(start + 7 * HOUR, shorter) == "full (the last full scan is older than 30m)"
    code, out, _ = world.reconcile("--full")
    assert code == 0 and "scan: full (requested)" in out


def test_an_account_without_its_id_in_the_repository_needs_the_full_scan() -> None:
    """The incremental baseline takes unchanged accounts from the repository by id; one whose id
    was never written back would be missing from it (and its attachments planned away)."""
    desired = _desired()
    state = _state(T0, T0 + HOUR)
    first = desired.accounts[0]
    unnamed = dataclasses.replace(desired, accounts=(dataclasses.replace(first, account_id=None),
                                                     *desired.accounts[1:]))
    state.repository = fingerprint(unnamed)
    assert full_scan_reason(state, unnamed, True, T0 + HOUR) == \
        f"account {first.name} has no account_id in the repository yet"
