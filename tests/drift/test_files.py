"""The repository edits of drift and import pull requests, on the sample repository's files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from drift_world import PROJECT

from reconciler.drift.detect import Drift
from reconciler.drift.files import account_files, import_files_for
from reconciler.errors import RepositoryError
from reconciler.plan.changes import Change, Unmanaged
from reconciler.repository.load import load_repository


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copy(PROJECT / "organization.yaml", tmp_path)
    for folder in ("accounts", "policies"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def _drift(repo: Path, account_name: str, **live: object) -> Drift:
    name = account_name
    desired = load_repository(repo)
    account = desired.account(name)
    assert account is not None
    after = {"name": name, "ou": account.ou, "tags": dict(account.tags)}
    before = {**after, **live}
    return Drift(f"account.{name}", "modified", "account", "pull_request", "assisted",
                 change=Change(f"account.{name}", "account", "update", before=before, after=after),
                 account=name)


def test_account_edit_changes_only_the_drifted_values(repo: Path) -> None:
    drift = _drift(repo, "shared-services", ou="Security")
    (path, text), = account_files(drift, load_repository(repo), repo).items()
    original = (repo / path).read_text()
    changed = [(a, b) for a, b in zip(original.splitlines(), str(text).splitlines(), strict=True) if a != b]
    assert changed == [(line, line.replace("Infrastructure", "Security"))
                       for line in original.splitlines() if line.startswith("ou:")]


def test_rename_moves_the_file_and_retargets_policies(repo: Path) -> None:
    (repo / "policies" / "deny-root-user.yaml").write_text(
        (repo / "policies" / "deny-root-user.yaml").read_text().replace(
            "  - root\n", "  - root\n  - account:shared-services  # kept: a comment\n"))
    drift = _drift(repo, "shared-services", name="shared-platform")
    files = account_files(drift, load_repository(repo), repo)
    assert files["accounts/shared-services.yaml"] is None
    assert "account_name: shared-platform" in str(files["accounts/shared-platform.yaml"])
    assert "- account:shared-platform  # kept: a comment" in str(files["policies/deny-root-user.yaml"])


def test_import_files_carry_metadata_from_tags(repo: Path) -> None:
    live = {"name": "rogue", "email": "rogue@example.com", "ou": "Sandbox", "account_id": "222233334444",
            "tags": {"environment": "sandbox", "team": "x"}}
    drift = Drift("account.rogue", "unmanaged", "account", "import_pr", "x",
                  unmanaged=Unmanaged("account.rogue", "account", live))
    text = str(import_files_for(drift, [drift])["accounts/rogue.yaml"])
    assert 'account_id: "222233334444"' in text and 'environment: "sandbox"' in text
    assert "automation_level: manual  # default" in text  # reported only until a person says more
    assert 'workload_type: "internal"  # default' in text
    assert '"team": "x"' in text


def test_a_drift_without_an_account_file_is_an_error(repo: Path) -> None:
    drift = Drift("account.nobody", "modified", "account", "pull_request", "x", account="nobody")
    with pytest.raises(RepositoryError, match="no account file"):
        account_files(drift, load_repository(repo), repo)
