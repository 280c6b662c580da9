"""Account baselines in the test worlds: Identity Center with the sample's groups and permission
sets, trusted access for Account Management, and a development account in Workloads, which the
sample organization's `team-workload` baseline selects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orgsim.testing import OrgSim

GROUPS = ("platform-admins", "developers")
PERMISSION_SETS = ("AdministratorAccess", "PowerUserAccess")
TEAM_ACCOUNT = """account_name: {name}
email: aws+{name}@example.com
ou: Workloads
environment: development
workload_type: internal
owner_team: payments
cost_center: CC-30001
automation_level: {level}
lifecycle_state: active
baselines:
  add: [asia-pacific]
"""


def identity_center(sim: OrgSim) -> dict[str, str]:
    """Creates the groups and permission sets the sample's baselines name, and turns on trusted
    access for Account Management; returns the instance ARN, the store id and the ids by name."""
    sim.configure(region_opt_seconds=0.2, assignment_seconds=0.1)  # quick, still asynchronous
    return sim.seed_identity_center(list(PERMISSION_SETS), list(GROUPS))


def add_team_account(repo: Path, name: str = "payments-dev", level: str = "full") -> None:
    (repo / "accounts" / f"{name}.yaml").write_text(TEAM_ACCOUNT.format(name=name, level=level))


def assignments(sim: OrgSim, ids: dict[str, str], group: str) -> list[dict[str, Any]]:
    sso = sim.client("sso-admin")
    listed: list[dict[str, Any]] = sso.list_account_assignments_for_principal(
        InstanceArn=ids["instance"], PrincipalId=ids[group], PrincipalType="GROUP")["AccountAssignments"]
    return listed


def account_id(sim: OrgSim, name: str) -> str:
    return next(str(a["Id"]) for a in sim.client().list_accounts()["Accounts"] if a["Name"] == name)
