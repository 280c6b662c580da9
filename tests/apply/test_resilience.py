"""Throttling, injected faults and failed account creations: retried, or a plain error, and the
next run converges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import botocore.session
import pytest
from core_world import FEW, accounts_by_email, create_account, make_repo

from reconciler.apply.accounts import failure_text


def _converges(cli: Any, repo: Path, org: Any) -> None:
    ran = cli("apply", "--repo", str(repo), "--auto-approve")
    assert ran.returncode == 0, ran.stderr
    assert cli("plan", "--repo", str(repo), "--detailed-exitcode").returncode == 0
    assert max(accounts_by_email(org).values()) == 1


def test_throttled_organizations_still_converge(orgsim: Any, org: Any, cli: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Pacing off: every throttle AWS would answer reaches botocore's adaptive retries.
    orgsim.configure(throttle=True, rates={"ListTagsForResource": [2.0, 2.0]})
    _converges(cli, make_repo(tmp_path / "repo", accounts=("log-archive",)), org)


def test_client_pacing_keeps_a_throttled_read_clean(orgsim: Any, org: Any, cli: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_AWS_PACING", "on")
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    orgsim.configure(throttle=True)
    assert cli("plan", "--repo", str(repo)).returncode == 0


@pytest.mark.parametrize(("operation", "kind"), [("CreatePolicy", "http500"),
                                                 ("ListAccounts", "connection_reset"),
                                                 ("CreateAccount", "http500")])
def test_passing_faults_are_retried(orgsim: Any, org: Any, cli: Any, tmp_path: Path,
                                    operation: str, kind: str) -> None:
    orgsim.inject_fault(operation, kind, count=2)
    _converges(cli, make_repo(tmp_path / "repo", accounts=FEW), org)


def test_lasting_faults_are_a_plain_error_then_a_rerun_converges(
        orgsim: Any, org: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    orgsim.inject_fault("AttachPolicy", "http500", count=50)
    failed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert failed.returncode == 1
    assert "AttachPolicy" in failed.stderr and "Traceback" not in failed.stderr
    orgsim.reset(state=False)  # the faults end; the organization stays as the failed run left it
    _converges(cli, repo, org)


@pytest.mark.parametrize(("reason", "words"), [
    ("ACCOUNT_LIMIT_EXCEEDED", "Service Quotas"),
    ("CONCURRENT_ACCOUNT_MODIFICATION", "re-run apply in a few minutes"),
    ("INVALID_EMAIL", "as an email address"),
])
def test_failed_creations_are_explained(orgsim: Any, org: Any, cli: Any, tmp_path: Path,
                                        reason: str, words: str) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    orgsim.inject_fault("CreateAccount", "create_account_failure", count=1, reason=reason)
    failed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert failed.returncode == 1
    assert "account.log-archive" in failed.stderr and words in failed.stderr
    _converges(cli, repo, org)


def test_an_email_owned_outside_the_organization_is_explained(orgsim: Any, org: Any, cli: Any,
                                                              tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    orgsim.inject_fault("CreateAccount", "create_account_failure", count=1, reason="EMAIL_ALREADY_EXISTS")
    failed = cli("apply", "--repo", str(repo), "--auto-approve")
    assert failed.returncode == 1
    assert "already belongs to an AWS account outside this organization" in failed.stderr
    assert "accounts/log-archive.yaml" in failed.stderr


def test_an_account_made_by_hand_with_the_same_email_is_adopted_not_duplicated(
        org: Any, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=("log-archive",))
    account_id = create_account(org, "aws+log-archive@example.com", "log-archive")
    _converges(cli, repo, org)
    assert f'account_id: "{account_id}"' in (repo / "accounts" / "log-archive.yaml").read_text()


def test_every_failure_reason_in_botocores_model_has_its_own_words() -> None:
    reasons = botocore.session.get_session().get_service_model("organizations").shape_for(
        "CreateAccountFailureReason").enum
    unknown = failure_text("SOMETHING_NEW", "a@example.com", "accounts/a.yaml")
    assert reasons, "botocore's model lists no CreateAccountFailureReason"
    for reason in reasons:
        text = failure_text(reason, "a@example.com", "accounts/a.yaml")
        assert text != failure_text(f"{reason}_X", "a@example.com", "accounts/a.yaml"), reason
        assert "does not know" not in text, reason
        assert "re-run" in text or "accounts/a.yaml" in text, reason
    assert "SOMETHING_NEW" in unknown and "does not know" in unknown and "re-run" in unknown


def test_a_reason_missing_from_the_response_is_said_plainly() -> None:
    assert "(none)" in failure_text(None, "a@example.com", "accounts/a.yaml")
