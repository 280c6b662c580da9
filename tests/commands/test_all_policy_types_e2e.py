"""Issue 14's "done when": a repository with one policy of every AWS Organizations policy type,
attached at the root, an OU and an account, validates, plans, applies against orgsim and then plans
empty; `import` writes it back and that plans empty too; and the effective policy the product
computes equals orgsim's DescribeEffectivePolicy for every account and management type, in that
repository and in the project's sample organization."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from botocore.exceptions import ClientError
from core_world import make_repo

from reconciler import policy_types
from reconciler.effective import effective_policy
from reconciler.model import Organization
from reconciler.repository.load import load_repository

_REGIONS = {"enable_in_regions": {"@@append": ["us-east-1"]}}
DOCUMENTS: dict[str, dict[str, Any]] = {
    "SERVICE_CONTROL_POLICY": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]},
    "RESOURCE_CONTROL_POLICY": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]},
    "TAG_POLICY": {"tags": {"team": {"tag_key": {"@@assign": "Team"}, "tag_value": {"@@append": ["a"]}}}},
    "BACKUP_POLICY": {"plans": {"daily": {"regions": {"@@append": ["us-east-1"]}}}},
    "AISERVICES_OPT_OUT_POLICY": {"services": {"default": {"opt_out_policy": {"@@assign": "optOut"}}}},
    "CHATBOT_POLICY": {"chatbot": {"default": {"client": {"@@assign": "disabled"}}}},
    "DECLARATIVE_POLICY_EC2": {"ec2_attributes": {
        "serial_console_access": {"status": {"@@assign": "disabled"}}}},
    "SECURITYHUB_POLICY": {"securityhub": _REGIONS},
    "INSPECTOR_POLICY": {"inspector": {"enablement": {"ec2_scanning": _REGIONS}}},
    "S3_POLICY": {"s3_attributes": {"public_access_block_configuration": {"@@assign": "all"}}},
}
GENERIC = {"settings": {"flag": {"@@assign": "on"}, "list": {"@@append": ["x"]}}}
TARGETS = ["root", "ou:Work", "account:app-prod"]
ACCOUNTS = {"app-prod": "Work/Prod", "app-dev": "Work"}


def _every_type_repo(root: Path) -> Path:
    (root / "accounts").mkdir(parents=True)
    (root / "policies").mkdir()
    (root / "organization.yaml").write_text(yaml.safe_dump({
        "management_account_id": "111111111111", "policy_types": list(policy_types.NAMES),
        "organizational_units": ["Work", "Work/Prod"]}))
    for name, ou in ACCOUNTS.items():
        (root / "accounts" / f"{name}.yaml").write_text(yaml.safe_dump({
            "account_name": name, "email": f"aws+{name}@example.com", "ou": ou, "environment": "production",
            "workload_type": "internal", "owner_team": "platform", "cost_center": "CC-123",
            "automation_level": "full", "lifecycle_state": "active"}))
    for policy_type in policy_types.NAMES:
        name = policy_type.lower().replace("_", "-")
        (root / "policies" / f"{name}.yaml").write_text(yaml.safe_dump({
            "name": name, "type": policy_type, "targets": TARGETS,
            "document": DOCUMENTS.get(policy_type, GENERIC)}))
    return make_repo(root.parent / f"{root.name}-git", root)


def _account_ids(org: Any) -> dict[str, str]:
    pages = org.get_paginator("list_accounts").paginate()
    return {a["Name"]: a["Id"] for page in pages for a in page["Accounts"]}


def _assert_effective_matches_orgsim(org: Any, desired: Organization) -> int:
    """Every account (the management account too) and every enabled management type; the count."""
    compared = 0
    for name, account_id in _account_ids(org).items():
        for policy_type in sorted(set(policy_types.MANAGEMENT) & desired.policy_types):
            mine = effective_policy(desired, name, policy_type)
            assert not mine.findings, mine.findings
            try:
                answer = org.describe_effective_policy(PolicyType=policy_type, TargetId=account_id)
                theirs = json.loads(answer["EffectivePolicy"]["PolicyContent"])
            except ClientError as error:
                assert error.response["Error"]["Code"] == "EffectivePolicyNotFoundException"
                theirs = None
            assert mine.document == theirs, (name, policy_type)
            compared += 1
    return compared


def test_one_policy_of_every_type_applies_plans_empty_and_imports(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = _every_type_repo(tmp_path / "repo")
    assert cli("validate", "--repo", str(repo)).returncode == 0
    planned = cli("plan", "--repo", str(repo))
    assert planned.returncode == 0, planned.stderr
    for policy_type in policy_types.NAMES:
        assert f"policy_type.{policy_type}" in planned.stdout
    applied = cli("apply", "--repo", str(repo), "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    again = cli("plan", "--repo", str(repo), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    for policy_type in policy_types.NAMES:
        listed = org.list_policies(Filter=policy_type)["Policies"]
        mine = next(p for p in listed if not p["AwsManaged"])
        targets = org.list_targets_for_policy(PolicyId=mine["Id"])["Targets"]
        assert sorted(t["Type"] for t in targets) == ["ACCOUNT", "ORGANIZATIONAL_UNIT", "ROOT"]
    names = [p["Name"] for p in org.list_policies_for_target(
        TargetId=_account_ids(org)["app-prod"], Filter="RESOURCE_CONTROL_POLICY")["Policies"]]
    assert sorted(names) == ["RCPFullAWSAccess", "resource-control-policy"]

    desired = load_repository(repo)
    assert _assert_effective_matches_orgsim(org, desired) == 3 * len(policy_types.MANAGEMENT)

    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert len(list((out / "policies").glob("*.yaml"))) == len(policy_types.NAMES)
    assert cli("validate", "--repo", str(out)).returncode == 0
    imported = cli("plan", "--repo", str(out), "--detailed-exitcode")
    assert imported.returncode == 0, imported.stdout + imported.stderr


def test_sample_effective_policies_equal_orgsims(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    applied = cli("apply", "--repo", str(repo), "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    desired = load_repository(repo)
    accounts = len(desired.accounts) + 1  # and the management account
    managed_types = len(set(policy_types.MANAGEMENT) & desired.policy_types)
    assert _assert_effective_matches_orgsim(org, desired) == accounts * managed_types
    sandbox = json.loads(org.describe_effective_policy(
        PolicyType="DECLARATIVE_POLICY_EC2", TargetId=_account_ids(org)["sandbox-alice"],
    )["EffectivePolicy"]["PolicyContent"])
    assert sandbox["ec2_attributes"]["vpc_block_public_access"]["internet_gateway_block"] == {
        "mode": "block_ingress", "exclusions_allowed": "disabled"}
