"""`reconciler doctor` against orgsim and ghfake: each finding, its fix, the exit code, and that it
changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from core_world import make_repo

from reconciler.doctor.findings import Finding, render_text
from reconciler.doctor.github import NotAllowed, Protection, github_findings

ACCOUNT_API = "account.amazonaws.com"


def _doctor(cli: Any, repo: Path, *args: str) -> tuple[int, dict[str, Finding]]:
    done = cli("doctor", "--repo", str(repo), "--format", "json", *args)
    body = json.loads(done.stdout)
    assert body["must_fix"] == (done.returncode == 1)
    return done.returncode, {f["check"]: Finding(**f) for f in body["findings"]}


def test_fresh_organization_lacks_trusted_access_for_renames(org: Any, cli: Any, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    repo = make_repo(tmp_path / "repo")
    root_before = org.list_roots()["Roots"][0]
    code, found = _doctor(cli, repo)
    assert code == 1
    assert found["trusted-access"].level == "fix"
    assert f"--service-principal {ACCOUNT_API}" in found["trusted-access"].fix
    assert found["all-features"].level == "ok" and found["management-account"].level == "ok"
    assert found["cloudtrail"].level == "ok" and found["bulk-tags"].level == "ok"
    assert found["policy-types"].level == "warn"  # the sample uses SCPs; a fresh organization has none on
    assert found["github"].level == "skipped"
    assert org.list_roots()["Roots"][0] == root_before  # doctor read; it enabled nothing
    assert ACCOUNT_API not in str(org.list_aws_service_access_for_organization())

    org.enable_aws_service_access(ServicePrincipal=ACCOUNT_API)
    code, found = _doctor(cli, repo)
    assert found["trusted-access"].level == "ok"
    assert code == 0  # warnings and skipped checks do not fail the run


def test_another_management_account_in_the_repository_is_a_fix(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    text = (repo / "organization.yaml").read_text().replace('"111111111111"', '"999999999999"')
    (repo / "organization.yaml").write_text(text)
    _, found = _doctor(cli, repo)
    assert found["management-account"].level == "fix"
    assert "999999999999" in found["management-account"].detail


def test_cloudtrail_access_denied_names_the_permission(aws: Any, cli: Any, tmp_path: Path) -> None:
    aws.inject_fault("LookupEvents", "aws_error", code="AccessDeniedException", count=1)
    _, found = _doctor(cli, make_repo(tmp_path / "repo"))
    assert found["cloudtrail"].level == "fix"
    assert "cloudtrail:LookupEvents" in found["cloudtrail"].fix


def test_a_role_without_tag_get_resources_is_warned_not_failed(aws: Any, cli: Any, tmp_path: Path) -> None:
    aws.inject_fault("GetResources", "aws_error", code="AccessDeniedException", count=1)
    _, found = _doctor(cli, make_repo(tmp_path / "repo"))
    assert found["bulk-tags"].level == "warn" and "tag:GetResources" in found["bulk-tags"].fix


def test_invalid_repository_is_reported_and_aws_still_checked(org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / "organization.yaml").write_text("management_account_id: [\n")
    code, found = _doctor(cli, repo)
    assert code == 1 and found["valid"].level == "fix" and "reconciler validate" in found["valid"].fix
    assert found["all-features"].level == "ok"


def test_text_output_puts_each_fix_under_its_finding(org: Any, cli: Any, tmp_path: Path) -> None:
    done = cli("doctor", "--repo", str(make_repo(tmp_path / "repo")))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("FIX  aws: trusted-access"))
    assert lines[at + 1].strip().startswith("fix: aws organizations enable-aws-service-access")
    assert lines[-1] == "1 thing to fix."


def test_github_labels_checked_on_ghfake(org: Any, cli: Any, tmp_path: Path, ghfake: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"GITHUB_REPOSITORY": ghfake.full_name, "GITHUB_TOKEN": ghfake.token,
                       "GITHUB_API_URL": ghfake.url}.items():
        monkeypatch.setenv(key, value)
    repo = make_repo(tmp_path / "repo")
    _, found = _doctor(cli, repo)
    assert found["labels"].level == "fix" and "gh label create account-request" in found["labels"].fix
    ghfake.github().get_repo(ghfake.full_name).create_label("account-request", "ededed")
    _, found = _doctor(cli, repo)
    assert found["labels"].level == "ok"


class _Repo:
    """The doctor's GitHub port with plain answers (the adapter is tested against ghfake above)."""

    def __init__(self, protection: Protection | type[NotAllowed] | None, actions: bool = True) -> None:
        self.protection, self.actions = protection, actions

    def default_branch(self) -> str:
        return "main"

    def label_names(self) -> set[str]:
        return {"account-request"}

    def branch_protection(self, branch: str) -> Protection | None:
        if self.protection is NotAllowed:
            raise NotAllowed("Resource not accessible by integration")
        assert not isinstance(self.protection, type)
        return self.protection

    def actions_can_create_pull_requests(self) -> bool:
        return self.actions


def _by_check(found: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in found}


def test_branch_protection_missing_pieces_are_each_named() -> None:
    weak = Protection(required_approvals=0, dismiss_stale_reviews=False, required_checks=("validate",))
    finding = _by_check(github_findings(_Repo(weak)))["branch-protection"]
    assert finding.level == "fix"
    for piece in ("no approving review", "stale approvals", "most recent push", "'plan' check"):
        assert piece in finding.detail
    good = Protection(1, True, ("validate", "plan"), last_push_approval=True)
    assert _by_check(github_findings(_Repo(good)))["branch-protection"].level == "ok"
    assert _by_check(github_findings(_Repo(None)))["branch-protection"].level == "fix"


def test_settings_the_token_may_not_read_are_skipped_not_guessed() -> None:
    found = _by_check(github_findings(_Repo(NotAllowed)))
    assert found["branch-protection"].level == "skipped"
    assert "admin" in found["branch-protection"].detail
    off = _by_check(github_findings(_Repo(Protection(1, True, ("validate", "plan"), True), actions=False)))
    assert off["actions-pull-requests"].level == "fix"


def test_hostile_text_in_a_finding_cannot_reach_the_terminal_raw() -> None:
    text = render_text([Finding("aws", "x", "fix", "bad\x1b[31mred\nnext", "do\x07this")])
    assert "\x1b" not in text and "\x07" not in text and "bad\\x1b[31mred\\nnext" in text


def test_github_protection_and_actions_setting_read_with_an_admins_token(
        org: Any, cli: Any, tmp_path: Path, ghfake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    for key, value in {"GITHUB_REPOSITORY": ghfake.full_name, "GITHUB_TOKEN": ghfake.token,
                       "GITHUB_API_URL": ghfake.url}.items():
        monkeypatch.setenv(key, value)
    _, found = _doctor(cli, repo)  # the Actions bot's token may not read either setting
    assert found["branch-protection"].level == "skipped" and "admin" in found["branch-protection"].detail
    assert found["actions-pull-requests"].level == "skipped"

    monkeypatch.setenv("GITHUB_TOKEN", "admin-token")
    _, found = _doctor(cli, repo)
    assert found["branch-protection"].level == "fix" and "not protected" in found["branch-protection"].detail
    assert found["actions-pull-requests"].level == "ok"  # GHFake.create_repo turns it on, as set-up does
    ghfake.protect(ghfake.full_name, "main", approvals=1, dismiss_stale=True, checks=("validate",))
    _, found = _doctor(cli, repo)
    assert found["branch-protection"].level == "fix" and "'plan' check" in found["branch-protection"].detail
    ghfake.protect(ghfake.full_name, "main", approvals=1, dismiss_stale=True, checks=("validate", "plan"))
    ghfake.set_actions_can_approve(ghfake.full_name, False)
    _, found = _doctor(cli, repo)
    assert found["branch-protection"].level == "ok"
    assert found["actions-pull-requests"].level == "fix"
