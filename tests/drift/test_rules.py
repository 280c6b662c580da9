"""The drift rules as tables of plain values: classification and decisions, no I/O."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reconciler.drift.detect import Drift, detect, managed_addresses
from reconciler.drift.pull_request_text import account_updates, body, branch_for, marker, parse_marker, title
from reconciler.model import (
    Account,
    Organization,
    OrganizationalUnit,
    Policy,
    ReconcileSettings,
    account_tags,
)
from reconciler.plan.changes import Change, Plan, Unmanaged


def _tags(**extra: str) -> dict[str, str]:
    return account_tags(environment="production", workload_type="internal", owner_team="a",
                        cost_center="CC-123", compliance_scope=(), automation_level="full",
                        lifecycle_state="active", extra_tags=extra)


def _org(*accounts: Account, settings: ReconcileSettings = ReconcileSettings()) -> Organization:
    return Organization(
        management_account_id="111111111111",
        ous=(OrganizationalUnit("Security"), OrganizationalUnit("Workloads")),
        accounts=accounts,
        policies=(Policy("deny", "SERVICE_CONTROL_POLICY", document={}, targets=frozenset({"root"})),),
        reconcile=settings,
    )


def _account(name: str, level: str, account_id: str | None = "222222222222",
             status: str = "ACTIVE") -> Account:
    return Account(name, f"{name}@example.com", "Security", account_id=account_id, automation_level=level,
                   status=status)


def _update(name: str, before_ou: str = "Workloads") -> Change:
    return Change(f"account.{name}", "account", "update",
                  before={"name": name, "ou": before_ou, "tags": _tags()},
                  after={"name": name, "ou": "Security", "tags": _tags()}, changed=("ou",))


@pytest.mark.parametrize(("level", "decision"), [("full", "revert"), ("assisted", "pull_request"),
                                                 ("manual", "report")])
def test_account_drift_follows_automation_level(level: str, decision: str) -> None:
    desired = _org(_account("app", level))
    (drift,) = detect(desired, desired, Plan(changes=(_update("app"),)))
    assert (drift.kind, drift.decision, drift.account) == ("modified", decision, "app")


@pytest.mark.parametrize(("change", "kind", "decision"), [
    (Change("ou.Security", "ou", "create", after={"path": "Security"}), "missing", "revert"),
    (Change("policy.deny", "policy", "update", before={"document": {"a": 1}}), "modified", "revert"),
    (Change("attachment.deny.root", "attachment", "create"), "missing", "revert"),
    (Change("attachment.deny.ou:Security", "attachment", "delete"), "unmanaged", "revert"),
    (Change("policy_type.TAG_POLICY", "policy_type", "delete"), "unmanaged", "report"),
    (Change("ou.Old", "ou", "delete"), "unmanaged", "report"),
])
def test_structure_and_policies_are_reverted_never_deleted(change: Change, kind: str, decision: str) -> None:
    desired = _org()
    (drift,) = detect(desired, desired, Plan(changes=(change,)))
    assert (drift.kind, drift.decision) == (kind, decision)


def test_missing_accounts_are_reported_and_pending_ones_skipped() -> None:
    desired = _org(_account("gone", "full"), _account("new", "full", account_id=None))
    plan = Plan(changes=(Change("account.gone", "account", "create"),
                         Change("account.new", "account", "create")))
    gone, new = detect(desired, desired, plan)
    assert (gone.kind, gone.decision) == ("missing", "report")
    assert new.decision == "skip"


@pytest.mark.parametrize("state", ["PENDING_ACTIVATION", "PENDING_CLOSURE", "SUSPENDED", "CLOSED"])
def test_suspended_account_is_missing_drift(state: str) -> None:
    desired = _org(_account("app", "full"))
    live = _org(_account("app", "full", status=state))
    (drift,) = detect(desired, live, Plan())
    assert (drift.address, drift.kind, drift.decision) == ("account.app", "missing", "report")
    assert drift.live == {"status": state}


@pytest.mark.parametrize("state", ["PENDING_CLOSURE", "SUSPENDED", "CLOSED"])
def test_an_account_the_repository_closed_is_no_drift_once_closed(state: str) -> None:
    closed = replace(_account("app", "full"), lifecycle_state="closed")
    assert detect(_org(closed), _org(_account("app", "full", status=state)), Plan()) == ()


@pytest.mark.parametrize(("accounts", "policies", "expected"), [
    ("import_pr", "detach", {"account.x": "import_pr", "policy.p": "report", "attachment.p.root": "detach",
                             "ou.O": "report"}),
    ("ignore", "ignore", {"ou.O": "report"}),
    ("report", "import_pr", {"account.x": "report", "policy.p": "import_pr", "attachment.p.root": "report",
                             "ou.O": "report"}),
])
def test_unmanaged_follow_settings(accounts: str, policies: str, expected: dict[str, str]) -> None:
    desired = _org(settings=ReconcileSettings(unmanaged_accounts=accounts, unmanaged_policies=policies))
    plan = Plan(unmanaged=(Unmanaged("account.x", "account", {"name": "x"}),
                           Unmanaged("policy.p", "policy", {"name": "p"}),
                           Unmanaged("attachment.p.root", "attachment", {"policy": "p", "target": "root"}),
                           Unmanaged("ou.O", "ou", {"path": "O"})))
    found = {d.address: d.decision for d in detect(desired, desired, plan)}
    assert found == expected
    assert all(d.kind == "unmanaged" for d in detect(desired, desired, plan))


def test_fingerprint_names_the_live_value() -> None:
    desired = _org(_account("app", "assisted"))
    (one,) = detect(desired, desired, Plan(changes=(_update("app", "Workloads"),)))
    (same,) = detect(desired, desired, Plan(changes=(_update("app", "Workloads"),)))
    (other,) = detect(desired, desired, Plan(changes=(_update("app", "Sandbox"),)))
    assert one.fingerprint == same.fingerprint != other.fingerprint


def test_marker_round_trip_and_branch_is_a_valid_ref() -> None:
    drift = Drift("attachment.deny.ou:Workloads/Production", "unmanaged", "attachment", "revert", "x")
    assert parse_marker(f"text\n{marker(drift)}\n") == (drift.address, drift.fingerprint)
    assert parse_marker("no marker") is None
    assert branch_for(drift) == "reconciler/drift/attachment-deny-ou-workloads-production"


def test_account_updates_read_metadata_back_from_tags() -> None:
    live_tags = {**_tags(team="x"), "owner-team": "b"}
    change = Change("account.app", "account", "update",
                    before={"name": "app2", "ou": "Workloads", "tags": live_tags},
                    after={"name": "app", "ou": "Security", "tags": _tags()}, changed=("name", "ou", "tags"))
    drift = Drift("account.app", "modified", "account", "pull_request", "assisted", change=change)
    updates = account_updates(drift)
    assert updates == {"ou": "Workloads", "account_name": "app2", "owner_team": "b", "tags": {"team": "x"}}
    text = body(drift, updates, [], ["accounts/app.yaml"])
    assert "| `ou` | `\"Security\"` | `\"Workloads\"` |" in text
    assert parse_marker(text) == ("account.app", drift.fingerprint)
    assert title(drift).startswith("Drift:")


def test_managed_addresses_count_every_resource() -> None:
    assert managed_addresses(_org(_account("app", "full"))) == {
        "ou.Security", "ou.Workloads", "account.app", "policy.deny", "attachment.deny.root"}


def test_management_account_is_never_unmanaged() -> None:
    desired = _org()
    live = {"name": "mgmt", "account_id": "111111111111"}
    plan = Plan(unmanaged=(Unmanaged("account.mgmt", "account", live),))
    assert detect(desired, desired, plan) == ()
