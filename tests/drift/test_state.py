"""The state kept across runs, and the run's bookkeeping, with plain values."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.commands.cli import cli
from reconciler.drift.state import (
    State,
    decode_states,
    encode_states,
    needs_issue,
    observe,
    record_failure,
    record_success,
    resolve,
    seconds_between,
)


def test_state_round_trips_and_damaged_state_starts_fresh() -> None:
    state = State(last_run="2026-01-01T00:00:00+00:00", ids={"root": "r-1"}, ttr=[1.5])
    record_failure(state, "account.a", "boom")
    observe(state, {"account.a": ("f1", "modified")}, "2026-01-01T00:00:00+00:00")
    assert State.from_json(state.to_json()) == state
    for damaged in ("", "not json", "[]", '{"version": 99}', '{"version": 1, "open": {"a": 1}}'):
        assert State.from_json(damaged) == State()


def test_observe_keeps_first_seen_and_reports_what_is_gone() -> None:
    state = State()
    observe(state, {"a": ("f1", "modified"), "b": ("f2", "missing")}, "2026-01-01T00:00:00+00:00")
    gone = observe(state, {"a": ("f1", "modified")}, "2026-01-01T00:15:00+00:00")
    assert gone == {"b": "2026-01-01T00:00:00+00:00"}
    assert state.open["a"].first_seen == "2026-01-01T00:00:00+00:00"
    observe(state, {"a": ("f9", "modified")}, "2026-01-01T00:30:00+00:00")  # a new drift: new clock
    assert state.open["a"].first_seen == "2026-01-01T00:30:00+00:00"
    assert observe(state, {}, "2026-01-01T00:45:00+00:00", covered=frozenset()) == {}  # not looked at
    first = resolve(state, "a")
    assert first is not None and seconds_between(first, "2026-01-01T00:45:00+00:00") == 900


def test_three_failures_need_one_issue_and_success_clears_them() -> None:
    state = State()
    counts = [needs_issue(record_failure(state, "a", f"error {n}")) for n in range(3)]
    assert counts == [False, False, True]
    state.failures["a"].issue = 7
    assert not needs_issue(record_failure(state, "a", "error 4"))
    assert state.failures["a"].errors == ["error 1", "error 2", "error 4"]
    closed = record_success(state, "a")
    assert closed is not None and closed.issue == 7 and "a" not in state.failures


def test_acting_without_github_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Path(__file__).resolve().parents[2]
    for name in ("organization.yaml",):
        (tmp_path / name).write_text((project / name).read_text())
    for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["reconcile", "--repo", str(tmp_path)])
    assert result.exit_code != 0
    assert "GITHUB_REPOSITORY and GITHUB_TOKEN not set" in str(result.exception or result.output)


def test_invalid_repository_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "organization.yaml").write_text("management_account_id: [oops\n")
    result = CliRunner().invoke(cli, ["reconcile", "--repo", str(tmp_path)])
    assert result.exit_code != 0
    assert "organization.yaml" in str(result.exception)


def test_account_states_are_kept_compact_and_read_back() -> None:
    """ids["accounts"]: every account's State from the last full scan, grouped by State."""
    states = {f"{n:012d}": ("SUSPENDED" if n % 100 == 0 else "ACTIVE") for n in range(10_000)}
    encoded = encode_states(states)
    assert set(encoded) == {"ACTIVE", "SUSPENDED"}
    assert decode_states(encoded) == states
    state = State(ids={"accounts": encoded})
    assert len(state.to_json()) < 140_000  # about 13 bytes an account
    assert decode_states(State.from_json(state.to_json()).ids["accounts"]) == states
    assert decode_states(None) is None and decode_states({"ACTIVE": 5}) is None
