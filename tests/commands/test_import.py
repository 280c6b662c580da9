"""import writes a valid repository; planning it against the same organization changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_world import create_account, make_repo

from reconciler.model import shadow_description


def test_import_round_trip_plans_no_changes(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    policies = len(list((repo / "policies").glob("*.yaml")))
    assert f"imported 13 accounts, 7 OUs and {policies} policies" in done.stdout
    assert cli("validate", "--repo", str(out)).returncode == 0
    again = cli("plan", "--repo", str(out), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert sorted(p.name for p in (out / "accounts").iterdir()) == sorted(
        p.name for p in (repo / "accounts").iterdir())


def test_untagged_accounts_get_marked_defaults_and_odd_names_are_normalised(
        org: Any, cli: Any, tmp_path: Path) -> None:
    account_id = create_account(org, "legacy@example.com", "Legacy Prod (EU)")
    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "'Legacy Prod (EU)' -> legacy-prod-eu" in done.stderr
    text = (out / "accounts" / "legacy-prod-eu.yaml").read_text()
    assert f'account_id: "{account_id}"' in text
    assert "automation_level: manual  # default" in text
    assert cli("validate", "--repo", str(out)).returncode == 0
    shown = cli("plan", "--repo", str(out), "--format", "json")
    assert shown.returncode == 0
    assert '"address": "account.legacy-prod-eu"' in shown.stdout  # a rename and its tags: nothing else
    assert '"create": 0' in shown.stdout


def test_import_refuses_a_directory_with_files(org: Any, cli: Any, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    done = cli("import", "--output", str(tmp_path))
    assert done.returncode == 1 and "not empty" in done.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_import_of_untagged_accounts_plans_one_adoption_group(org: Any, cli: Any, tmp_path: Path) -> None:
    for n in range(4):
        create_account(org, f"team{n}@example.com", f"team-{n}-dev")
    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "the first apply will tag 4 accounts with the reconciler's own tags" in done.stderr
    shown = cli("plan", "--repo", str(out))
    assert shown.returncode == 0, shown.stderr
    assert "Adoption: 4 accounts only gain the reconciler's own tags" in shown.stdout
    assert "Changes, in the order apply makes them" not in shown.stdout  # nothing else changes
    assert "The other 3:" in shown.stdout
    assert "Plan: 0 to create, 4 to update (4 of them adoption), 0 to delete." in shown.stdout
    as_json = cli("plan", "--repo", str(out), "--format", "json")
    assert as_json.stdout.count('"address": "account.team-') == 4  # the plan keeps every change


def test_a_rollout_shadow_policy_is_not_imported(org: Any, cli: Any, tmp_path: Path) -> None:
    """A rollout's shadow (docs/rollout.md) is the reconciler's, not a policy to adopt: import
    leaves it out and says so; a policy that only looks like one is imported."""
    root = org.list_roots()["Roots"][0]
    enabled = {t["Type"] for t in root["PolicyTypes"] if t["Status"] == "ENABLED"}
    if "SERVICE_CONTROL_POLICY" not in enabled:
        org.enable_policy_type(RootId=root["Id"], PolicyType="SERVICE_CONTROL_POLICY")
    content = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Put*","Resource":"*"}]}'
    org.create_policy(Name="guard.rollout", Type="SERVICE_CONTROL_POLICY", Content=content,
                      Description=shadow_description("guard"))
    org.create_policy(Name="other.rollout", Type="SERVICE_CONTROL_POLICY", Content=content,
                      Description="someone's own policy")
    out = tmp_path / "imported"
    done = cli("import", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "not imported: guard.rollout, a rollout's shadow policy" in done.stderr
    assert not (out / "policies" / "guard.rollout.yaml").exists()
    assert (out / "policies" / "other.rollout.yaml").exists()
