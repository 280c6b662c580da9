"""A new account's baseline, end to end against orgsim: shown in the plan, applied in the same
run that creates, moves and tags the account, read back as no change; unknown Identity Center
names refused before any change; a failing item explained while the others are applied; a run
killed during the baseline finished by the next one without duplicates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from baseline_world import account_id, add_team_account, assignments, identity_center
from core_world import killed_then_converges, make_repo

from orgsim.testing import OrgSim
from reconciler.adapters import aws as adapter
from reconciler.commands.apply import run_apply

MANAGEMENT = "111111111111"


def _repo(tmp_path: Path, *names: str) -> Path:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    for name in names or ("payments-dev",):
        add_team_account(repo, name)
    return repo


def test_a_new_account_gets_its_baseline_in_the_same_apply(aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    ids = identity_center(aws)
    repo = _repo(tmp_path)
    shown = cli("plan", "--repo", str(repo))
    assert shown.returncode == 0, shown.stderr
    for address in ("baseline.payments-dev.contact.SECURITY", "baseline.payments-dev.contact.BILLING",
                    "baseline.payments-dev.region.ap-east-1", "baseline.payments-dev.budget",
                    "baseline.payments-dev.access.platform-admins.AdministratorAccess",
                    "baseline.payments-dev.access.developers.PowerUserAccess"):
        assert f"+ {address}" in shown.stdout
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    member = account_id(aws, "payments-dev")
    contact = aws.client("account").get_alternate_contact(AccountId=member, AlternateContactType="SECURITY")
    assert contact["AlternateContact"]["EmailAddress"] == "secops@example.com"
    region = aws.client("account").get_region_opt_status(AccountId=member, RegionName="ap-east-1")
    assert region["RegionOptStatus"] == "ENABLED"  # apply waited for ENABLING to finish
    assert [a["AccountId"] for a in assignments(aws, ids, "platform-admins")] == [member]
    assert [a["AccountId"] for a in assignments(aws, ids, "developers")] == [member]
    budget = aws.client("budgets").describe_budget(AccountId=MANAGEMENT, BudgetName=f"baseline-{member}")
    assert budget["Budget"]["CostFilters"] == {"LinkedAccount": [member]}
    assert float(budget["Budget"]["BudgetLimit"]["Amount"]) == 500.0
    again = cli("plan", "--repo", str(repo), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr


def test_unknown_identity_center_names_are_one_error_before_any_change(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    identity_center(aws)
    repo = _repo(tmp_path)
    path = repo / "organization.yaml"
    text = path.read_text().replace("group: developers", "group: devs").replace(
        "permission_set: AdministratorAccess", "permission_set: Admin")
    path.write_text(text)
    aws.reset(state=False)  # call counts only
    for command in ("plan", "apply"):
        refused = cli(command, "--repo", str(repo), *(["--auto-approve"] if command == "apply" else []))
        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        line = next(i for i, t in enumerate(text.splitlines(), 1) if "group: devs" in t)
        assert f"organization.yaml:{line}:" in refused.stderr
        assert "group 'devs' does not exist" in refused.stderr
        assert "permission set 'Admin' does not exist" in refused.stderr
    assert not {"CreateAccount", "CreateOrganizationalUnit", "CreatePolicy"} & set(aws.calls())


def test_a_failing_item_is_explained_and_the_others_are_applied(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    ids = identity_center(aws)
    repo = _repo(tmp_path)
    aws.inject_fault("PutAlternateContact", "aws_error", count=20, code="AccessDeniedException")
    failed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert failed.returncode == 1
    assert "baseline.payments-dev.contact.SECURITY" in failed.stderr
    assert "AccessDeniedException" in failed.stderr
    member = account_id(aws, "payments-dev")
    assert [a["AccountId"] for a in assignments(aws, ids, "developers")] == [member]
    aws.reset(state=False)
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0


def test_assignment_creations_stay_within_identity_centers_ten_outstanding(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """Twelve accounts, two assignments each: 24 creations, at most 10 outstanding at a time. orgsim
    answers the 11th outstanding with ThrottlingException, which botocore would retry: exactly one
    CreateAccountAssignment call per assignment shows that none went over."""
    aws.configure(assignment_seconds=0.3)
    ids = identity_center(aws)
    names = [f"team-{i:02d}-dev" for i in range(12)]
    repo = _repo(tmp_path, *names)
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    assert aws.calls()["CreateAccountAssignment"] == 24
    assert len(assignments(aws, ids, "developers")) == 12


_ORDER: list[str] = []


@pytest.mark.parametrize("step", ["PutAlternateContact", "CreateAccountAssignment"])
def test_a_run_killed_during_the_baseline_is_finished_by_the_next(
        step: str, aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """The process SIGKILLs itself right after the first call of `step` returns (AWS acted,
    nothing recorded); the next apply plans only what is missing and makes no second budget or
    assignment."""
    repo = _repo(tmp_path)
    crash_after = _calls_until(aws, repo, tmp_path, step)
    ids = identity_center(aws)
    killed_then_converges(cli, repo, crash_after)
    member = account_id(aws, "payments-dev")
    assert [a["AccountId"] for a in assignments(aws, ids, "platform-admins")] == [member]
    budgets = aws.client("budgets").describe_budgets(AccountId=MANAGEMENT)["Budgets"]
    assert [b["BudgetName"] for b in budgets] == [f"baseline-{member}"]


def _calls_until(sim: OrgSim, repo: Path, tmp_path: Path, step: str) -> int:
    """How many AWS calls an apply of `repo` makes up to and including the first `step`, counted
    once per session in a throwaway run on a copy (the simulator's state is reset after it)."""
    if not _ORDER:
        identity_center(sim)
        original = adapter.AwsClient.call

        def recording(self: adapter.AwsClient, operation: str, service: str = "organizations",
                      **params: Any) -> Any:
            _ORDER.append(operation)
            return original(self, operation, service, **params)

        probe = tmp_path / "probe"
        shutil.copytree(repo, probe)
        adapter.AwsClient.call = recording  # type: ignore[method-assign]
        try:
            run_apply(probe, None, True, None, False)
        finally:
            adapter.AwsClient.call = original  # type: ignore[method-assign]
        sim.reset(state=True)
    return _ORDER.index(step) + 1


def test_contacts_without_trusted_access_are_refused_before_any_change(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """Account Management calls with an AccountId need trusted access: plan says so in a note, and
    apply refuses before creating anything, naming the fix."""
    ids = identity_center(aws)
    aws.client().disable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    repo = _repo(tmp_path)
    shown = cli("plan", "--repo", str(repo))
    assert "AWS refuses to set a member account's alternate contacts or Regions" in shown.stdout
    aws.reset(state=False)
    refused = cli("apply", "--repo", str(repo), "--auto-approve")
    assert refused.returncode == 1
    assert "enable-aws-service-access --service-principal account.amazonaws.com" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert "CreateAccount" not in aws.calls()
    assert assignments(aws, ids, "developers") == []


def test_each_new_account_gets_its_baseline_while_the_others_are_still_being_created(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """Eight accounts (log-archive too): AWS creates five at a time, so the last creations start
    only when earlier ones have finished. The first account's contacts, budget, Region opt-in and
    Identity Center assignments are started before the last CreateAccount, and all its calls come
    before the last account exists."""
    aws.configure(create_account_seconds=0.5)
    identity_center(aws)
    names = [f"team-{i:02d}-dev" for i in range(7)]
    repo = _repo(tmp_path, *names)
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in (repo / ".reconciler" / "audit.jsonl").read_text().splitlines()]
    created = [r["address"].removeprefix("account.") for r in records if r["operation"] == "AccountCreated"
               and r["address"].removeprefix("account.") in names]
    assert sorted(created) == names
    first, last = created[0], created[-1]
    last_created = next(i for i, r in enumerate(records)
                        if r["operation"] == "AccountCreated" and r["address"] == f"account.{last}")
    last_requested = next(i for i, r in enumerate(records)
                          if r["operation"] == "CreateAccount" and r["address"] == f"account.{last}")
    first_items = [(i, r["operation"]) for i, r in enumerate(records)
                   if r["address"].startswith(f"baseline.{first}.")]
    started = {operation for i, operation in first_items if i < last_requested}
    assert {"PutAlternateContact", "CreateBudget", "EnableRegion", "CreateAccountAssignment"} <= started
    assert all(i < last_created for i, operation in first_items if operation != "Completed")
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0


def test_when_a_creation_fails_the_created_accounts_baselines_are_finished_first(
        aws: OrgSim, cli: Any, tmp_path: Path) -> None:
    """Eight accounts and room for six (ACCOUNT_LIMIT_EXCEEDED for the last two): apply stops with
    the creation error, but only after the six created accounts' assignments, started as each was
    created and still in progress (1 s each), have finished."""
    ids = identity_center(aws)
    aws.configure(account_limit=7, assignment_seconds=1.0)  # the management account and six more
    names = [f"team-{i:02d}-dev" for i in range(7)]
    repo = _repo(tmp_path, *names)
    failed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert failed.returncode == 1
    assert "as many accounts as its quota allows" in failed.stderr
    created = {a["Id"] for a in aws.client().list_accounts()["Accounts"]} - {MANAGEMENT}
    assert len(created) == 6
    for group in ("platform-admins", "developers"):
        assigned = [a["AccountId"] for a in assignments(aws, ids, group)]
        assert sorted(assigned) == sorted(created - {account_id(aws, "log-archive")})
