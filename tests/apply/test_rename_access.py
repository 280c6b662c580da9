"""Renames and trusted access for the Account Management API (PutAccountName, AccountId): a member
account is renamed by id only with trusted access on, so plan says once when it is off and apply
refuses before changing anything; the management account renames itself without an AccountId."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_world import make_repo

from orgsim.testing import OrgSim
from reconciler.plan.checks import ENABLE_TRUSTED_ACCESS

PRINCIPAL = "account.amazonaws.com"
MANAGEMENT = """account_id: "111111111111"
account_name: payer
email: master@example.com
ou: root
environment: shared
workload_type: internal
owner_team: platform
cost_center: CC-100
automation_level: manual
lifecycle_state: active
"""


def _rename_alice(repo: Path) -> None:
    old = repo / "accounts" / "sandbox-alice.yaml"
    new = repo / "accounts" / "sandbox-alice-two.yaml"
    new.write_text(old.read_text().replace("account_name: sandbox-alice", "account_name: sandbox-alice-two"))
    old.unlink()


def _names(org: Any) -> set[str]:
    return {a["Name"] for a in org.list_accounts()["Accounts"]}


def test_a_member_rename_without_trusted_access_is_noted_and_refused_up_front(
        aws: OrgSim, org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("sandbox-alice",))
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    _rename_alice(repo)
    (repo / "organization.yaml").write_text(
        (repo / "organization.yaml").read_text().replace("purpose: quarantine", "purpose: parked"))
    planned = cli("plan", "--repo", str(repo))
    assert planned.returncode == 0 and planned.stdout.count(ENABLE_TRUSTED_ACCESS) == 1, planned.stdout
    before = aws.calls()
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 1 and ran.stderr.count(ENABLE_TRUSTED_ACCESS) == 1, ran.stderr
    assert "Traceback" not in ran.stderr and "nothing was changed" in ran.stderr
    writes = {k for k, n in aws.calls().items() if n != before.get(k, 0)}
    # reads only (GetResources is the Tagging API's read): the OU's tag waits too
    assert all(k.startswith(("List", "Describe")) or k == "GetResources" for k in writes), writes
    assert "sandbox-alice" in _names(org)
    org.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    assert ENABLE_TRUSTED_ACCESS not in cli("plan", "--repo", str(repo)).stdout
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert "sandbox-alice-two" in _names(org)


def test_the_management_account_is_renamed_without_an_account_id(
        aws: OrgSim, org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("sandbox-alice",))
    (repo / "accounts" / "payer.yaml").write_text(MANAGEMENT)
    planned = cli("plan", "--repo", str(repo))
    assert ENABLE_TRUSTED_ACCESS not in planned.stdout  # trusted access is off, and not needed here
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert org.describe_account(AccountId="111111111111")["Account"]["Name"] == "payer"
    events = aws.client("cloudtrail").lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "PutAccountName"}])["Events"]
    assert len(events) == 1 and '"AccountId"' not in events[0]["CloudTrailEvent"]
