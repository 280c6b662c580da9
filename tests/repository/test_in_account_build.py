"""A baseline's `in_account` work merged per account, and organization.yaml's `in_account`
settings with their defaults (reconciler.repository.in_account)."""

from __future__ import annotations

from pathlib import Path

from reconciler import model
from reconciler.repository.load import load_repository

ORGANIZATION = """management_account_id: "111111111111"
organizational_units: [Workloads]
baselines:
  vpcs:
    applies_to: {{ous: [Workloads]}}
    in_account: {{delete_default_vpcs: true}}
  ebs:
    applies_to: {{environments: [development]}}
    in_account: {{ebs_encryption_by_default: true, delete_default_vpcs: true}}
{settings}"""
ACCOUNT = """account_name: {name}
account_id: "{id}"
email: {name}@example.com
ou: Workloads
environment: {env}
workload_type: internal
owner_team: platform
cost_center: CC-100
automation_level: full
lifecycle_state: active
{extra}"""


def _repo(root: Path, settings: str = "") -> Path:
    (root / "accounts").mkdir(parents=True)
    (root / "organization.yaml").write_text(ORGANIZATION.format(settings=settings))
    for number, (name, env, extra) in enumerate([
            ("dev", "development", ""), ("prod", "production", ""),
            ("out", "development", "baselines: {opt_out: [vpcs, ebs]}\n")]):
        (root / "accounts" / f"{name}.yaml").write_text(ACCOUNT.format(
            name=name, id=f"{200000000000 + number}", env=env, extra=extra))
    return root


def test_work_is_every_selected_baselines_and_settings_default(tmp_path: Path) -> None:
    org = load_repository(_repo(tmp_path / "repo"))
    both, vpcs = model.InAccountWork(True, True), model.InAccountWork(True, False)
    assert org.in_account == {"dev": both, "prod": vpcs}
    assert org.in_account_settings == model.InAccountSettings("OrganizationAccountAccessRole", (), 50)


def test_settings_are_read(tmp_path: Path) -> None:
    settings = "in_account:\n  role_name: BaselineRole\n  regions: [eu-west-1]\n  accounts_per_shard: 10\n"
    org = load_repository(_repo(tmp_path / "repo", settings))
    assert org.in_account_settings == model.InAccountSettings("BaselineRole", ("eu-west-1",), 10)
