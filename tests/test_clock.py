"""The one clock (reconciler.clock) and RECONCILER_CLOCK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reconciler import clock
from reconciler.errors import ReconcilerError


def test_unset_is_the_system_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.CLOCK_ENV, raising=False)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("value", ["2026-12-01T10:00:00Z", "2026-12-01T11:00:00+01:00",
                                   " 2026-12-01T10:00:00z "])
def test_set_fixes_the_instant(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, value)
    assert clock.now() == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert clock.now().tzinfo == UTC


@pytest.mark.parametrize("value", ["yesterday", "2026-12-01T10:00:00", "2026-13-01T10:00:00Z"])
def test_bad_values_are_clear_errors(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(clock.CLOCK_ENV, value)
    with pytest.raises(ReconcilerError, match=r"RECONCILER_CLOCK=.*2026-12-01T10:00:00Z"):
        clock.now()


def test_the_audit_record_and_lease_read_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.apply.audit import RunInfo
    from reconciler.commands.lease import holder
    monkeypatch.setenv(clock.CLOCK_ENV, "2027-01-02T03:04:05Z")
    assert holder(RunInfo(run_id="r", run_url=None, command="apply", commit=None)).since.startswith(
        "2027-01-02T03:04:05")
