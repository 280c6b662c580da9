"""Baseline drift in a reconcile run: an Identity Center assignment removed by hand is put back for
a `full` account and reported for an `assisted` one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from baseline_world import account_id, add_team_account, assignments, identity_center
from drift_world import World

from orgsim.testing import OrgSim


def _with_team_accounts(repo: Path) -> None:
    """Only the two team accounts (and the sample's policies and OUs): quick to converge."""
    for path in (repo / "accounts").glob("*.yaml"):
        path.unlink()
    add_team_account(repo, "payments-dev", "full")
    add_team_account(repo, "ledger-dev", "assisted")


def test_a_hand_removed_assignment_is_put_back_for_a_full_account(
        orgsim: OrgSim, world_factory: Callable[..., World]) -> None:
    ids = identity_center(orgsim)
    world = world_factory(_with_team_accounts)
    full, assisted = account_id(orgsim, "payments-dev"), account_id(orgsim, "ledger-dev")
    assert sorted(a["AccountId"] for a in assignments(orgsim, ids, "developers")) == sorted([full, assisted])
    sso = world.sim.client("sso-admin", access_key_id="AKIAINTRUDER0000MALLORY")
    for member in (full, assisted):
        sso.delete_account_assignment(InstanceArn=ids["instance"], TargetId=member, TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=ids["PowerUserAccess"], PrincipalType="GROUP",
                                      PrincipalId=ids["developers"])
    report = world.reconcile_json()
    drift = {d["address"]: d["remediation"] for d in report["drift"]}
    assert drift == {"baseline.payments-dev.access.developers.PowerUserAccess": "reverted",
                     "baseline.ledger-dev.access.developers.PowerUserAccess": "reported"}
    assert [a["AccountId"] for a in assignments(orgsim, ids, "developers")] == [full]
    again = world.reconcile_json()
    assert {d["address"] for d in again["drift"]} == {"baseline.ledger-dev.access.developers.PowerUserAccess"}


def test_a_quiet_incremental_run_reads_no_account_s_contacts_and_the_full_scan_does(
        orgsim: OrgSim, world_factory: Callable[..., World]) -> None:
    """Contacts, Regions and budgets cost calls per account: an incremental run reads them only for
    the accounts it re-reads (none here), the full scan for every managed account. A contact changed
    by hand is therefore put back by the next full scan, not by a quiet incremental run."""
    identity_center(orgsim)
    world = world_factory(_with_team_accounts)
    full = account_id(orgsim, "payments-dev")
    assert world.reconcile_json()["scan"].startswith("full")  # the first run: the state is made
    world.sim.client("account", access_key_id="AKIAINTRUDER0000MALLORY").put_alternate_contact(
        AccountId=full, AlternateContactType="SECURITY", Name="Mallory", Title="none",
        EmailAddress="mallory@example.com", PhoneNumber="+1 206 555 0199")
    world.sim.reset(state=False)  # zero the call counts
    quiet = world.reconcile_json()
    assert "incremental" in quiet["scan"]
    assert world.sim.calls().get("GetAlternateContact", 0) == 0
    assert world.sim.calls().get("ListAccountAssignmentsForPrincipal", 0) > 0  # access: every run
    scanned = world.reconcile_json("--full")
    assert world.sim.calls().get("GetAlternateContact", 0) > 0
    assert {d["address"]: d["remediation"] for d in scanned["drift"]} == {
        "baseline.payments-dev.contact.SECURITY": "reverted"}
