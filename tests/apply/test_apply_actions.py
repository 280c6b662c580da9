"""Every kind of change apply makes, against orgsim, checked in AWS and in the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core_world import FEW, make_repo, set_field

from reconciler.adapters.aws import AwsClient
from reconciler.apply.applier import Applier
from reconciler.apply.audit import AuditLog, read_audit
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.live.read import read_organization
from reconciler.plan.changes import Change, Plan


def _operations(repo: Path) -> set[str]:
    return {r["operation"] for r in read_audit(repo / ".reconciler" / "audit.jsonl")}


def test_updates_moves_retags_policy_edits_attaches_and_detaches(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    (repo / ".reconciler" / "audit.jsonl").unlink()
    account = repo / "accounts" / "log-archive.yaml"
    set_field(account, "ou", "Infrastructure")
    set_field(account, "owner_team", "audit-team")
    text = account.read_text()
    account.write_text(text[: text.index("tags:")] if "tags:" in text else text)  # drops extra tags
    policy = repo / "policies" / "restrict-regions.yaml"
    policy.write_text(policy.read_text().replace("  - ou:Sandbox\n", "  - ou:Security\n")
                      .replace("DenyOutsideApprovedRegions", "DenyOtherRegions"))
    org_file = repo / "organization.yaml"
    org_file.write_text(org_file.read_text().replace("purpose: quarantine", "purpose: parked"))
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0
    assert {"MoveAccount", "TagResource", "UpdatePolicy", "AttachPolicy", "DetachPolicy"} <= _operations(repo)
    live = read_organization(AwsClient())
    assert live.account("log-archive").ou == "Infrastructure"
    assert live.ou("Suspended").tags == {"purpose": "parked"}
    sent = live.policy("restrict-regions")
    assert sent.document["Statement"][0]["Sid"] == "DenyOtherRegions"


def test_removed_tags_are_untagged(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("cust-acme-prod",))
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    account = repo / "accounts" / "cust-acme-prod.yaml"
    account.write_text(account.read_text().replace("  customer: acme\n", ""))
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    assert "UntagResource" in _operations(repo)
    assert "customer" not in read_organization(AwsClient()).account("cust-acme-prod").tags


def test_a_rename_uses_put_account_name(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("sandbox-alice",))
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")  # renames by id need it
    old = repo / "accounts" / "sandbox-alice.yaml"
    new = repo / "accounts" / "sandbox-alice-two.yaml"
    new.write_text(old.read_text().replace("account_name: sandbox-alice", "account_name: sandbox-alice-two"))
    old.unlink()
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert "PutAccountName" in _operations(repo)
    assert {a["Name"] for a in org.list_accounts()["Accounts"]} >= {"sandbox-alice-two"}
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0


def test_deletes_and_disables_the_planner_may_order(org: Any, tmp_path: Path) -> None:
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="TAG_POLICY")
    org.create_organizational_unit(ParentId=root, Name="Old")
    doc = json.dumps({"tags": {"team": {"tag_key": {"@@assign": "team"}}}})
    org.create_policy(Content=doc, Description="", Name="old-tags", Type="TAG_POLICY")
    live = read_organization(AwsClient())
    plan = Plan(changes=(
        Change("policy.old-tags", "policy", "delete", before={"name": "old-tags", "type": "TAG_POLICY"}),
        Change("ou.Old", "ou", "delete", before={"path": "Old", "tags": {}}),
        Change("policy_type.TAG_POLICY", "policy_type", "delete", before={"type": "TAG_POLICY"}),
    ))
    audit = AuditLog(tmp_path / "audit.jsonl")
    Applier(OrganizationsWriter(AwsClient()), live, audit).run(plan)
    after = read_organization(AwsClient())
    assert after.ous == () and after.policy("old-tags") is None and "TAG_POLICY" not in after.policy_types
    assert [r["operation"] for r in read_audit(audit.path)] == [
        "DeletePolicy", "DeleteOrganizationalUnit", "DisablePolicyType"]
