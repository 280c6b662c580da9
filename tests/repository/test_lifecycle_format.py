"""The lifecycle fields load into the model: a lease's date quoted or not, protection, the
organization's lifecycle block with its defaults."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from validate_golden import BASE

from reconciler.model import Lease, LifecycleSettings
from reconciler.repository.load import load_repository


def _repo(tmp_path: Path, account_extra: str, org_extra: str = "") -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    account = repo / "accounts" / "app-dev.yaml"
    account.write_text(account.read_text() + account_extra)
    org = repo / "organization.yaml"
    org.write_text(org.read_text() + org_extra)
    return repo


@pytest.mark.parametrize(("written", "lease"), [
    ("lease:\n  expires: 2027-01-31\n", Lease(expires=date(2027, 1, 31))),  # YAML reads a date
    ('lease:\n  expires: "2027-01-31"\n', Lease(expires=date(2027, 1, 31))),  # quoted: the same
    ("lease: {days: 30}\n", Lease(days=30)),
])
def test_a_lease_loads(tmp_path: Path, written: str, lease: Lease) -> None:
    account = load_repository(_repo(tmp_path, written)).account("app-dev")
    assert account is not None and account.lease == lease and not account.protected


def test_protection_and_the_lifecycle_block_load(tmp_path: Path) -> None:
    org_extra = ("lifecycle:\n  quarantine_ou: Workloads\n  flag_below_monthly_usd: 10\n"
                 "  auto_merge: [retire_lease]\nquotas:\n  max_accounts: 20\n")
    desired = load_repository(_repo(tmp_path, "protected: true\n", org_extra))
    account = desired.account("app-dev")
    assert account is not None and account.protected
    assert desired.lifecycle == LifecycleSettings(quarantine_ou="Workloads", flag_below_monthly_usd=10.0,
                                                  auto_merge=frozenset({"retire_lease"}))
    assert (desired.lifecycle.grace_days, desired.lifecycle.close_quota) == (30, None)
    assert desired.quotas.max_accounts == 20
