"""The whole drift story against orgsim and ghfake: every kind of out-of-band change, one run of
`reconciler reconcile` as the scheduled workflow runs it, and what it leaves behind."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from drift_world import INTRUDER, World, ou_id

from reconciler.adapters.aws import AwsClient
from reconciler.live.read import read_organization
from reconciler.plan.planner import plan
from reconciler.repository.load import load_repository

DESTRUCTIVE = ("CloseAccount", "DeleteOrganizationalUnit", "DeletePolicy", "RemoveAccountFromOrganization",
               "DisablePolicyType")


def _policy_id(org: Any, name: str) -> str:
    for kind in ("SERVICE_CONTROL_POLICY", "TAG_POLICY"):
        for p in org.list_policies(Filter=kind)["Policies"]:
            if p["Name"] == name:
                return str(p["Id"])
    raise KeyError(name)


def _wait_created(org: Any, request_id: str) -> str:
    for _ in range(100):
        status = org.describe_create_account_status(CreateAccountRequestId=request_id)["CreateAccountStatus"]
        if status["State"] == "SUCCEEDED":
            return str(status["AccountId"])
        time.sleep(0.1)
    raise AssertionError("account creation did not finish")


def _drift_everything(world: World) -> None:
    org, ids = world.org(), world.ids()
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")  # renames by id need it
    account = world.sim.client("account", access_key_id=INTRUDER)
    # Full accounts: moved, renamed, re-tagged.
    org.move_account(AccountId=ids["cust-acme-prod"], SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Sandbox"))
    account.put_account_name(AccountId=ids["sandbox-bob"], AccountName="sandbox-robert")
    org.tag_resource(ResourceId=ids["network-hub"], Tags=[{"Key": "owner-team", "Value": "intruders"}])
    # Assisted: moved and re-tagged; another renamed. Manual: re-tagged.
    org.move_account(AccountId=ids["cust-umbrella-prod"], SourceParentId=ou_id(org, "Workloads/Production"),
                     DestinationParentId=ou_id(org, "Infrastructure"))
    org.tag_resource(ResourceId=ids["cust-umbrella-prod"], Tags=[{"Key": "incident", "Value": "INC-42"}])
    account.put_account_name(AccountId=ids["shared-services"], AccountName="shared-platform")
    org.tag_resource(ResourceId=ids["data-science-lab"], Tags=[{"Key": "cost-center", "Value": "CC-9999"}])
    # Managed policies: document edited, attachment removed, attachment added.
    org.update_policy(PolicyId=_policy_id(org, "deny-root-user"), Content=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    org.detach_policy(PolicyId=_policy_id(org, "restrict-regions"), TargetId=ou_id(org, "Sandbox"))
    org.attach_policy(PolicyId=_policy_id(org, "deny-leave-organization"), TargetId=ou_id(org, "Security"))
    # OUs: created, renamed, deleted.
    org.create_organizational_unit(ParentId=org.list_roots()["Roots"][0]["Id"], Name="Rogue")
    org.update_organizational_unit(OrganizationalUnitId=ou_id(org, "Workloads/Staging"), Name="Stage")
    org.delete_organizational_unit(OrganizationalUnitId=ou_id(org, "Suspended"))
    # Unknown to the repository: an account and a policy.
    rogue = org.create_account(Email="rogue@example.com", AccountName="rogue-account")
    _wait_created(org, rogue["CreateAccountStatus"]["Id"])
    policy = org.create_policy(Name="rogue-scp", Description="made by hand", Type="SERVICE_CONTROL_POLICY",
                               Content=json.dumps({"Version": "2012-10-17", "Statement": [
                                   {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}))
    org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=ou_id(org, "Sandbox"))
    # Gone: an account the repository lists is closed.
    org.close_account(AccountId=ids["sandbox-alice"])


def _remaining(world: World) -> set[str]:
    desired = load_repository(world.repo)
    return {c.address for c in plan(desired, read_organization(AwsClient())).changes}


def _show(world: World, branch: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(world.gh.bare_path(world.full_name)), "show",
                           f"{branch}:{path}"], check=True, capture_output=True, text=True).stdout


def _files_on(world: World, branch: str) -> str:
    return subprocess.run(["git", "--git-dir", str(world.gh.bare_path(world.full_name)), "ls-tree", "-r",
                           "--name-only", branch], check=True, capture_output=True, text=True).stdout


def test_every_kind_of_drift_is_handled_by_its_rule(world: World) -> None:
    _drift_everything(world)
    before = world.sim.calls()
    report = world.reconcile_json()
    after = world.sim.calls()
    assert set(report) == {"drift", "summary", "scan"}
    assert all(set(d) == {"address", "kind", "remediation", "pull_request"} for d in report["drift"])
    assert report["summary"] == {"in_sync": report["summary"]["in_sync"], "drifted": 20, "reverted": 11,
                                 "pull_requests": 3, "deferred": 0}
    found = {d["address"]: (d["kind"], d["remediation"]) for d in report["drift"]}
    assert found == {
        "account.cust-acme-prod": ("modified", "reverted"),
        "account.network-hub": ("modified", "reverted"),
        "account.sandbox-bob": ("modified", "reverted"),
        "account.integration-staging": ("modified", "reverted"),
        "account.workloads-staging": ("modified", "reverted"),
        "account.cust-umbrella-prod": ("modified", "pull_request"),
        "account.shared-services": ("modified", "pull_request"),
        "account.data-science-lab": ("modified", "reported"),
        "account.sandbox-alice": ("missing", "reported"),
        "policy.deny-root-user": ("modified", "reverted"),
        "attachment.restrict-regions.ou:Sandbox": ("missing", "reverted"),
        "attachment.deny-leave-organization.ou:Security": ("unmanaged", "reverted"),
        "ou.Workloads/Staging": ("missing", "reverted"),
        "ou.Suspended": ("missing", "reverted"),
        "attachment.quarantine-suspended.ou:Suspended": ("missing", "reverted"),
        "ou.Rogue": ("unmanaged", "reported"),
        "ou.Workloads/Stage": ("unmanaged", "reported"),
        "account.rogue-account": ("unmanaged", "pull_request"),
        "policy.rogue-scp": ("unmanaged", "reported"),
        "attachment.rogue-scp.ou:Sandbox": ("unmanaged", "reported"),
    }
    # Nothing destroyed: no close, no delete, no disable by the reconciler.
    assert all(after.get(op, 0) == before.get(op, 0) for op in DESTRUCTIVE)
    tags = world.org().list_tags_for_resource(ResourceId=world.ids()["data-science-lab"])["Tags"]
    assert {"Key": "cost-center", "Value": "CC-9999"} in tags  # manual: reported, left alone
    # What was reverted is back: the next plan has nothing left for it.
    reverted = {a for a, (_, r) in found.items() if r == "reverted"}
    assert not reverted & _remaining(world)
    # One pull request per assisted drift, plus the import, each with the right edit.
    pulls = {p.head.ref: p for p in world.gh.github().get_repo(world.full_name).get_pulls(state="open")}
    assert set(pulls) == {"reconciler/drift/account-cust-umbrella-prod",
                          "reconciler/drift/account-shared-services",
                          "reconciler/import/account-rogue-account"}
    umbrella = _show(world, "reconciler/drift/account-cust-umbrella-prod", "accounts/cust-umbrella-prod.yaml")
    assert "ou: Infrastructure" in umbrella and "incident: INC-42" in umbrella
    assert "# yaml-language-server" in umbrella  # the person's comments survive
    renamed = _show(world, "reconciler/drift/account-shared-services", "accounts/shared-platform.yaml")
    assert "account_name: shared-platform" in renamed
    assert "accounts/shared-services.yaml" not in _files_on(world, "reconciler/drift/account-shared-services")
    names = world.ids()
    assert "sandbox-bob" in names and "sandbox-robert" not in names  # full: renamed back
    assert "shared-platform" in names  # assisted: left for people to decide
    imported = _show(world, "reconciler/import/account-rogue-account", "accounts/rogue-account.yaml")
    assert "email: \"rogue@example.com\"" in imported and "automation_level: manual" in imported
    body = pulls["reconciler/drift/account-cust-umbrella-prod"].body
    assert "mallory" in body and "MoveAccount" in body and "reconciler:drift" in body
    # A second run opens nothing new and finds the reverted drift gone.
    again = world.reconcile_json()
    assert {d["address"] for d in again["drift"]} == {a for a, (_, r) in found.items() if r != "reverted"}
    assert [d["pull_request"] for d in again["drift"] if d["pull_request"]] == [
        d["pull_request"] for d in report["drift"] if d["pull_request"]]
    assert world.gh.github().get_repo(world.full_name).get_pulls(state="all").totalCount == 3
