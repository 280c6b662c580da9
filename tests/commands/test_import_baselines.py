"""import --baselines against orgsim: accounts with the same contacts, opt-in Regions, Identity
Center access and budget share one imported baseline, each account's file adds its own, and the
plan of the imported repository shows no baseline change. Without the flag nothing of it is read
or written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from baseline_world import account_id, add_team_account, identity_center
from core_world import create_account, make_repo

from orgsim.testing import OrgSim

BASELINE_READS = {"GetAlternateContact", "ListRegions", "ListGroups", "ListUsers",
                  "ListAccountAssignmentsForPrincipal", "DescribeBudgets"}


def _world(aws: OrgSim, cli: Any, tmp_path: Path) -> dict[str, str]:
    """Three team accounts given the sample's baselines by apply (two alike, one without the
    asia-pacific Region), and by hand on log-archive an OPERATIONS contact and a user's access."""
    ids = identity_center(aws)
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    for name in ("payments-dev", "search-dev", "billing-dev"):
        add_team_account(repo, name)
    search = repo / "accounts" / "search-dev.yaml"
    search.write_text(search.read_text().replace("baselines:\n  add: [asia-pacific]\n", ""))
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    log_archive = account_id(aws, "log-archive")
    aws.client("account").put_alternate_contact(
        AccountId=log_archive, AlternateContactType="OPERATIONS", Name="Ops desk", Title="On call",
        EmailAddress="ops@example.com", PhoneNumber="+1 206 555 0199")
    user = aws.client("identitystore").create_user(
        IdentityStoreId=ids["store"], UserName="alice@example.com", DisplayName="Alice",
        Name={"GivenName": "Alice", "FamilyName": "Example"})["UserId"]
    sso = aws.client("sso-admin")
    started = sso.create_account_assignment(
        InstanceArn=ids["instance"], TargetId=log_archive, TargetType="AWS_ACCOUNT",
        PermissionSetArn=ids["AdministratorAccess"], PrincipalType="USER", PrincipalId=user)
    aws.set_clock(advance_seconds=5)
    status = sso.describe_account_assignment_creation_status(
        InstanceArn=ids["instance"],
        AccountAssignmentCreationRequestId=started["AccountAssignmentCreationStatus"]["RequestId"])
    assert status["AccountAssignmentCreationStatus"]["Status"] == "SUCCEEDED"
    return ids


def test_imported_baselines_plan_no_baseline_changes(aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    _world(aws, cli, tmp_path)
    out = tmp_path / "imported"
    done = cli("import", "--baselines", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "4 accounts have a baseline in AWS: 3 distinct baseline(s)" in done.stderr
    organization = yaml.safe_load((out / "organization.yaml").read_text())
    assert sorted(organization["baselines"]) == ["imported-1", "imported-2", "imported-3"]
    shared = organization["baselines"]["imported-1"]  # the most common content comes first
    assert "applies_to" not in shared and "2 account(s)" in shared["description"]
    assert shared["regions"] == ["ap-east-1"]
    assert shared["budget"] == {"monthly_limit_usd": 500, "subscribers": ["finops@example.com"],
                                "alerts": [{"threshold_percent": 80, "type": "actual"},
                                           {"threshold_percent": 100, "type": "forecasted"}]}
    assert sorted(shared["alternate_contacts"]) == ["BILLING", "SECURITY"]
    assert {"group": "developers", "permission_set": "PowerUserAccess"} in shared["access"]

    def added(name: str) -> list[str]:
        return list(yaml.safe_load((out / "accounts" / f"{name}.yaml").read_text())["baselines"]["add"])

    assert added("payments-dev") == added("billing-dev") == ["imported-1"]
    own = organization["baselines"][added("log-archive")[0]]
    assert own["access"] == [{"user": "alice@example.com", "permission_set": "AdministratorAccess"}]
    assert list(own["alternate_contacts"]) == ["OPERATIONS"]
    assert "regions" not in organization["baselines"][added("search-dev")[0]]
    assert cli("validate", "--repo", str(out)).returncode == 0
    shown = cli("plan", "--repo", str(out), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert '"address": "baseline.' not in shown.stdout
    assert '"delete": 0' in shown.stdout
    search = out / "accounts" / "search-dev.yaml"  # the plan does compare: without its baseline
    search.write_text(search.read_text().split("baselines:")[0])  # the account's budget goes
    changed = cli("plan", "--repo", str(out), "--format", "json")
    assert '"address": "baseline.search-dev.budget"' in changed.stdout


def test_without_the_flag_import_reads_and_writes_no_baseline(aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    _world(aws, cli, tmp_path)
    aws.reset(state=False)  # call counts only
    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert not BASELINE_READS & set(aws.calls())
    assert "baselines" not in (out / "organization.yaml").read_text()
    assert all("baselines" not in p.read_text() for p in (out / "accounts").iterdir())
    aws.reset(state=False)
    assert cli("import", "--baselines", "--output", str(tmp_path / "with")).returncode == 0
    calls = aws.calls()
    assert calls["GetAlternateContact"] == 3 * 4 and calls["ListRegions"] == 4  # per open member account
    assert calls["ListAccountAssignmentsForPrincipal"] == 3  # two groups and one user
    assert calls["ListAWSServiceAccessForOrganization"] == 1  # trusted access, checked first


def test_without_trusted_access_import_baselines_is_one_error_and_writes_nothing(
        aws: OrgSim, org: Any, cli: Any, tmp_path: Path) -> None:
    """AWS refuses GetAlternateContact and ListRegions with an AccountId unless the organization
    trusts the Account Management API: import --baselines says so, with the fix, before reading."""
    create_account(org, "team@example.com", "team-x-dev")
    out = tmp_path / "imported"
    refused = cli("import", "--baselines", "--output", str(out))
    assert refused.returncode == 1
    assert "enable-aws-service-access --service-principal account.amazonaws.com" in refused.stderr
    assert "or import without --baselines" in refused.stderr and "Traceback" not in refused.stderr
    assert not out.exists() or not any(out.iterdir())
    assert "GetAlternateContact" not in aws.calls()
