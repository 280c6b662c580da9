"""The baseline read's cost: nothing when the repository declares no baselines; otherwise the calls
docs/live-reader.md ("Account baselines") counts, for managed accounts only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from baseline_world import add_team_account, identity_center
from core_world import create_account, make_repo

from orgsim.testing import OrgSim

BASELINE_OPERATIONS = {
    "ListInstances", "ListPermissionSets", "DescribePermissionSet", "GetGroupId", "GetUserId",
    "ListAccountAssignmentsForPrincipal", "GetAlternateContact", "ListRegions", "DescribeBudgets",
    "DescribeNotificationsForBudget", "DescribeSubscribersForNotification",
}


def test_a_repository_without_baselines_reads_none(aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    text = (repo / "organization.yaml").read_text()
    (repo / "organization.yaml").write_text(text[:text.index("baselines:")] + text[text.index("# Drift"):])
    assert cli("plan", "--repo", str(repo)).returncode == 0
    assert not BASELINE_OPERATIONS & set(aws.calls())


def test_the_read_costs_what_the_docs_count_and_skips_unmanaged_accounts(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """Two managed accounts with the sample's team-workload baseline (two contacts, two groups with
    a permission set each, a budget with two alerts) and asia-pacific (one Region); an account
    outside the repository is not read."""
    identity_center(aws)
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    add_team_account(repo, "payments-dev")
    add_team_account(repo, "ledger-dev")
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    create_account(aws.client(), "stray@example.com", "stray")
    aws.reset(state=False)
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0
    calls = {k: v for k, v in aws.calls().items() if k in BASELINE_OPERATIONS}
    assert calls == {
        "ListInstances": 1, "ListPermissionSets": 1, "DescribePermissionSet": 2, "GetGroupId": 2,
        "ListAccountAssignmentsForPrincipal": 2,  # per group, for the whole organization
        "GetAlternateContact": 4, "ListRegions": 2,  # per account (and contact type)
        "DescribeBudgets": 1, "DescribeNotificationsForBudget": 2, "DescribeSubscribersForNotification": 4,
    }
