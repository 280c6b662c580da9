"""apply, then plan again: nothing left to do. Through the console script, against orgsim."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from core_world import accounts_by_email, generate_org, git, make_repo

from reconciler.apply.audit import read_audit


def _account_ids(repo: Path) -> dict[str, str]:
    found = {}
    for path in sorted((repo / "accounts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        found[data["account_name"]] = data.get("account_id")
    return found


def test_sample_organization_applies_and_then_plans_empty(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    assert "Apply complete" in done.stdout
    again = cli("plan", "--repo", str(repo), "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    ids = _account_ids(repo)
    assert ids and all(ids.values()), ids
    emails = accounts_by_email(org)
    assert all(count == 1 for count in emails.values())
    branch = [b.strip("* ") for b in git(repo, "branch").splitlines() if "account-ids" in b]
    assert len(branch) == 1
    assert set(git(repo, "diff", "--name-only", "main", branch[0]).split()) == {
        f"accounts/{name}.yaml" for name in ids}
    records = read_audit(repo / ".reconciler" / "audit.jsonl")
    assert records and {r["result"] for r in records} == {"ok"}
    assert all(r["request_id"] for r in records if r["operation"] != "AccountCreated")
    created = [r for r in records if r["operation"] == "AccountCreated"]
    assert {r["after"]["account_id"] for r in created} == set(ids.values())
    assert "secret" not in (repo / ".reconciler" / "audit.jsonl").read_text().lower()


def test_generated_organization_applies_and_then_plans_empty(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = generate_org(tmp_path / "gen", accounts=14, ous=8, policies=5)
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    again = cli("plan", "--repo", str(repo), "--format", "json", "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    assert json.loads(again.stdout)["summary"] == {"create": 0, "update": 0, "delete": 0}


def test_plan_formats_and_out_file(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    out = tmp_path / "plan.json"
    shown = cli("plan", "--repo", str(repo), "--format", "markdown", "--out", str(out),
                       "--detailed-exitcode")
    assert shown.returncode == 2, shown.stderr
    saved = json.loads(out.read_text())
    assert saved["summary"]["create"] > 0 and saved["fingerprint"]["live"].startswith("sha256:")
    assert "### Reconciler plan" in shown.stdout and "Plan: " in shown.stdout
    assert "reading organizational units, accounts" in shown.stderr and "reading" not in shown.stdout
