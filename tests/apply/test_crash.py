"""kill -9 at each step of an apply, then apply again: it converges, with no duplicate account and
every id in its file. The killed run is a real process that SIGKILLs itself right after its Nth
AWS call returns (RECONCILER_CRASH_AFTER_CALLS), the worst moment: AWS acted, nothing recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from core_world import FEW, accounts_by_email, git, killed_then_converges, make_repo

from reconciler.adapters import aws

_ORDER: list[str] = []
STEPS = ("EnablePolicyType", "CreateOrganizationalUnit", "CreatePolicy", "CreateAccount",
         "DescribeCreateAccountStatus", "MoveAccount", "AttachPolicy")


@pytest.fixture
def call_order(org: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operations of a whole apply of the sample, in order (probed once per session)."""
    if _ORDER:
        return _ORDER
    order = _ORDER
    original = aws.AwsClient.call

    def recording(self: aws.AwsClient, operation: str, service: str = "organizations", **params: Any) -> Any:
        order.append(operation)
        return original(self, operation, service, **params)

    monkeypatch.setattr(aws.AwsClient, "call", recording)
    probe = make_repo(tmp_path / "probe", accounts=FEW)
    assert cli("apply", "--repo", str(probe), "--auto-approve").returncode == 0
    monkeypatch.setattr(aws.AwsClient, "call", original)
    return order


@pytest.mark.parametrize("step", STEPS)
def test_a_killed_apply_converges_on_the_next_run(
        step: str, call_order: list[str], request: pytest.FixtureRequest, cli: Any, tmp_path: Path) -> None:
    request.getfixturevalue("orgsim").reset(state=True)
    org = request.getfixturevalue("org")
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    killed_then_converges(cli, repo, call_order.index(step) + 1)
    emails = accounts_by_email(org)
    assert max(emails.values()) == 1, emails
    files = sorted((repo / "accounts").glob("*.yaml"))
    ids = {yaml.safe_load(f.read_text()).get("account_id") for f in files}
    assert None not in ids and len(ids) == len(files)
    branch = next(b.strip("* ") for b in git(repo, "branch").splitlines() if "account-ids" in b)
    assert len(git(repo, "diff", "--name-only", "main", branch).split()) == len(files)
