"""Every guardrail of plan and apply, end to end through the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_world import FEW, make_repo, set_field

from reconciler.apply.audit import read_audit


def test_an_invalid_repository_lists_its_problems_and_touches_nothing(org: Any, cli: Any,
                                                                       tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    set_field(repo / "accounts" / "log-archive.yaml", "cost_center", "nope")
    for args in (("plan",), ("apply", "--auto-approve")):
        ran = cli(*args, "--repo", str(repo))
        assert ran.returncode == 1
        assert "accounts/log-archive.yaml:" in ran.stderr and "Traceback" not in ran.stderr
    assert len(org.list_accounts()["Accounts"]) == 1  # only the management account


def test_apply_without_a_terminal_asks_for_auto_approve(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    ran = cli("apply", "--repo", str(repo))
    assert ran.returncode == 1 and "--auto-approve" in ran.stderr
    assert len(org.list_accounts()["Accounts"]) == 1
    assert not (repo / ".reconciler" / "audit.jsonl").exists()


def test_a_plan_file_made_before_an_out_of_band_change_is_refused(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    plan_file = tmp_path / "plan.json"
    assert cli("plan", "--repo", str(repo), "--out", str(plan_file)).returncode == 0
    root = org.list_roots()["Roots"][0]["Id"]
    org.create_organizational_unit(ParentId=root, Name="MadeByHand")
    ran = cli("apply", "--repo", str(repo), "--plan", str(plan_file), "--auto-approve")
    assert ran.returncode == 1 and "changed since" in ran.stderr
    assert len(org.list_accounts()["Accounts"]) == 1


def test_a_fresh_plan_file_is_applied_as_reviewed(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    plan_file = tmp_path / "plan.json"
    assert cli("plan", "--repo", str(repo), "--out", str(plan_file)).returncode == 0
    ran = cli("apply", "--repo", str(repo), "--plan", str(plan_file), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0


def test_closing_needs_the_guardrail_and_then_closes(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    set_field(repo / "accounts" / "sandbox-alice.yaml", "lifecycle_state", "closed")
    refused = cli("apply", "--repo", str(repo), "--auto-approve")
    assert refused.returncode == 1 and "allow_account_close" in refused.stderr
    text = (repo / "organization.yaml").read_text().replace("allow_account_close: false",
                                                            "allow_account_close: true")
    (repo / "organization.yaml").write_text(text)
    closed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert closed.returncode == 0, closed.stderr
    statuses = {a["Name"]: a["State"] for a in org.list_accounts()["Accounts"]}
    assert statuses["sandbox-alice"] in ("PENDING_CLOSURE", "SUSPENDED")
    last = read_audit(repo / ".reconciler" / "audit.jsonl")[-1]
    assert (last["operation"], last["result"]) == ("CloseAccount", "ok")
    assert last["address"] == "account.sandbox-alice"


def test_too_many_destructive_changes_are_refused(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    for policy in (repo / "policies").glob("*.yaml"):
        lines = policy.read_text().splitlines()
        start = lines.index("targets:")
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  - "))
        policy.write_text("\n".join([*lines[:start], "targets: []", *lines[end:]]) + "\n")
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 1 and "max_destructive_changes" in ran.stderr
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 1
